"""主动发现 / 政策找人 and 预警: households put forward for a clerk to act on, each tracked to an outcome.

An entry comes from a warning raised by department data (a death, a large medical bill, a new severe
disability, an accident; the rules are data in catalogue/_warnings.yaml) or from proactive screening
(aid the household very likely qualifies for but does not receive). It lives in the household file, is
listed on the township's worklist ordered by the poverty index, and ends as 已申请 (an application was
started with the household's consent), 已走访 (visited, nothing more needed now) or 不需要 (with a reason).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from yimen.domain.errors import Conflict, ValidationError
from yimen.domain.events import WarningRaised
from yimen.domain.model import Household, new_id

RULES_FILE = Path(__file__).resolve().parents[1] / "catalogue" / "_warnings.yaml"
SCREENING, DEATH = "筛查", "死亡"
OPEN, APPLIED, VISITED, NOT_NEEDED = "待处理", "已申请", "已走访", "不需要"
OUTCOMES = (APPLIED, VISITED, NOT_NEEDED)
LEVEL_NAMES = {"red": "红色预警", "yellow": "黄色预警", "info": "政策找人"}


@dataclass
class OutreachEntry:
    kind: str  # 唯一劳动力去世, 大额医疗费用, 应享未享…
    source: str  # the department source (死亡, 医疗费用, 残疾证, 意外事故) or 筛查
    level: str  # red / yellow / info
    raised_on: date
    due_on: date | None
    suggested_items: list[str]
    reasons: list[str]
    ref: str  # what raised it, so the same record imported twice raises one entry
    status: str = OPEN
    outcome_reason: str = ""
    closed_by: str = ""
    closed_at: datetime | None = None
    application_id: str | None = None
    consent: str = ""  # how the household agreed to the application started for it
    member_id: str | None = None  # the member the record was about
    id: str = field(default_factory=new_id)

    @property
    def open(self) -> bool:
        return self.status == OPEN

    def close(self, outcome: str, reason: str, by: str, at: datetime) -> None:
        if not self.open:
            raise Conflict("OUTREACH_CLOSED", f"这条已处理（{self.status}），不能再改")
        if outcome not in OUTCOMES:
            raise ValidationError("BAD_OUTCOME", f"处理结果应为：{'、'.join(OUTCOMES)}")
        if outcome == NOT_NEEDED and len(reason.strip()) < 4:
            raise ValidationError("REASON_REQUIRED", "请写明为什么不需要（至少 4 个字）")
        self.status, self.outcome_reason, self.closed_by, self.closed_at = outcome, reason.strip(), by, at

    def to_doc(self) -> dict[str, Any]:
        doc = {f.name: getattr(self, f.name) for f in fields(self)}
        doc.update(
            raised_on=self.raised_on.isoformat(),
            due_on=self.due_on and self.due_on.isoformat(),
            closed_at=self.closed_at and self.closed_at.isoformat(),
        )
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> OutreachEntry:
        known = {f.name for f in fields(cls)}
        entry = cls(**{k: v for k, v in doc.items() if k in known})
        entry.raised_on = date.fromisoformat(doc["raised_on"])
        entry.due_on = doc.get("due_on") and date.fromisoformat(doc["due_on"])
        entry.closed_at = doc.get("closed_at") and datetime.fromisoformat(doc["closed_at"])
        return entry


@dataclass(frozen=True)
class WarningRule:
    source: str
    kind: str
    level: str
    due_working_days: int
    suggest: tuple[str, ...]
    reason: str
    when: dict[str, Any]

    def applies(self, facts: dict[str, Any]) -> bool:
        w = self.when
        return all(
            (
                not w.get("only_earner") or facts.get("only_earner", False),
                not w.get("earner") or facts.get("earner", False),
                facts.get("self_pay_fen", 0) >= w.get("self_pay_at_least_fen", 0),
                not w.get("on_aid") or bool(set(w["on_aid"]) & set(facts.get("current_aid", ()))),
                "grade_at_most" not in w or (facts.get("grade") or 9) <= w["grade_at_most"],
            )
        )


@functools.cache
def warning_rules() -> tuple[WarningRule, ...]:
    raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return tuple(
        WarningRule(
            r["source"],
            r["kind"],
            r["level"],
            r["due_working_days"],
            tuple(r["suggest"]),
            r["reason"],
            r.get("when") or {},
        )
        for r in raw
    )


def needs_current_aid(source: str) -> bool:
    """Whether any rule of this source asks what aid the household receives (worth a read per record)."""
    return any("on_aid" in r.when for r in warning_rules() if r.source == source)


def first_rule(source: str, facts: dict[str, Any]) -> WarningRule | None:
    return next((r for r in warning_rules() if r.source == source and r.applies(facts)), None)


def person_facts(household: Household, member_id: str) -> dict[str, Any]:
    """Who the person was in the household, for the rules: did they earn, were they the only earner."""
    earners = {m.id for m in household.members if sum(m.monthly_income_fen.values()) > 0}
    return {"earner": member_id in earners, "only_earner": earners == {member_id}}


def deceased(household: Household) -> frozenset[str]:
    """Members a death record was imported for (until a clerk updates the file)."""
    return frozenset(e.member_id for e in household.outreach if e.source == DEATH and e.member_id)


def add_entry(household: Household, entry: OutreachEntry) -> bool:
    """False when the same record already raised an entry on this household."""
    if any(e.ref == entry.ref for e in household.outreach):
        return False
    household.outreach.append(entry)
    return True


def warning_raised(household: Household, entry: OutreachEntry) -> WarningRaised:
    """The event of an entry just added (add_entry): who is told follows from it (services/messagebus.py)."""
    return WarningRaised(
        entry.id,
        household.id,
        household.village_code,
        entry.kind,
        entry.level,
        entry.due_on,
        bool(household.cadre_phone),
    )


def entry(household: Household, entry_id: str) -> OutreachEntry:
    found: OutreachEntry | None = next((e for e in household.outreach if e.id == entry_id), None)
    if found is None:
        raise ValidationError("OUTREACH_NOT_FOUND", "没有这条待办")
    return found
