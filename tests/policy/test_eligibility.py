"""智能研判: statuses with reasons a clerk can read back, conflicts with current aid, determinism."""

import json
from datetime import date

import pytest

from yimen.domain.eligibility import (
    LIKELY,
    POSSIBLE,
    UNLIKELY,
    current_conflicts,
    hints,
    hints_payload,
    profile_from_dict,
    profile_from_household,
    work_capacity,
)
from yimen.domain.errors import ValidationError
from yimen.domain.model import Household, Member, Relation, WorkCapacity


def by_code(profile):
    return {h.item.code: h for h in hints(profile)}


def test_lonely_elder_without_income_is_likely_tekun_and_gaoling():
    profile = profile_from_dict(
        {
            "members": [{"age": 83, "work_capacity": "无劳动能力", "income_fen": {}}],
            "assets_fen": 0,
            "vehicles": 0,
            "has_supporter": False,
        }
    )
    result = by_code(profile)
    assert result["tekun"].status == LIKELY
    assert result["gaoling"].status == LIKELY
    assert result["jiaoyu"].status == UNLIKELY
    reasons = json.dumps(result["tekun"].to_dict()["reasons"], ensure_ascii=False)
    assert "0元（要求低于 700元）：符合" in reasons  # the number, the threshold, the verdict
    assert "83周岁" in reasons


def test_unknown_supporter_makes_tekun_only_possible_and_says_why():
    profile = profile_from_dict({"members": [{"age": 75, "income_fen": {}}], "assets_fen": 0})
    hint = by_code(profile)["tekun"]
    assert hint.status == POSSIBLE
    assert "义务人" in hint.summary() and "需核实" in hint.summary()


def test_income_above_dibao_line_is_unlikely_dibao_but_likely_edge_family():
    # two people, 1,600 元 a month together: 800 per head, above 700 but below 1.5 x 700 = 1,050
    members = [{"age": 50, "income_fen": {"务工": 160000}}, {"age": 48, "income_fen": {}}]
    profile = profile_from_dict({"members": members, "assets_fen": 1_000_000, "vehicles": 0})
    result = by_code(profile)
    assert result["dibao"].status == UNLIKELY
    assert "家庭月人均收入 800元（要求低于 700元）：不符合" in result["dibao"].summary()
    assert result["dibao-bianyuan"].status == LIKELY


def test_changzhou_widens_the_edge_family_limit_to_twice_the_line():
    member = {"age": 50, "income_fen": {"务工": 130000}}  # 1,300 per head: 1.86 x the 700 line
    default = by_code(profile_from_dict({"members": [member], "assets_fen": 0}))
    changzhou = by_code(profile_from_dict({"members": [member], "assets_fen": 0, "region_code": "320402001"}))
    assert default["dibao-bianyuan"].status == UNLIKELY
    assert changzhou["dibao-bianyuan"].status == POSSIBLE  # only in the special cases: needs checking


def test_expenditure_aid_estimates_the_amount_from_the_seed_bands():
    profile = profile_from_dict(
        {
            "members": [{"age": 60, "income_fen": {}}],
            "medical_oop_fen": 1_500_000,
            "region_code": "320402",
            "current_aid": ["低保"],
        }
    )
    hint = by_code(profile)["linshi-zhichu"]
    assert hint.status == LIKELY
    assert hint.to_dict()["estimate"] == {"pct": 50, "fen": 750_000, "text": "按 50% 估算约 7500 元（以审批为准）"}


def test_current_tekun_blocks_disability_living_allowance_with_the_reason():
    profile = profile_from_dict(
        {
            "members": [{"age": 70, "disability_type": "肢体", "disability_grade": 1, "income_fen": {}}],
            "current_aid": ["tekun"],
        }
    )
    result = by_code(profile)
    for code in ("canji-shenghuo", "canji-huli", "dibao"):
        assert result[code].status == UNLIKELY
        assert result[code].conflicts[0]["item_code"] == "tekun"
    assert "重复享受" in result["canji-shenghuo"].summary()
    assert result["tekun"].receiving


def test_duplicate_aid_pairs_are_listed():
    pairs = current_conflicts(["特困人员救助供养", "残补", "护理补贴", "高龄津贴"])
    assert sorted(tuple(p["items"]) for p in pairs) == [("canji-huli", "tekun"), ("canji-shenghuo", "tekun")]


def test_every_item_gets_a_status_materials_and_place_and_output_is_deterministic():
    data = {
        "members": [
            {"age": 40, "income_fen": {"务工": 50000}, "unemployed": True, "work_capacity": "完全劳动能力"},
            {"age": 12, "school": "小学", "income_fen": {}},
        ],
        "housing": "危房",
        "assets_fen": 0,
        "vehicles": 0,
        "disaster": "火灾",
    }
    first = hints_payload(profile_from_dict(data))
    second = hints_payload(profile_from_dict(data))
    assert json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)
    assert len(first["items"]) == 15
    assert {"jiaoyu", "zhufang", "jiuye", "linshi-jinan", "dibao"} <= set(first["likely"])
    for item in first["items"]:
        assert item["status"] in (LIKELY, POSSIBLE, UNLIKELY)
        assert item["materials"][:3] == ["居民身份证或户口簿", "个人申请书", "家庭经济状况核对授权书"]
        assert item["place"] and item["url"].startswith("/policy/")
        assert all(r["details"] for r in item["reasons"])


def test_charity_never_promises_more_than_possible():
    profile = profile_from_dict(
        {"members": [{"age": 40, "income_fen": {}, "severe_illness": True}], "medical_oop_fen": 5_000_000}
    )
    assert by_code(profile)["cishan"].status == POSSIBLE


def test_profile_from_the_household_model():
    head = Member(
        "测试甲", "990101195001011234", Relation.HEAD, date(1940, 3, 1), "男", work_capacity=WorkCapacity.NONE
    )
    child = Member(
        "测试乙", "990101201501011234", Relation.CHILD, date(2015, 5, 1), "女", school="小学", monthly_income_fen={}
    )
    household = Household("990101001001", "示范村1组", [head, child], housing="危房", assets_fen=0, vehicles=0)
    profile = profile_from_household(household, ["最低生活保障"], date(2026, 11, 25))
    assert [m.age for m in profile.members] == [86, 11]
    result = by_code(profile)
    assert result["dibao"].receiving
    assert result["gaoling"].status == LIKELY
    assert result["jiaoyu"].status == LIKELY  # a pupil in a 低保 family
    assert result["tekun"].status == UNLIKELY  # conflicts with the 低保 it already receives


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"members": []},
        {"members": [{"age": -1}]},
        {"members": [{"age": 30, "disability_grade": 7}]},
        {"members": [{"age": 30, "school": "博士后"}]},
        {"members": [{"age": 30, "income_fen": {"务工": "很多"}}]},
        {"members": [{"age": 30}], "housing": "城堡"},
        {"members": [{"age": 30}], "current_aid": "低保"},
    ],
)
def test_bad_profiles_are_refused_in_plain_chinese(data):
    with pytest.raises(ValidationError) as err:
        profile_from_dict(data)
    assert err.value.code == "BAD_PROFILE"


@pytest.mark.parametrize(
    ("age", "disabled", "ticked", "capacity"),
    [
        (34, False, True, WorkCapacity.NONE),  # ticked "cannot work": whatever the age
        (17, False, False, None),  # a child: the answers say nothing
        (18, False, False, WorkCapacity.FULL),  # working age starts at 18
        (59, False, False, WorkCapacity.FULL),
        (60, False, False, None),  # and ends before 60
        (45, True, False, None),  # disabled, not ticked: not known
        (45, True, True, WorkCapacity.NONE),
    ],
)
def test_self_check_answers_say_who_can_work(age, disabled, ticked, capacity):
    assert work_capacity(age, disabled, ticked) == capacity
