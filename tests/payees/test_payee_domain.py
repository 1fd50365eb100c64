"""The payee account value object: shape checks with stable codes, Luhn as a warning, holder rule, masking."""

from datetime import date

import pytest

from yimen.domain.errors import ValidationError
from yimen.domain.model import Household, Member, Relation
from yimen.domain.payee import Bank, check_payee, luhn_ok, payee_of, unusable_reason

BANKS = [Bank("RCB", "示范县农村商业银行", "314000000001"), Bank("ABC", "中国农业银行", "103000000001")]
VALID_UNIONPAY = "6217000000000000012"  # passes Luhn


def _household() -> Household:
    members = [
        Member("王秀英", "511702195001010022", Relation.HEAD, date(1950, 1, 1), "女"),
        Member("李建国", "511702197501010031", Relation.CHILD, date(1975, 1, 1), "男"),
    ]
    return Household(village_code="990101001001", address="示范村1组", members=members)


def test_a_member_s_card_is_accepted_cleaned_and_masked():
    checked = check_payee(BANKS, "示范县农村商业银行", " 6217 0000-0000 0000 012 ", "李建国", household=_household())
    assert luhn_ok(VALID_UNIONPAY)
    assert checked.warnings == ()
    assert checked.payee.account_number == VALID_UNIONPAY
    assert (checked.payee.bank_code, checked.payee.cnaps) == ("RCB", "314000000001")
    assert checked.payee.masked == "6217 **** **** 0012"


@pytest.mark.parametrize(
    ("bank", "number", "holder", "code", "words"),
    [
        ("", VALID_UNIONPAY, "王秀英", "PAYEE_BANK_REQUIRED", "请选择收款银行"),
        ("花旗银行", VALID_UNIONPAY, "王秀英", "PAYEE_BANK_UNKNOWN", "本县暂不能向该银行代发"),
        ("RCB", "", "王秀英", "PAYEE_ACCOUNT_REQUIRED", "请填写收款银行卡号"),
        ("RCB", '=HYPERLINK("x")', "王秀英", "PAYEE_ACCOUNT_DIGITS", "只能是数字"),
        ("RCB", "+6217000000000000012", "王秀英", "PAYEE_ACCOUNT_DIGITS", "只能是数字"),
        ("RCB", "６２１７０００００００００００００１２", "王秀英", "PAYEE_ACCOUNT_DIGITS", "只能是数字"),
        ("RCB", "621700000000018", "王秀英", "PAYEE_ACCOUNT_LENGTH", "您填了 15 位"),
        ("RCB", "62170000000000000120", "王秀英", "PAYEE_ACCOUNT_LENGTH", "16 到 19 位"),
        ("RCB", VALID_UNIONPAY, "", "PAYEE_HOLDER_REQUIRED", "户名"),
        ("RCB", VALID_UNIONPAY, "=cmd|' /C calc'!A0", "PAYEE_HOLDER_BAD", "户名只能是持卡人的姓名"),
        ("RCB", VALID_UNIONPAY, "张三", "PAYEE_HOLDER_NOT_MEMBER", "申请人本人或家庭成员"),
    ],
)
def test_bad_input_is_refused_with_a_stable_code_and_plain_words(bank, number, holder, code, words):
    with pytest.raises(ValidationError) as refused:
        check_payee(BANKS, bank, number, holder, household=_household())
    assert refused.value.code == code and words in refused.value.message


def test_a_unionpay_number_failing_luhn_is_a_warning_not_a_refusal():
    checked = check_payee(BANKS, "ABC", "6217000000000000019", "王秀英", household=_household())
    assert checked.payee.account_number == "6217000000000000019"
    assert [code for code, _ in checked.warnings] == ["PAYEE_LUHN"]
    other = check_payee(BANKS, "ABC", "4217000000000000019", "王秀英", household=_household())
    assert other.warnings == (), "Luhn is only checked for UnionPay (62…) cards"


def test_a_household_that_cannot_be_paid_says_why():
    household = _household()
    assert unusable_reason(household) == "该户没有登记收款账户" and payee_of(household) is None
    household.bank_card = "6217000000000000012"  # the older form: a number only, paid to the head
    assert unusable_reason(household) is None and payee_of(household).holder_name == "王秀英"
    household.payee_failed = "账户已销户"
    assert unusable_reason(household) == "收款账户上次代发失败（账户已销户），尚未更正"
