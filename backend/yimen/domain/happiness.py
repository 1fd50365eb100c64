"""幸福清单 (happiness_list): what one household received, from whom, how much and when.

Pure: built from a Household and its AidRecords. Three disclosure levels decide what is masked:
anyone scanning a 幸福码 sees PUBLIC, the paper delivered face to face is PRINT (the family's own
names so the right person gets it, never a full ID number), the logged-in owner sees OWNER.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from yimen.domain.errors import ValidationError
from yimen.domain.masking import mask_id_number, mask_name, mask_phone
from yimen.domain.model import AidRecord, Household, Member
from yimen.domain.money import yuan

GRADE_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
DEFAULT_OFFICE = "户籍所在地乡镇（街道）社会救助窗口"


class Disclosure(StrEnum):
    PUBLIC = "public"
    PRINT = "print"
    OWNER = "owner"


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026Q4' (or '2026q4', '2026-Q4')."""
        match = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text.strip())
        if not match:
            raise ValidationError("BAD_QUARTER", f"季度“{text}”格式不对，应为如 2026Q4")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}季度"

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


@dataclass(frozen=True)
class MemberLine:
    name: str
    relation: str  # "" on the public page
    id_number: str  # "" on the public page
    age: int | None  # None on the public page
    disability: str  # e.g. 肢体残疾二级, or "" (always "" on the public page)


@dataclass(frozen=True)
class AidLine:
    item_name: str
    department: str
    measure: str
    amount_fen: int
    when: str  # the period the aid is for (2026-11) or, lacking one, the payment date
    paid_on: date

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount_fen)


@dataclass(frozen=True)
class Total:
    label: str
    amount_fen: int

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount_fen)


@dataclass(frozen=True)
class HappinessList:
    household_id: str
    village_code: str
    disclosure: Disclosure
    head_name: str
    address: str
    phone: str | None  # the owner's own view shows the phone on file as is (None: none on file)
    members: tuple[MemberLine, ...]
    disability_categories: tuple[str, ...]
    records: tuple[AidLine, ...]
    year_totals: tuple[Total, ...]
    quarter_totals: tuple[Total, ...]
    grand_total: Total
    cadre_name: str
    cadre_phone: str
    contact_line: str
    title: str  # 2026年幸福清单 / 幸福清单

    @property
    def masked(self) -> bool:
        return self.disclosure != Disclosure.OWNER


def disability_label(member: Member) -> str:
    if not member.disability_type:
        return ""
    return f"{member.disability_type}残疾{GRADE_NAMES.get(member.disability_grade or 0, '')}"


def _member_line(member: Member, on: date, disclosure: Disclosure) -> MemberLine:
    if disclosure == Disclosure.PUBLIC:  # whoever scans the printed code: masked names, nothing of health
        return MemberLine(name=mask_name(member.name), relation="", id_number="", age=None, disability="")
    return MemberLine(
        name=member.name,
        relation=str(member.relation),
        id_number=member.id_number if disclosure == Disclosure.OWNER else mask_id_number(member.id_number),
        age=member.age_on(on),
        disability=disability_label(member),
    )


def _aid_line(record: AidRecord) -> AidLine:
    return AidLine(
        item_name=record.item_name,
        department=record.department,
        measure=record.measure,
        amount_fen=record.amount_fen,
        when=record.period or record.paid_on.isoformat(),
        paid_on=record.paid_on,
    )


def _totals(records: list[AidRecord]) -> tuple[tuple[Total, ...], tuple[Total, ...]]:
    by_year: dict[int, int] = defaultdict(int)
    by_quarter: dict[Quarter, int] = defaultdict(int)
    for record in records:
        by_year[record.paid_on.year] += record.amount_fen
        by_quarter[Quarter.of(record.paid_on)] += record.amount_fen
    years = tuple(Total(f"{y}年", by_year[y]) for y in sorted(by_year))
    quarters = tuple(Total(q.label, by_quarter[q]) for q in sorted(by_quarter))
    return years, quarters


def contact_line(household: Household, office: str = DEFAULT_OFFICE) -> str:
    """The cadre is staff whose work phone is printed on purpose, so it is never masked."""
    if not household.cadre_name:
        return f"以上信息如有疑问请联系{office}。"
    phone = f"（电话 {household.cadre_phone}）" if household.cadre_phone else ""
    return f"以上信息如有疑问请联系帮扶干部{household.cadre_name}{phone}，或{office}。"


def select_records(records: list[AidRecord], through: Quarter | None) -> list[AidRecord]:
    """The paper for a quarter covers that year up to the quarter's end ("一季一送", growing each
    quarter); online (through=None) shows every record."""
    if through is None:
        return sorted(records, key=lambda r: (r.paid_on, r.item_name))
    chosen = [r for r in records if through.year == r.paid_on.year and r.paid_on <= through.last_day]
    return sorted(chosen, key=lambda r: (r.paid_on, r.item_name))


def build_list(
    household: Household,
    records: list[AidRecord],
    *,
    today: date,
    disclosure: Disclosure = Disclosure.PUBLIC,
    through: Quarter | None = None,
    office: str = DEFAULT_OFFICE,
) -> HappinessList:
    """`office` is who else answers questions, e.g. the county centre and its hotline."""
    chosen = select_records(records, through)
    members = tuple(_member_line(m, today, disclosure) for m in household.members)
    years, quarters = _totals(chosen)
    head = household.head
    public = disclosure == Disclosure.PUBLIC  # a stranger sees the aid list and masked names, no more
    return HappinessList(
        household_id=household.id,
        village_code=household.village_code,
        disclosure=disclosure,
        head_name=mask_name(head.name) if public else head.name,
        address="" if public else household.address,
        phone="" if public else household.phone if disclosure == Disclosure.OWNER else mask_phone(household.phone),
        members=members,
        disability_categories=tuple(m.disability for m in members if m.disability),
        records=tuple(_aid_line(r) for r in chosen),
        year_totals=years,
        quarter_totals=quarters,
        grand_total=Total("合计", sum(r.amount_fen for r in chosen)),
        cadre_name=household.cadre_name or "",
        cadre_phone=household.cadre_phone or "",
        contact_line=contact_line(household, office),
        title=f"{through.year}年幸福清单" if through else "幸福清单",
    )
