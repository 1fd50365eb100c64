"""What follows from what: ONE table from each domain event to its handlers, read top to bottom.

The domain records events (domain/events.py) on the aggregate that changed; the service that stored the
change calls `handle(uow, events)` inside the same unit of work, so the change and everything that
follows from it commit together or not at all, on SQLite and DynamoDB, in `yimen serve` and on Lambda.
The command's own audit event is appended by the service that ran it; the audit events listed here are
consequences. A handler takes (event, uow) and may return further events, handled in the same unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from yimen.domain.events import (
    AidGranted,
    AidRefused,
    ApplicationAccepted,
    ApplicationRejected,
    ApplicationSubmitted,
    ComplaintAnswered,
    DeadlineWarned,
    Event,
    PayeeChanged,
    PaymentFailed,
    PaymentMade,
    ReturnedForCorrection,
    WarningRaised,
)
from yimen.ports import UnitOfWork
from yimen.services.applications import consequences as application
from yimen.services.checking import consequences as checking
from yimen.services.funds import consequences as funds
from yimen.services.funds import slips

Handler = Callable[[Any, UnitOfWork], Iterable[Event] | None]  # Any: each takes its own event type

HANDLERS: dict[type[Event], list[Handler]] = {
    ApplicationSubmitted: [application.queue_id_photo_check, application.tell_received],
    ApplicationAccepted: [application.tell_accepted],
    ApplicationRejected: [application.tell_rejected],
    ReturnedForCorrection: [application.ask_for_correction],
    # 同意救助 and 绿色通道 alike: the slips that will pay it, then the notice naming the account
    AidGranted: [slips.make_slips, application.tell_granted],
    AidRefused: [application.tell_refused],
    DeadlineWarned: [application.audit_deadline, application.tell_responsible_role],
    ComplaintAnswered: [application.tell_complainant],
    # the bank paid: a line on the household's 幸福清单 (its platform aid record), and the notice
    PaymentMade: [slips.add_to_happiness_list, slips.tell_household_paid],
    PaymentFailed: [slips.mark_refused_account, slips.tell_centre_payment_failed],
    PayeeChanged: [funds.tell_household_payee_changed],
    WarningRaised: [checking.tell_window_and_cadre],
}


def handle(uow: UnitOfWork, events: Iterable[Event]) -> None:
    """Run every handler of every event, in order, inside `uow` (the caller's open unit of work). A
    handler that fails fails the whole unit: the change that raised the event is not stored either."""
    queue = list(events)
    while queue:
        event = queue.pop(0)
        for handler in HANDLERS[type(event)]:
            queue.extend(handler(event, uow) or ())
