"""Where money starts and ends: the slips (拨付单) an approval creates, and what the bank's answer
leaves behind. The handlers here are listed in services/messagebus.py and run in the unit of work of
the change that raised their event."""

from __future__ import annotations

from datetime import date

from yimen.domain.disbursement import Slip, months_from
from yimen.domain.errors import NotFound, ValidationError
from yimen.domain.events import AidGranted, PaymentFailed, PaymentMade
from yimen.domain.masking import mask_bank_card, mask_name
from yimen.domain.model import Household, Role
from yimen.domain.payee import unusable_reason
from yimen.ports import UnitOfWork
from yimen.services.notices.outbox import notify


def create_slips(
    uow,
    *,
    application_id: str,
    household_id: str,
    item_code: str,
    item_name: str,
    department: str,
    amount_fen: int,
    monthly: bool,
    months: int,
    start: date,
    urgent: bool = False,
) -> list[Slip]:
    """One slip per month of monthly aid, or one for one-off aid; runs inside the approval's
    transaction. Calling it again for the same approval returns the slips already made."""
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValueError("amount_fen must be a positive integer number of fen")
    household = uow.households.get(household_id)
    if household is None:
        raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
    slips = []
    for due in months_from(start, months) if monthly else [start]:
        slip = Slip(
            application_id=application_id,
            household_id=household_id,
            region_code=household.village_code,
            item_code=item_code,
            item_name=item_name,
            department=department,
            amount_fen=amount_fen,
            period=due.strftime("%Y-%m") if monthly else None,
            due_on=due,
            urgent=urgent,
        )
        if not uow.slips.add(slip):
            slip = uow.slips.get(slip.id)
        slips.append(slip)
    return slips


# --- handlers (services/messagebus.py) ------------------------------------------------------------


def make_slips(granted: AidGranted, uow: UnitOfWork) -> None:
    """The slips that will pay a grant. A 绿色通道 grant has its own application_id, so the later approval
    of the same item gets slips of its own."""
    create_slips(
        uow,
        application_id=f"{granted.application_id}-green" if granted.emergency else granted.application_id,
        household_id=granted.household_id,
        item_code=granted.item_code,
        item_name=granted.item_name,
        department=granted.department,
        amount_fen=granted.amount_fen,
        monthly=granted.monthly,
        months=granted.months,
        start=granted.granted_on,
        urgent=granted.emergency,
    )


def usable_account(uow: UnitOfWork, household_id: str) -> str | None:
    """The masked account an approval notice names, or None when the household must still give one."""
    household = _household(uow, household_id)
    return None if unusable_reason(household) else mask_bank_card(household.bank_card)


def add_to_happiness_list(paid: PaymentMade, uow: UnitOfWork) -> None:
    """The paid slip's platform aid record: the line the household's 幸福清单 shows."""
    if not uow.aid_records.add(paid.record):
        raise ValidationError("ALREADY_PAID", f"拨付单 {paid.slip_id} 已有拨付记录，不能重复拨付")


def tell_household_paid(paid: PaymentMade, uow: UnitOfWork) -> None:
    record = paid.record
    notify(
        uow,
        "paid",
        household_id=record.household_id,
        dedupe_key=f"paid:{paid.slip_id}",
        data={
            "item_name": record.item_name,
            "amount_fen": record.amount_fen,
            "paid_on": record.paid_on.isoformat(),
            "bank_card_masked": paid.account_masked,
            "period": record.period,
        },
    )


def mark_refused_account(failed: PaymentFailed, uow: UnitOfWork) -> None:
    """The account the bank refused is marked, so no later batch sends money to it again before someone
    corrects it (unless it was corrected already since the export)."""
    household = _household(uow, failed.household_id)
    if household.bank_card == failed.account_number and not household.payee_failed:
        household.payee_failed = failed.reason.removeprefix("银行退回：")[:40]
        uow.households.update(household)


def tell_centre_payment_failed(failed: PaymentFailed, uow: UnitOfWork) -> None:
    household = _household(uow, failed.household_id)
    notify(
        uow,
        "payment_failed",
        role=Role.CENTRE.value,
        area_code=failed.region_code[:6],
        dedupe_key=f"payment_failed:{failed.batch_id}:{failed.slip_id}",
        data={
            "item_name": failed.item_name,
            "name_masked": mask_name(household.head.name),
            "amount_fen": failed.amount_fen,
            "reason": failed.reason,
            "batch_id": failed.batch_id,
        },
    )


def _household(uow: UnitOfWork, household_id: str) -> Household:
    household = uow.households.get(household_id)
    if household is None:
        raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
    return household
