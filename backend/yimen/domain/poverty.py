"""贫困指数 and 动态排名 (达川, 常州): an explainable score per household, and rankings per area.

The score is a sum of whole points, one line per factor that applies, so a clerk can read "为什么排在
前面" and the points always add up to the score. Weights are data (catalogue/_poverty_index.yaml);
what each factor means and where it comes from is in docs/poverty-index.md.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from yimen.domain.model import Household, Member, WorkCapacity

WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "catalogue" / "_poverty_index.yaml"
SHOCK_WINDOW = timedelta(days=365)


@functools.cache
def weights() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WEIGHTS_FILE.read_text(encoding="utf-8"))
    return loaded


@dataclass(frozen=True)
class Factor:
    name: str
    points: int
    detail: str


@dataclass(frozen=True)
class PovertyIndex:
    household_id: str
    score: int
    factors: tuple[Factor, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "factors": [{"name": f.name, "points": f.points, "detail": f.detail} for f in self.factors],
        }


@dataclass(frozen=True)
class Shock:
    """An open warning raised from department data: its level (red/yellow) and when it was raised."""

    kind: str
    level: str
    raised_on: date


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.0f}元" if fen % 100 == 0 or fen >= 10000 else f"{fen / 100:.2f}元"


def _each(count: float, rule: Mapping[str, Any], key: str = "points_each") -> int:
    points: int = min(round(count * rule[key]), rule["cap"])
    return points


def compute(
    household: Household,
    standard_fen: int,
    today: date,
    shocks: Iterable[Shock] = (),
    w: Mapping[str, Any] | None = None,
    gone: frozenset[str] = frozenset(),
) -> PovertyIndex:
    """The index of one household against the local 低保 standard (fen per person per month). Members in
    `gone` (a death on record) no longer count, nor does their income: that is what the family lost."""
    w = w or weights()
    members = [m for m in household.members if m.id not in gone]
    size = max(len(members), 1)
    income = sum(sum(m.monthly_income_fen.values()) for m in members)
    per_head = income // size
    found: list[Factor] = []

    def add(name: str, points: int, detail: str) -> None:
        if points > 0:
            found.append(Factor(name, points, detail))

    if per_head < standard_fen:
        add(
            "收入缺口",
            round(w["income_gap"]["points"] * (standard_fen - per_head) / standard_fen),
            f"人均月收入 {_yuan(per_head)}，低于低保标准 {_yuan(standard_fen)}",
        )
    elif per_head < standard_fen * 3 // 2:
        add(
            "低保边缘",
            w["marginal"]["points"],
            f"人均月收入 {_yuan(per_head)}，在低保标准的 1.5 倍（{_yuan(standard_fen * 3 // 2)}）以内",
        )
    unable = sum(1 for m in members if m.work_capacity == WorkCapacity.NONE)
    partial = sum(1 for m in members if m.work_capacity == WorkCapacity.PARTIAL)
    add(
        "无劳动能力",
        _each(unable + partial / 2, w["no_work_capacity"]),
        f"{unable} 人无劳动能力" + (f"，{partial} 人部分劳动能力" if partial else ""),
    )
    severe = [m for m in members if m.disability_grade in (1, 2)]
    other = [m for m in members if m.disability_grade in (3, 4)]
    add("重度残疾", _each(len(severe), w["severe_disability"]), f"{len(severe)} 人持一、二级残疾证")
    add("其他残疾", _each(len(other), w["other_disability"]), f"{len(other)} 人持三、四级残疾证")
    ill = sum(1 for m in members if m.health == "大病") + sum(0.5 for m in members if m.health == "慢性病")
    add("大病慢病", _each(ill, w["severe_illness"]), _illness_detail(members))
    medical = household.medical_costs_fen or 0
    if medical:
        share = min(medical / max(income * 12, 1), 1.0)
        add(
            "医疗负担",
            round(w["medical_burden"]["points"] * share),
            f"一年医疗自付 {_yuan(medical)}，家庭年收入 {_yuan(income * 12)}",
        )
    students = sum(1 for m in members if m.school)
    add("教育负担", _each(students, w["education_burden"], "points_each_student"), f"{students} 人在读")
    add("住房困难", w["housing"]["points"].get(household.housing or "", 0), f"住房：{household.housing}")
    recent = [s for s in shocks if s.raised_on >= today - SHOCK_WINDOW]
    if recent:
        points = min(sum(w["recent_shock"]["points"].get(s.level, 0) for s in recent), w["recent_shock"]["cap"])
        add("近期变故", points, "、".join(s.kind for s in recent))
    return PovertyIndex(household.id, sum(f.points for f in found), tuple(found))


def _illness_detail(members: list[Member]) -> str:
    severe = sum(1 for m in members if m.health == "大病")
    chronic = sum(1 for m in members if m.health == "慢性病")
    parts = (f"{severe} 人患大病" if severe else "", f"{chronic} 人患慢性病" if chronic else "")
    return "，".join(part for part in parts if part)


@dataclass
class Ranking:
    """Households of an area, highest index first; one household's change moves only that household
    (a bisect into a sorted list), so the ranking stays current as data arrives."""

    _keys: list[tuple[int, str]] = field(default_factory=list)  # (-score, household id), sorted
    _scores: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, indexes: Iterable[PovertyIndex]) -> Ranking:
        ranking = cls()
        ranking._scores = {i.household_id: i.score for i in indexes}
        ranking._keys = sorted((-score, hid) for hid, score in ranking._scores.items())
        return ranking

    def update(self, index: PovertyIndex) -> None:
        old = self._scores.get(index.household_id)
        if old is not None:
            del self._keys[bisect.bisect_left(self._keys, (-old, index.household_id))]
        bisect.insort(self._keys, (-index.score, index.household_id))
        self._scores[index.household_id] = index.score

    def rank_of(self, household_id: str) -> int:
        """1 for the neediest."""
        return bisect.bisect_left(self._keys, (-self._scores[household_id], household_id)) + 1

    def top(self, n: int | None = None) -> list[tuple[str, int]]:
        return [(hid, -neg) for neg, hid in self._keys[:n]]

    def ranks(self) -> dict[str, int]:
        return {hid: position for position, (_, hid) in enumerate(self._keys, start=1)}

    def __len__(self) -> int:
        return len(self._keys)
