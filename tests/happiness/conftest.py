"""Fixtures for 幸福清单 tests: one hand-written synthetic household (values asserted on), and
demo-seeded services with its live token."""

import re
from datetime import date

import cv2
import numpy as np
import pytest

from yimen.domain.model import AidRecord, Household, Member, Relation


@pytest.fixture
def family() -> Household:
    return Household(
        village_code="990101002001",
        address="示范县青山乡青山村3组12号",
        phone="13800001234",
        members=[
            Member(
                "张建国",
                "990101195003041232",
                Relation.HEAD,
                date(1950, 3, 4),
                "男",
                disability_type="肢体",
                disability_grade=2,
            ),
            Member("李秀英", "990101195210101226", Relation.SPOUSE, date(1952, 10, 10), "女"),
            Member(
                "张小梅",
                "990101201005050026",
                Relation.GRANDCHILD,
                date(2010, 5, 5),
                "女",
                disability_type="智力",
                disability_grade=3,
            ),
        ],
        cadre_name="王丽",
        cadre_phone="13900005678",
        id="fam0000000000001",
    )


def aid(
    household: Household, item: str, department: str, fen: int, day: date, ref: str, period: str | None = None
) -> AidRecord:
    return AidRecord(
        household_id=household.id,
        item_code="test",
        item_name=item,
        department=department,
        measure=f"发放{item}",
        amount_fen=fen,
        paid_on=day,
        source="test",
        source_ref=ref,
        period=period,
    )


@pytest.fixture
def family_records(family) -> list[AidRecord]:
    return [
        aid(family, "最低生活保障金", "县民政局", 84000, date(2026, 1, 15), "d1", "2026-01"),
        aid(family, "最低生活保障金", "县民政局", 84000, date(2026, 10, 15), "d10", "2026-10"),
        aid(family, "困难残疾人生活补贴", "县残联", 22000, date(2026, 3, 20), "c1"),
        aid(family, "慈善助医", "县慈善总会", 300000, date(2026, 11, 2), "x1"),
        aid(family, "临时救助", "县民政局", 150000, date(2025, 12, 30), "t1"),
    ]


def token_of(url: str) -> str:
    return re.search(r"/h/([A-Za-z0-9_-]+)$", url).group(1)


def scan_qr(gray: np.ndarray) -> str:
    """Read a QR code the way phone scanners do: more than one detector. OpenCV's classic detector
    misses about one valid code in 300 (e.g. the URL for token UUA4ycoZSlt1QWFi_7gNShlZ), which the
    ArUco-based one reads; a code neither can read is a real failure."""
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        text, _, _ = detector.detectAndDecode(gray)
        if text:
            return text
    return ""
