"""收款账户 (payee account): where a household's aid is paid — its 惠民惠农"一卡通" or another bank card
in the name of the applicant or a household member. Validation is strict because the account number
ends up, unmodified, in the payment file the bank reads (a stray "=" or "+" would be a formula there)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yimen.domain.errors import ValidationError
from yimen.domain.events import PayeeChanged
from yimen.domain.masking import mask_bank_card
from yimen.domain.model import Household

MIN_DIGITS, MAX_DIGITS = 16, 19
UNIONPAY_PREFIX = "62"  # UnionPay cards (incl. most 一卡通 debit cards) carry a Luhn check digit
MAX_HOLDER = 30
FORMULA_STARTS = "=+-@"  # what a spreadsheet would read as a formula at the start of a cell


@dataclass(frozen=True)
class Bank:
    """One bank the county pays through; `cnaps` is the 12-digit 联行号 the county's bank file needs."""

    code: str
    name: str
    cnaps: str = ""


@dataclass(frozen=True)
class Payee:
    bank_code: str
    bank_name: str
    cnaps: str
    account_number: str  # digits only
    holder_name: str

    @property
    def masked(self) -> str:
        return mask_bank_card(self.account_number)


@dataclass(frozen=True)
class PayeeCheck:
    """A valid payee and what the person should double-check (never a reason to refuse)."""

    payee: Payee
    warnings: tuple[tuple[str, str], ...] = ()  # (code, 中文说明)


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalise_account(raw: object) -> str:
    """Spaces and dashes as printed on cards are allowed; anything else besides digits is refused."""
    text = str(raw or "").strip().replace(" ", "").replace("-", "").replace("\u3000", "")
    if not text:
        raise ValidationError("PAYEE_ACCOUNT_REQUIRED", "请填写收款银行卡号（一卡通账号）")
    if not (text.isascii() and text.isdigit()):
        raise ValidationError("PAYEE_ACCOUNT_DIGITS", "银行卡号只能是数字，请对照卡片或存折重新填写")
    if not MIN_DIGITS <= len(text) <= MAX_DIGITS:
        raise ValidationError(
            "PAYEE_ACCOUNT_LENGTH", f"银行卡号应为 {MIN_DIGITS} 到 {MAX_DIGITS} 位数字，您填了 {len(text)} 位，请核对"
        )
    return text


def find_bank(banks: list[Bank], raw: object) -> Bank:
    """By code or by name, so a form may send either."""
    wanted = str(raw or "").strip()
    if not wanted:
        raise ValidationError("PAYEE_BANK_REQUIRED", "请选择收款银行")
    for bank in banks:
        if wanted in (bank.code, bank.name):
            return bank
    raise ValidationError("PAYEE_BANK_UNKNOWN", "本县暂不能向该银行代发，请从列表中选择开户银行")


def holder_of(household: Household | None, raw: object, members: list[str] | None = None) -> str:
    """The holder must be the applicant or a member of the household (names from the household file,
    or from the form of a household not yet filed)."""
    name = str(raw or "").strip()
    if not name:
        raise ValidationError("PAYEE_HOLDER_REQUIRED", "请填写银行卡的户名（持卡人姓名）")
    if len(name) > MAX_HOLDER or name[0] in FORMULA_STARTS or not name.isprintable():
        raise ValidationError("PAYEE_HOLDER_BAD", "户名只能是持卡人的姓名")
    names = members if members is not None else [m.name for m in household.members] if household else []
    if name not in names:
        raise ValidationError(
            "PAYEE_HOLDER_NOT_MEMBER", "户名须是申请人本人或家庭成员的姓名；请用本户成员名下的银行卡（一卡通）"
        )
    return name


def check_payee(
    banks: list[Bank],
    bank: object,
    account_number: object,
    holder_name: object,
    *,
    household: Household | None = None,
    member_names: list[str] | None = None,
) -> PayeeCheck:
    """Validate what a person typed; raises ValidationError with a stable code and plain words."""
    chosen = find_bank(banks, bank)
    number = normalise_account(account_number)
    holder = holder_of(household, holder_name, member_names)
    return PayeeCheck(Payee(chosen.code, chosen.name, chosen.cnaps, number, holder), account_warnings(number))


def account_warnings(number: str) -> tuple[tuple[str, str], ...]:
    """What to double-check about a well-formed number: a UnionPay card whose check digit doesn't add up."""
    if number.startswith(UNIONPAY_PREFIX) and not luhn_ok(number):
        return (("PAYEE_LUHN", "这个卡号的校验位对不上，可能抄错了一位；请对照卡片再核对一遍"),)
    return ()


def payee_of(household: Household) -> Payee | None:
    """The household's account as the payment file needs it; a card from the older form (number only)
    is paid to the head of household at the bank it names."""
    if not household.bank_card:
        return None
    return Payee(
        household.bank_code or "",
        household.bank_name or "",
        household.bank_cnaps or "",
        household.bank_card,
        household.payee_name or household.head.name,
    )


def unusable_reason(household: Household) -> str | None:
    """Why this household can't be paid now, in the centre's words; None when it can."""
    if not household.bank_card:
        return "该户没有登记收款账户"
    if household.payee_failed:
        return f"收款账户上次代发失败（{household.payee_failed}），尚未更正"
    try:
        normalise_account(household.bank_card)
    except ValidationError:
        return "登记的银行卡号格式不对（应为16-19位数字）"
    return None


def set_payee(household: Household, payee: Payee, on: date) -> PayeeChanged | None:
    """Put the account on the household (the caller stores it); replacing an account already there is an
    event, registering the first one is not."""
    changed = bool(household.bank_card)
    household.bank_card, household.bank_name = payee.account_number, payee.bank_name
    household.bank_code, household.bank_cnaps, household.payee_name = payee.bank_code, payee.cnaps, payee.holder_name
    household.payee_failed = None
    if not changed:
        return None
    return PayeeChanged(household.id, household.version, payee.masked, payee.bank_name, on)
