"""What follows from a household's account changing: the household is told at once. Listed in
services/messagebus.py; runs in the unit of work of the change."""

from __future__ import annotations

from yimen.domain.events import PayeeChanged
from yimen.ports import UnitOfWork
from yimen.services.notices.outbox import notify


def tell_household_payee_changed(changed: PayeeChanged, uow: UnitOfWork) -> None:
    notify(
        uow,
        "payee_changed",
        household_id=changed.household_id,
        dedupe_key=f"payee_changed:{changed.household_id}:{changed.version}",
        data={
            "account_masked": changed.account_masked,
            "bank_name": changed.bank_name,
            "changed_on": changed.changed_on.isoformat(),
        },
    )
