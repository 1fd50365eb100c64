"""The deadline scan: one warning per case, stage and level; what follows from it (audit, notices to the
responsible role, 纪委 on red) is in services/messagebus.py.
"""

from __future__ import annotations

from collections.abc import Callable

from yimen.domain import workdays
from yimen.ports import Clock, UnitOfWork
from yimen.services import messagebus
from yimen.services.applications.cases import all_pages


class DeadlineScan:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock):
        self.uow = uow
        self.clock = clock

    def scan(self, warn_days: int = workdays.DEFAULT_WARN_DAYS) -> dict:
        """The deadline job: one warning per case, stage and level, recorded and sent to the responsible role."""
        today, now = self.clock.today(), self.clock.now()
        horizon = workdays.add_working_days(today, warn_days).due
        counts = {workdays.YELLOW: 0, workdays.RED: 0}
        with self.uow() as uow:
            due = all_pages(lambda c: uow.applications.list_due(horizon, 500, c))
        for app in due:  # one unit per case: its mark, audit event and notices commit together
            warning = app.deadline_warning(now, warn_days)
            if warning is None:
                continue
            with self.uow() as uow:
                if not uow.kv.put_if_absent(
                    "deadline_warnings",
                    f"{app.id}:{app.stage}:{app.due_on}:{warning.level}",
                    {"at": now.isoformat(), "due_on": app.due_on.isoformat()},
                ):
                    continue
                counts[warning.level] += 1
                messagebus.handle(uow, [warning])
        return counts
