"""主动发现 / 政策找人: run the catalogue rules over every household in an area and list
(a) aid a household very likely qualifies for but does not receive, and (b) 重复享受: aid it receives
that must not be combined, or the same item paid twice for one period.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tqdm import tqdm

from yimen.domain.eligibility import current_conflicts, facts_of, is_likely, judge, profile_from_household
from yimen.domain.masking import mask_name
from yimen.domain.model import AidRecord, Household
from yimen.domain.policy import Catalogue, catalogue
from yimen.services import spreadsheets

CURRENT_WINDOW = timedelta(days=365)  # aid paid within a year counts as "currently received"
MISSED, CONFLICT, REPEAT = "应享未享", "不可同时享受", "同期重复发放"
CSV_HEADER = ["类型", "户编号", "村（社区）代码", "户主", "事项代码", "事项名称", "说明"]


@dataclass(frozen=True)
class Finding:
    kind: str
    household_id: str
    village_code: str
    head_name: str
    item_code: str
    item_name: str
    detail: str

    def row(self) -> list[str]:
        return [
            self.kind,
            self.household_id,
            self.village_code,
            mask_name(self.head_name),
            self.item_code,
            self.item_name,
            self.detail,
        ]


def current_codes(records: Iterable[AidRecord], today: date, cat: Catalogue) -> set[str]:
    since = today - CURRENT_WINDOW
    return {
        code for r in records if r.paid_on >= since and (code := cat.resolve(r.item_code) or cat.resolve(r.item_name))
    }


def screen_household(
    household: Household, records: list[AidRecord], today: date, cat: Catalogue | None = None
) -> list[Finding]:
    cat = cat or catalogue()
    current = current_codes(records, today, cat)
    facts = facts_of(profile_from_household(household, current, today), cat)
    found = []

    def finding(kind: str, code: str, name: str, detail: str) -> None:
        found.append(Finding(kind, household.id, household.village_code, household.head.name, code, name, detail))

    for item in cat.items.values():
        if item.code in current:
            continue
        if is_likely(item, facts, cat, household.village_code):
            _, results, _ = judge(item, facts, cat, household.village_code)  # again, for the reasons
            finding(MISSED, item.code, item.name, "；".join(c.text() for r in results for c in r.checks))
    for pair in current_conflicts(current, cat):
        finding(CONFLICT, "+".join(pair["items"]), "、".join(pair["names"]), pair["reason"])
    periods = Counter((r.item_code, r.period) for r in records if r.period)
    for (code, period), count in sorted(periods.items()):
        if count > 1:
            repeated = cat.get(cat.resolve(code) or "")
            finding(REPEAT, code, repeated.name if repeated else code, f"{period} 发放了 {count} 次")
    return found


def screen(households: Iterable[Household], records_of, today: date, progress: bool = False) -> list[Finding]:
    cat = catalogue()
    findings: list[Finding] = []
    for household in tqdm(households, desc="筛查", unit="户", disable=not progress, file=sys.stderr):
        findings.extend(screen_household(household, records_of(household.id), today, cat))
    return findings


def write_csv(findings: list[Finding], out) -> None:
    spreadsheets.write_csv(out, CSV_HEADER, (f.row() for f in findings))
