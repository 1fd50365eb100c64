"""收款账户: the county's bank list, entering or correcting a household's payee account at the window,
and the 救助中心's list of households that can't be paid yet ("缺少收款账户"), so no slip is ever
silently left out of a bank batch."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from yimen.domain.disbursement import SlipStatus
from yimen.domain.errors import NotFound, ValidationError
from yimen.domain.masking import mask_bank_card, mask_name
from yimen.domain.model import Actor, AuditEvent, Household
from yimen.domain.payee import Bank, Payee, PayeeCheck, check_payee, payee_of, set_payee, unusable_reason
from yimen.domain.permissions import Action, require, require_area
from yimen.ports import Clock, UnitOfWork
from yimen.services import messagebus

PACKAGED_BANKS = Path(__file__).resolve().parents[2] / "data" / "banks.yaml"
UNPAID = (
    SlipStatus.PENDING_REVIEW,
    SlipStatus.PENDING_FINANCE,
    SlipStatus.SENT_BACK,
    SlipStatus.APPROVED,
    SlipStatus.FAILED,
)
TODO_REGISTER = (
    "请户主或家庭成员带本人身份证和一卡通（或本人名下的银行卡）到乡镇（街道）社会救助窗口登记，"
    "窗口在本户页面“收款账户”处录入；申请人也可在“一门”申请页面填写。"
)
TODO_CORRECT = (
    "请联系该户核实账户（是否销户、冻结、户名是否一致），在本户页面“收款账户”处更正；"
    "更正后在“拨付失败”中重新审核，该拨付单会进入下一批代发。"
)

TODO_CORRECT_CITIZEN = "请带户主或家庭成员本人的身份证和一卡通到乡镇（街道）社会救助窗口更正收款账户。"


@functools.cache
def _banks_from(path: str) -> tuple[Bank, ...]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return tuple(Bank(str(b["code"]), str(b["name"]), str(b.get("cnaps") or "")) for b in data["banks"])


def county_banks(banks_file: str | Path | None) -> list[Bank]:
    """The county's paying banks: its own file if configured, else the packaged one."""
    return list(_banks_from(str(banks_file or PACKAGED_BANKS)))


def payee_view(household: Household) -> dict | None:
    """The account as anyone but the bank file sees it: masked."""
    payee = payee_of(household)
    if payee is None:
        return None
    problem = unusable_reason(household)
    return {
        "bank": payee.bank_name,
        "account_masked": payee.masked,
        "holder_name": mask_name(payee.holder_name),
        "usable": problem is None,
        "problem": problem,
        "how": TODO_CORRECT_CITIZEN if problem else None,
    }


def apply_payee(uow, clock, actor: Actor, household: Household, payee: Payee, reason: str) -> None:
    """Put the account on the household (the caller stores it) with its audit event; a household whose
    account changes is told at once, because that is where fraud shows first."""
    before = mask_bank_card(household.bank_card) or None
    changed = set_payee(household, payee, clock.today())
    uow.audit.append(
        AuditEvent(
            actor=actor.label,
            object_type="household",
            object_id=household.id,
            action="set_payee",
            at=clock.now(),
            from_state=before,
            to_state=payee.masked,
            phrase="登记收款账户" if before is None else "变更收款账户",
            reason=reason,
        )
    )
    messagebus.handle(uow, [changed] if changed else [])  # the household is told (services/messagebus.py)


@dataclass
class MissingPayee:
    household_id: str
    name_masked: str
    village_code: str
    reason: str
    what_to_do: str
    slip_ids: list[str]
    amount_fen: int


class PayeeService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, banks: Sequence[Bank]):
        self.uow, self.clock, self._banks = uow, clock, list(banks)

    def banks(self) -> list[Bank]:
        return list(self._banks)

    def set_payee(
        self, actor: Actor, household_id: str, bank: str, account_number: str, holder_name: str, reason: str
    ) -> PayeeCheck:
        """Enter or correct a household's account at the window. Returns the masked-ready payee and any
        warning (a Luhn mismatch) to show the clerk; the reason is kept in the audit trail."""
        require(actor, Action.PAYEE_EDIT)
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(
                "REASON_REQUIRED", "请写明登记或更正收款账户的原因（如：持一卡通原件更正，原账户已销户）"
            )
        with self.uow() as uow:
            household = uow.households.get(household_id)
            if household is None:
                raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
            require_area(actor, household.village_code)
            checked = check_payee(self.banks(), bank, account_number, holder_name, household=household)
            apply_payee(uow, self.clock, actor, household, checked.payee, reason[:200])
            uow.households.update(household)
        return checked

    def missing_payees(self, actor: Actor) -> list[MissingPayee]:
        """Households in the caller's area with unpaid slips and no usable account, most money first."""
        require(actor, Action.PAYEE_MISSING)
        with self.uow() as uow:
            slips = [
                slip
                for status in UNPAID
                for slip in _all_in(uow, status)
                if slip.region_code.startswith(actor.area_code)
            ]
            households = uow.households.get_many([slip.household_id for slip in slips])
            found: dict[str, MissingPayee] = {}
            for slip in slips:
                household = households[slip.household_id]
                reason = unusable_reason(household)
                if reason is None:
                    continue
                entry = found.setdefault(
                    household.id,
                    MissingPayee(
                        household.id,
                        mask_name(household.head.name),
                        household.village_code,
                        reason,
                        TODO_CORRECT if household.payee_failed else TODO_REGISTER,
                        [],
                        0,
                    ),
                )
                entry.slip_ids.append(slip.id)
                entry.amount_fen += slip.amount_fen
        return sorted(found.values(), key=lambda m: -m.amount_fen)


def _all_in(uow, status: SlipStatus):
    cursor = None
    while True:
        page = uow.slips.list_by_status(status.value, limit=500, cursor=cursor)
        yield from page.items
        if not page.next_cursor:
            return
        cursor = page.next_cursor
