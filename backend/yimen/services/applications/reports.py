"""Figures for the staff: the dashboard of open cases by stage with yellow/red marks and this year's
counters, and 纪委监督's list of overdue cases.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

from yimen.domain import workdays
from yimen.domain.model import Actor
from yimen.domain.permissions import Action, require
from yimen.domain.workflow import OPEN_STAGES, TERMINAL, Application, Stage
from yimen.ports import Clock, UnitOfWork
from yimen.services.applications.cases import all_pages


class CaseReports:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock):
        self.uow = uow
        self.clock = clock

    def dashboard(self, actor: Actor, warn_days: int) -> dict:
        """For the actor's area: open cases by stage with yellow/red (read from the county's stage queues,
        open cases only), and this year's closed cases and granted amounts (counters, kept with each
        application write), so the page reads no more than the open work and one counter item."""
        require(actor, Action.CASES_READ)
        today = self.clock.today()
        stats = {s: {"total": 0, workdays.YELLOW: 0, workdays.RED: 0} for s in Stage}
        green_pending = 0
        with self.uow() as uow:
            for stage in OPEN_STAGES:
                queue = all_pages(functools.partial(uow.applications.list_in_area, actor.area_code, stage, 500))
                for app in queue:
                    row = stats[stage]
                    row["total"] += 1
                    mark = workdays.level(today, app.due_on, warn_days)
                    if mark in (workdays.YELLOW, workdays.RED):
                        row[mark] += 1
                    green_pending += bool(app.green and app.green.pending)
            figures = uow.applications.tallies(actor.area_code, today.year)
        for stage in TERMINAL:
            stats[stage]["total"] = figures.get(f"stage:{stage.value}", 0)
        return {
            "stages": stats,
            "granted_fen": figures.get("granted_fen", 0),
            "green_pending": green_pending,
            "overdue": sum(r[workdays.RED] for r in stats.values()),
            "year": today.year,
        }

    def overdue(self, actor: Actor) -> list[Application]:
        """纪委监督: every open case past its limit in the actor's area."""
        require(actor, Action.CASES_OVERDUE)
        yesterday = date.fromordinal(self.clock.today().toordinal() - 1)
        with self.uow() as uow:
            return all_pages(lambda c: uow.applications.list_due(yesterday, 500, c, area_code=actor.area_code))
