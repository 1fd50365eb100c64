"""Domain events: what happened, recorded by the aggregate (or domain function) that made it happen.

What follows from each event (slips, notices, the household's 幸福清单, audit) is listed in one table,
services/messagebus.py; its handlers run inside the unit of work of the change, so a change and its
consequences commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from yimen.domain.model import AidRecord


@dataclass(frozen=True)
class Event:
    """Something that happened; its handlers decide what follows."""


class Recorder:
    """For an aggregate: events it raised since it was loaded. Kept out of its dataclass fields, so the
    events are never stored with it; the service hands them to the message bus in the same unit of work."""

    def record(self, event: Event) -> None:
        vars(self).setdefault("_new_events", []).append(event)

    def pop_events(self) -> list[Event]:
        events: list[Event] = vars(self).pop("_new_events", [])
        return events


# --- applications ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationEvent(Event):
    """Who an application's notices go to and what they name."""

    application_id: str
    household_id: str
    applicant_openid: str
    item_names: str  # 、-joined, as the notices name the case


@dataclass(frozen=True)
class ApplicationSubmitted(ApplicationEvent):
    items: tuple[tuple[str, str], ...]  # (code, name) of each item applied for
    received_on: date
    id_photo: bool  # an ID photo came with it: the OCR worker reads it, not the request


@dataclass(frozen=True)
class ApplicationAccepted(ApplicationEvent):
    accepted_on: date
    step: int  # the position of the decision in the case's history: one notice per decision


@dataclass(frozen=True)
class ApplicationRejected(ApplicationEvent):
    reason: str
    step: int


@dataclass(frozen=True)
class ReturnedForCorrection(ApplicationEvent):
    """退回补正: the applicant is asked for what is missing, by a day."""

    reason: str
    correct_by: date
    step: int


@dataclass(frozen=True)
class AidGranted(ApplicationEvent):
    """同意救助 at 审批, or 绿色通道 (emergency: a one-off grant before the paperwork)."""

    item_code: str
    item_name: str
    department: str
    amount_fen: int
    monthly: bool
    months: int
    granted_on: date
    emergency: bool = False


@dataclass(frozen=True)
class AidRefused(ApplicationEvent):
    """不同意救助 for one item at 审批."""

    item_code: str
    item_name: str
    reason: str


@dataclass(frozen=True)
class DeadlineWarned(Event):
    """An open case near (yellow) or past (red) its limit, as the deadline scan found it."""

    application_id: str
    village_code: str
    stage: str
    responsible_role: str
    item_names: str
    due_on: date
    level: str  # workdays.YELLOW / workdays.RED
    days_overdue: int
    at: datetime


@dataclass(frozen=True)
class ComplaintAnswered(Event):
    """在线举报 answered by 纪委监督: the reply goes back to the person who filed it."""

    complaint_id: str
    reporter_openid: str
    reply: str
    answered_on: date


@dataclass(frozen=True)
class WarningRaised(Event):
    """主动发现预警: a department's record raised an outreach entry on a household."""

    entry_id: str
    household_id: str
    village_code: str
    kind: str
    level: str
    due_on: date | None
    cadre: bool  # the household has its 帮扶干部's phone on file


# --- money ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentMade(Event):
    """The bank paid a slip: the household's 幸福清单 gains a line (its platform aid record)."""

    slip_id: str
    record: AidRecord  # domain.disbursement.platform_aid_record: the one door to a platform aid record
    account_masked: str


@dataclass(frozen=True)
class PayeeChanged(Event):
    """A household's account replaced by another; the household is told at once (fraud shows there first)."""

    household_id: str
    version: int  # the household's version the change is written over: one notice per change
    account_masked: str
    bank_name: str
    changed_on: date


@dataclass(frozen=True)
class PaymentFailed(Event):
    """The bank refused a slip's payment to an account."""

    slip_id: str
    batch_id: str
    household_id: str
    region_code: str
    item_name: str
    amount_fen: int
    reason: str  # the bank's reason, as the slip notes it
    account_number: str = field(repr=False)  # the refused account: marked on the household unless corrected since
