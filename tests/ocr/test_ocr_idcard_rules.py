"""Pure rules of domain/idcard.py: the number, the regions, the one-confusion repair, the layout parser."""

from datetime import date

import pytest
from cardgen import card_layout, card_lines

from yimen.domain.idcard import (
    FrontFields,
    OcrLine,
    birth_date_in,
    check_digit,
    check_front,
    division,
    gender_in,
    is_valid_number,
    parse_front,
    read_number,
)

VALID = "11010519491231002X"  # the worked example of GB 11643-1999
DACHUAN = "511703" + "19800307" + "123"
DACHUAN_ID = DACHUAN + check_digit(DACHUAN)


def test_check_digit_of_the_standard_example():
    assert check_digit(VALID[:17]) == "X"
    assert is_valid_number(VALID)
    assert not is_valid_number(VALID[:17] + "1")
    assert not is_valid_number("1101051949123100")


def test_birth_date_must_be_a_real_date():
    assert birth_date_in(VALID) == date(1949, 12, 31)
    feb31 = "110105" + "19900231" + "002"
    assert birth_date_in(feb31 + check_digit(feb31)) is None
    assert not is_valid_number(feb31 + check_digit(feb31))


def test_seventeenth_digit_parity_is_gender():
    assert gender_in(VALID) == "女"  # 2 is even
    assert gender_in(DACHUAN_ID) == "男"  # 3 is odd


def test_region_table_names_real_counties_and_keeps_abolished_codes():
    assert division("511703").full_name == "四川省达州市达川区"
    assert division("371581").full_name == "山东省聊城市临清市"
    assert division("331125").full_name == "浙江省丽水市云和县"
    old = division("511721")  # 达县 became 达川区 in 2013; older cards still carry it
    assert old.name == "达县" and "撤销" in old.full_name
    assert division("519999") is None


@pytest.mark.parametrize(("position", "lookalike", "digit"), [(3, "I", "1"), (8, "B", "8"), (15, "O", "0")])
def test_one_lookalike_character_is_repaired_and_reported(position, lookalike, digit):
    first17 = "51170319880307105"
    first17 = first17[:position] + digit + first17[position + 1 :]
    number = first17 + check_digit(first17)
    misread = number[:position] + lookalike + number[position + 1 :]
    reading = read_number(misread, birth_date_in(number))
    assert reading.number == number and reading.repaired
    assert reading.finding.code == "ID_NUMBER_REPAIRED" and f"第{position + 1}位" in reading.finding.message


def test_lowercase_or_times_sign_x_is_read_as_check_character_x():
    for mark in ("x", "×"):
        reading = read_number(VALID[:17] + mark, date(1949, 12, 31))
        assert reading.number == VALID and reading.repaired


def test_repair_never_invents_digits():
    two = read_number("5I17O3198003071235", None)  # two look-alikes: not a single confusion
    assert two.number is None and two.finding.code == "ID_NUMBER_UNREADABLE"
    wrong_birth = read_number(DACHUAN_ID[:12] + "O" + DACHUAN_ID[13:], date(1980, 3, 8))
    assert wrong_birth.number is None  # the repair would disagree with the printed 出生
    unknown_letter = read_number(DACHUAN_ID[:5] + "Z" + DACHUAN_ID[6:], None)
    assert unknown_letter.number is None
    short = read_number(DACHUAN_ID[:17], None)
    assert short.number is None and short.finding.code == "ID_NUMBER_FORMAT"


def test_digit_error_is_reported_not_repaired():
    wrong = DACHUAN_ID[:10] + ("4" if DACHUAN_ID[10] != "4" else "5") + DACHUAN_ID[11:]
    result = check_front(FrontFields("张伟", "男", "汉", date(1980, 3, 7), "四川省达州市达川区", wrong))
    assert result.id_number == wrong
    assert "ID_CHECK_DIGIT" in [f.code for f in result.findings]


def fields(**overrides) -> FrontFields:
    base = {
        "name": "张伟",
        "gender": "男",
        "ethnicity": "汉",
        "birth_date": date(1980, 3, 7),
        "address": "四川省达州市达川区河市镇",
        "id_text": DACHUAN_ID,
    }
    return FrontFields(**{**base, **overrides})


def codes(result) -> set[str]:
    return {f.code for f in result.findings}


def test_consistent_card_has_no_findings_and_names_its_region():
    result = check_front(fields())
    assert not result.findings
    assert result.region == "四川省达州市达川区"
    assert all(v in (True, False) for v in result.checks.values()) and result.checks["check_digit"]


def test_each_inconsistency_has_its_code():
    assert codes(check_front(fields(birth_date=date(1980, 3, 8)))) == {"ID_BIRTH_MISMATCH"}
    assert codes(check_front(fields(gender="女"))) == {"ID_GENDER_MISMATCH"}
    unknown = "519999" + DACHUAN_ID[6:17]
    assert codes(check_front(fields(id_text=unknown + check_digit(unknown)))) == {"ID_REGION_UNKNOWN"}
    assert codes(check_front(fields(name=None))) == {"FIELD_MISSING"}
    assert codes(check_front(fields(id_text=None))) == {"ID_NUMBER_MISSING"}


def test_typed_values_are_compared_with_the_photo():
    same = check_front(fields(), expected_name="张 伟", expected_id_number=DACHUAN_ID.lower())
    assert not same.findings and same.checks["name_matches_expected"] and same.checks["id_matches_expected"]
    other = check_front(fields(), expected_name="张为", expected_id_number=VALID)
    assert codes(other) == {"EXPECTED_NAME_MISMATCH", "EXPECTED_ID_MISMATCH"}


# ---- layout ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_layout_is_read_in_any_quarter_turn(turn):
    f = parse_front(card_lines(DACHUAN_ID, turn))
    assert f.orientation == turn
    assert (f.name, f.gender, f.ethnicity, f.birth_date) == ("李秀英", "女", "土家", date(1980, 3, 7))
    assert f.address == "四川省达州市达川区河市镇青龙村3组12号"
    assert f.id_text == DACHUAN_ID


def test_label_merged_with_value_and_misread_label():
    lines = [OcrLine(t, ((x0, y0), (x1, y0), (x1, y1), (x0, y1))) for t, x0, y0, x1, y1 in card_layout(DACHUAN_ID)]
    lines[0:2] = [OcrLine("娃名李秀英", ((56, 62), (300, 62), (300, 112), (56, 112)))]
    lines[-2:] = [OcrLine("公民身份号码 " + DACHUAN_ID, ((59, 533), (749, 533), (749, 573), (59, 573)))]
    f = parse_front(lines)
    assert f.name == "李秀英" and f.id_text == DACHUAN_ID


def test_traditional_forms_from_the_recogniser_become_simplified_in_address_only():
    lines = card_lines(DACHUAN_ID, 0)
    lines[8] = OcrLine("四川省涼山彝族自治州", lines[8].box)
    lines[9] = OcrLine("乾县", lines[9].box)
    assert parse_front(lines).address == "四川省凉山彝族自治州乾县"


def test_unseen_label_does_not_eat_a_name_that_looks_like_one():
    lines = [ln for ln in card_lines(DACHUAN_ID, 0) if ln.text != "姓名"]
    lines[0] = OcrLine("王名扬", lines[0].box)
    assert parse_front(lines).name == "王名扬"


def test_label_character_echoed_by_overlapping_boxes_is_dropped():
    lines = card_lines(DACHUAN_ID, 0)
    lines[1] = OcrLine("名李秀英", lines[1].box)
    assert parse_front(lines).name == "李秀英"
