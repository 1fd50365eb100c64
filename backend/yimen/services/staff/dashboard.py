"""The charts of the centre's and the discipline office's dashboard, as data a chart can draw: cases by stage
and township, overdue cases by the month their limit passed, money paid through the platform by item and
month, warnings raised and closed by month, and how the poverty index is spread. Everything is read for the
caller's area only."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable

from yimen.domain import workflow
from yimen.domain.model import Actor
from yimen.domain.permissions import Action, require
from yimen.domain.policy import catalogue
from yimen.domain.workflow import Stage
from yimen.ports import Clock, UnitOfWork
from yimen.services.applications.cases import all_pages
from yimen.services.checking.outreach import index_of
from yimen.services.staff.regions import county_regions

OPEN_STAGES = [s for s in Stage if s.value in ("受理", "核对", "督办", "审批", "补正")]
INDEX_BIN = 10


def chart(chart_id: str, title: str, kind: str, labels: list[str], datasets: list[dict]) -> dict:
    return {"id": chart_id, "title": title, "type": kind, "labels": labels, "datasets": datasets}


class DashboardService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock):
        self.uow, self.clock = uow, clock

    def charts(self, actor: Actor) -> list[dict]:
        require(actor, Action.CASES_READ)
        today = self.clock.today()
        with self.uow() as uow:
            apps = [
                a
                for stage in workflow.OPEN_STAGES  # open cases only, each stage one county partition
                for a in all_pages(functools.partial(uow.applications.list_in_area, actor.area_code, stage, 500))
            ]
            households = list(uow.households.iter_in_area(actor.area_code))
            records = [
                r for h in households for r in uow.aid_records.list_for_household(h.id) if r.source == "platform"
            ]
            townships = {r.code: r.name for r in county_regions(uow) if len(r.code) == 9}
        return [
            self._by_stage(apps, townships),
            self._overdue(apps, today),
            self._paid(records),
            self._warnings(households),
            self._index(households, today),
        ]

    @staticmethod
    def _by_stage(apps, townships: dict[str, str]) -> dict:
        counts = Counter((a.village_code[:9], a.stage) for a in apps if a.stage in OPEN_STAGES)
        codes = sorted({code for code, _ in counts} | set(townships))
        return chart(
            "by-stage",
            "在办案件：各乡镇、各环节",
            "bar",
            [townships.get(c, c) for c in codes],
            [{"label": s.value, "data": [counts[(c, s)] for c in codes], "stack": "stage"} for s in OPEN_STAGES],
        )

    @staticmethod
    def _overdue(apps, today) -> dict:
        late = Counter(a.due_on.strftime("%Y-%m") for a in apps if a.open and a.due_on and a.due_on < today)
        months = sorted(late)
        return chart(
            "overdue",
            "超时案件（按超过时限的月份）",
            "line",
            months,
            [{"label": "超时案件", "data": [late[m] for m in months]}],
        )

    @staticmethod
    def _paid(records) -> dict:
        sums: dict[str, Counter] = defaultdict(Counter)
        for r in records:
            sums[r.item_code][r.paid_on.strftime("%Y-%m")] += r.amount_fen
        months = sorted({m for by_month in sums.values() for m in by_month})
        names = {code: item.short_name for code, item in catalogue().items.items()}
        return chart(
            "paid",
            "经平台拨付的救助金（元）：各事项、各月",
            "bar",
            months,
            [
                {"label": names.get(code, code), "data": [by_month[m] / 100 for m in months], "stack": "paid"}
                for code, by_month in sorted(sums.items())
            ],
        )

    @staticmethod
    def _warnings(households) -> dict:
        raised: Counter[str] = Counter()
        closed: Counter[str] = Counter()
        for e in (e for h in households for e in h.outreach if e.source != "筛查"):
            raised[e.raised_on.strftime("%Y-%m")] += 1
            if e.closed_at:
                closed[e.closed_at.strftime("%Y-%m")] += 1
        months = sorted(set(raised) | set(closed))
        return chart(
            "warnings",
            "预警：每月发出和办结",
            "bar",
            months,
            [
                {"label": "发出", "data": [raised[m] for m in months]},
                {"label": "办结", "data": [closed[m] for m in months]},
            ],
        )

    @staticmethod
    def _index(households, today) -> dict:
        bins = Counter(index_of(h, today).score // INDEX_BIN for h in households)
        top = max(bins, default=0)
        return chart(
            "index",
            "贫困指数分布（户数）",
            "bar",
            [f"{b * INDEX_BIN}-{b * INDEX_BIN + INDEX_BIN - 1}" for b in range(top + 1)],
            [{"label": "户数", "data": [bins[b] for b in range(top + 1)]}],
        )
