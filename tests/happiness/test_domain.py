"""The list itself: what is masked for whom, totals per year and quarter, the contact line."""

from datetime import date

import pytest

from yimen.domain.errors import ValidationError
from yimen.domain.happiness import Disclosure, Quarter, build_list

TODAY = date(2026, 11, 25)


def test_public_view_shows_masked_names_and_the_aid_only(family, family_records):
    view = build_list(family, family_records, today=TODAY, disclosure=Disclosure.PUBLIC)
    assert view.head_name == "张**"
    assert [m.name for m in view.members] == ["张**", "李**", "张**"]
    assert {(m.relation, m.id_number, m.age, m.disability) for m in view.members} == {("", "", None, "")}
    assert (view.address, view.phone, view.disability_categories) == ("", "", ())
    assert len(view.records) == 5
    # The cadre's work phone is printed on purpose so people can ask.
    assert view.cadre_phone == "13900005678"
    assert view.masked


def test_owner_view_is_complete(family, family_records):
    view = build_list(family, family_records, today=TODAY, disclosure=Disclosure.OWNER)
    assert view.head_name == "张建国"
    assert view.members[2].id_number == "990101201005050026"
    assert view.address == "示范县青山乡青山村3组12号"
    assert view.phone == "13800001234"
    assert not view.masked


def test_print_view_names_the_family_but_hides_id_numbers(family, family_records):
    view = build_list(family, family_records, today=TODAY, disclosure=Disclosure.PRINT)
    assert view.members[1].name == "李秀英"
    assert view.members[1].id_number == "9901**********1226"
    assert view.phone == "138****1234"


def test_disability_categories_and_ages(family, family_records):
    view = build_list(family, family_records, today=TODAY, disclosure=Disclosure.OWNER)
    assert view.disability_categories == ("肢体残疾二级", "智力残疾三级")
    assert [m.age for m in view.members] == [76, 74, 16]


def test_every_record_with_totals_per_year_and_quarter(family, family_records):
    view = build_list(family, family_records, today=TODAY)
    assert [r.item_name for r in view.records] == [
        "临时救助",
        "最低生活保障金",
        "困难残疾人生活补贴",
        "最低生活保障金",
        "慈善助医",
    ]
    assert view.records[1].when == "2026-01"  # the period when there is one
    assert view.records[2].when == "2026-03-20"  # else the payment date
    assert view.records[4].amount_yuan == "3000.00"
    assert view.records[4].department == "县慈善总会"
    assert [(t.label, t.amount_yuan) for t in view.year_totals] == [("2025年", "1500.00"), ("2026年", "4900.00")]
    assert [(t.label, t.amount_fen) for t in view.quarter_totals] == [
        ("2025年第4季度", 150000),
        ("2026年第1季度", 106000),
        ("2026年第4季度", 384000),
    ]
    assert view.grand_total.amount_yuan == "6400.00"


def test_printed_quarter_covers_that_year_up_to_the_quarter(family, family_records):
    view = build_list(family, family_records, today=TODAY, through=Quarter(2026, 3))
    assert [r.item_name for r in view.records] == ["最低生活保障金", "困难残疾人生活补贴"]
    assert view.grand_total.amount_fen == 106000
    assert view.title == "2026年幸福清单"


def test_contact_line_names_cadre_and_office(family, family_records):
    view = build_list(family, family_records, today=TODAY, office="示范县社会救助服务中心，电话 12345")
    assert view.contact_line == (
        "以上信息如有疑问请联系帮扶干部王丽（电话 13900005678），或示范县社会救助服务中心，电话 12345。"
    )
    family.cadre_name = None
    assert build_list(family, [], today=TODAY).contact_line.startswith("以上信息如有疑问请联系户籍所在地乡镇")


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2024q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_quarter_bounds(text, first, last):
    quarter = Quarter.parse(text)
    assert (quarter.first_day, quarter.last_day) == (first, last)
    assert Quarter.of(last) == quarter


@pytest.mark.parametrize("text", ["2026Q5", "2026", "Q4", "二〇二六年第四季度"])
def test_bad_quarter(text):
    with pytest.raises(ValidationError):
        Quarter.parse(text)
