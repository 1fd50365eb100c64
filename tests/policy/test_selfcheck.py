"""自测's answers -> the household profile the hints read; the H5 result is the hints API's answer."""

from yimen.services.policy.selfcheck import selfcheck_hints, selfcheck_profile

ANSWERS = {
    "size": 4,
    "ages": [70, 34, 10, 45],
    "disability": [None, None, None, ["肢体", 3]],
    "no_work": [True, False, False, False],
    "school": [None, None, "小学", None],
    "income": 80_000,
    "assets": 0,
    "housing": "危房",
    "medical": 0,
    "disaster": "没有",
    "current": [],
}


def test_only_the_ticked_cannot_work_and_working_age_without_disability_can():
    members = selfcheck_profile(ANSWERS)["members"]
    # ticked; 34 and able; a child and a disabled 45-year-old: the wizard's answers say nothing of them
    assert [m.get("work_capacity") for m in members] == ["无劳动能力", "完全劳动能力", None, None]
    assert members[3]["disability_type"] == "肢体" and members[3]["disability_grade"] == 3
    assert members[0]["income_fen"] == {"家庭收入": 80_000} and members[1]["income_fen"] == {}


def test_no_disaster_is_none_and_the_result_is_the_hints_apis_answer(client):
    profile = selfcheck_profile(ANSWERS)
    assert profile["disaster"] is None and profile["housing"] == "危房"
    answer = client.post("/api/v1/eligibility/hints", json=profile).get_json()
    assert selfcheck_hints(ANSWERS) == answer
    assert "jiaoyu" in answer["likely"]  # a child at school in a household of 800 元 a month
