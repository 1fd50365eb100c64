"""自测: the H5 wizard's answers as a household profile, and the eligibility hints for it; nothing is stored."""

from typing import Any

from yimen.domain.eligibility import hints_payload, profile_from_dict, work_capacity


def selfcheck_hints(answers: dict[str, Any]) -> dict[str, Any]:
    """The hints (智能研判) for the wizard's answers, as the hints API gives them."""
    return hints_payload(profile_from_dict(selfcheck_profile(answers)))


def selfcheck_profile(answers: dict[str, Any]) -> dict[str, Any]:
    """The wizard's answers as the hints API's household profile."""
    size = answers["size"]
    members = []
    for i in range(size):
        age = answers["ages"][i]
        disability = (answers.get("disability") or [None] * size)[i]
        no_work = (answers.get("no_work") or [False] * size)[i]
        member = {
            "age": age,
            "relation": "户主" if i == 0 else "其他",
            "school": (answers.get("school") or [None] * size)[i],
        }
        if disability:
            member["disability_type"], member["disability_grade"] = disability
        capacity = work_capacity(age, bool(disability), no_work)
        if capacity:
            member["work_capacity"] = capacity.value
        members.append(member)
    members[0]["income_fen"] = {"家庭收入": answers.get("income", 0)}
    for member in members[1:]:
        member["income_fen"] = {}
    disaster = answers.get("disaster")
    return {
        "members": members,
        "assets_fen": answers.get("assets"),
        "housing": answers.get("housing"),
        "medical_oop_fen": answers.get("medical"),
        "disaster": None if disaster in (None, "没有") else disaster,
        "current_aid": answers.get("current") or [],
    }
