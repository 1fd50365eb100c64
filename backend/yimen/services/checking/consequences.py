"""What follows from an outreach warning: the township window is told, and the household's 帮扶干部 (who
usually knows the family best) when a phone is on file. Listed in services/messagebus.py; runs in the
unit of work of the change."""

from __future__ import annotations

from yimen.domain.events import WarningRaised
from yimen.domain.model import Role
from yimen.ports import UnitOfWork
from yimen.services.notices.outbox import notify
from yimen.services.staff.regions import county_regions, region_label


def tell_window_and_cadre(raised: WarningRaised, uow: UnitOfWork) -> None:
    village = region_label({r.code: r.name for r in county_regions(uow)}, raised.village_code)
    data = {
        "kind": raised.kind,
        "level": raised.level,
        "village": village,
        "due_on": raised.due_on.isoformat() if raised.due_on else "",
    }
    notify(
        uow,
        "warning_raised",
        role=Role.WINDOW.value,
        area_code=raised.village_code[:9],
        data=data,
        dedupe_key=f"warning:{raised.entry_id}",
    )
    if raised.cadre:
        key = f"warning:{raised.entry_id}:cadre"
        notify(uow, "warning_raised", cadre_of=raised.household_id, data=data, dedupe_key=key)
