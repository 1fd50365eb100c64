"""智能研判: a household profile in, for every catalogue item likely / possible / unlikely out, with reasons.

Deterministic and explainable: every status comes with the rules that decided it, each naming the
number compared and the threshold, so a clerk can read it back to the applicant. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from yimen.domain.errors import ValidationError
from yimen.domain.model import Household, WorkCapacity
from yimen.domain.policy import BASIC_MATERIALS, Catalogue, Check, Item, catalogue, plain_yuan

LIKELY, POSSIBLE, UNLIKELY = "likely", "possible", "unlikely"
STATUS_WORDS = {LIKELY: "很可能符合", POSSIBLE: "可能符合，需核实", UNLIKELY: "暂不符合"}
SCHOOLS = ("学前", "小学", "初中", "高中", "中职", "大学")
DISASTERS = ("自然灾害", "火灾", "交通事故", "意外伤害", "突发重病", "主要劳动力死亡")
HOUSING = ("自有住房", "危房", "租房", "无房")
SELF_CARE = ("完全自理", "部分失能", "完全失能")
DISABILITY_TYPES = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")
# income sources that mean the person is working; used to tell "unemployed" from "not known"
WORK_INCOME = ("工资", "务工", "经营", "劳务", "种养殖", "打工")
WORKING_AGE = range(18, 60)  # 劳动年龄 as the wizard counts it


@dataclass
class PersonProfile:
    age: int | None = None
    relation: str = "户主"
    disability_type: str | None = None
    disability_grade: int | None = None
    work_capacity: str | None = None
    school: str | None = None
    income_fen: dict[str, int] | None = None  # by source, per month; None = not told
    unemployed: bool | None = None
    self_care: str | None = None
    severe_illness: bool | None = False  # the form asks it; the household file's 健康状况 says 大病


@dataclass
class HouseholdProfile:
    members: list[PersonProfile]
    region_code: str = ""
    assets_fen: int | None = None
    vehicles: int | None = None
    housing: str | None = None
    medical_oop_fen: int | None = None  # this year's out-of-pocket medical costs after insurance
    education_cost_fen: int | None = None
    disaster: str | None = None  # None: nothing happened (or nothing reported)
    has_supporter: bool | None = None
    local_hukou: bool | None = True  # people using the county's platform are mostly its residents
    current_aid: list[str] = field(default_factory=list)


class RuleResult(NamedTuple):
    rule_id: str
    text: str
    level: str
    result: bool | None
    checks: list[Check]

    def to_dict(self) -> dict[str, Any]:
        mark = {True: "符合", False: "不符合", None: "待核实"}[self.result]
        return {
            "rule": self.rule_id,
            "text": self.text,
            "level": self.level,
            "result": mark,
            "details": [c.text() for c in self.checks],
        }


@dataclass
class Hint:
    item: Item
    status: str
    rules: list[RuleResult]
    conflicts: list[dict[str, Any]]
    receiving: bool
    estimate: tuple[int, int] | None
    region_code: str

    def to_dict(self) -> dict[str, Any]:
        item = self.item
        return {
            "item_code": item.code,
            "item_name": item.name,
            "category": item.category,
            "status": self.status,
            "status_text": STATUS_WORDS[self.status],
            "receiving": self.receiving,
            "reasons": [r.to_dict() for r in self.rules],
            "summary": self.summary(),
            "conflicts": self.conflicts,
            "estimate": None
            if not self.estimate
            else {
                "pct": self.estimate[0],
                "fen": self.estimate[1],
                "text": f"按 {self.estimate[0]}% 估算约 {plain_yuan(self.estimate[1])} 元（以审批为准）",
            },
            "materials": list(item.materials),
            "place": item.place,
            "department": item.department,
            "time_limit_days": item.time_limit_days,
            "url": item.url,
        }

    def summary(self) -> str:
        """One plain sentence a clerk can read out: the deciding reason first."""
        if self.receiving:
            return f"已在享受{item_label(self.item)}。"
        if self.conflicts:
            return f"{self.conflicts[0]['reason']}。"
        failed = [r for r in self.rules if r.result is False and r.level == "required"]
        if failed:
            return f"{STATUS_WORDS[UNLIKELY]}：{failed[0].checks[0].text()}。"
        unknown = [r for r in self.rules if r.result is None or (r.level == "soft" and r.result is False)]
        if unknown:
            return f"{STATUS_WORDS[POSSIBLE]}：{unknown[0].text}。"
        if self.status == POSSIBLE:
            return f"条件符合，但{self.item.short_name}视资金和评估而定。"
        return f"{STATUS_WORDS[LIKELY]}：{'；'.join(r.text for r in self.rules)}。"


def work_capacity(age: int, disabled: bool, cannot_work: bool) -> WorkCapacity | None:
    """What a self-check's answers say of a member's capacity to work. Only who cannot work at all is asked:
    those ticked cannot; a member of working age (18-59) with no disability and not ticked can; of anyone
    else (a child, an older person, a disabled member not ticked) the answers say nothing, so None."""
    if cannot_work:
        return WorkCapacity.NONE
    if age in WORKING_AGE and not disabled:
        return WorkCapacity.FULL
    return None


def item_label(item: Item) -> str:
    return f"“{item.name}”"


# ---------------------------------------------------------------- facts


def _member_facts(index: int, person: PersonProfile) -> dict[str, Any]:
    income = None if person.income_fen is None else sum(person.income_fen.values())
    who = f"成员{index + 1}（{person.relation}{'' if person.age is None else f'，{person.age}岁'}）"
    return {
        "age": person.age,
        "disability_grade": person.disability_grade,
        "disability_type": person.disability_type,
        "work_capacity": person.work_capacity,
        "school": person.school or "无",  # the model and the form leave school empty for non-students
        "income_fen": income,
        "unemployed": person.unemployed,
        "self_care": person.self_care,
        "severe_illness": person.severe_illness,
        "_who": who,
    }


def facts_of(profile: HouseholdProfile, cat: Catalogue) -> dict[str, Any]:
    members = [_member_facts(i, p) for i, p in enumerate(profile.members)]
    size = max(len(members), 1)
    incomes = [m["income_fen"] for m in members]
    total = None if any(i is None for i in incomes) else sum(incomes)
    # sorted so that conflicts are always listed in the same order
    current = tuple(sorted({code for c in profile.current_aid if (code := cat.resolve(c))}))
    return {
        "size": len(members),
        "income_total_fen": total,
        "income_pc_fen": None if total is None else total // size,
        "assets_pc_fen": None if profile.assets_fen is None else profile.assets_fen // size,
        "vehicles": profile.vehicles,
        "housing": profile.housing,
        "medical_oop_fen": profile.medical_oop_fen,
        "education_cost_fen": profile.education_cost_fen,
        "disaster": profile.disaster or "无",
        "has_supporter": profile.has_supporter,
        "local_hukou": profile.local_hukou,
        "members": members,
        "current": current,
    }


# ---------------------------------------------------------------- judging


def judge(
    item: Item, facts: Mapping[str, Any], cat: Catalogue, region_code: str
) -> tuple[str, list[RuleResult], list[dict[str, Any]]]:
    """Status, per-rule results and conflicts with current aid for one item."""
    params = cat.params(item, region_code)
    results = []
    failed = unsure = False  # a required rule failed / some rule is unknown or a soft rule failed
    for rule in item.rules:
        result, checks = rule.test(facts, params)
        results.append(RuleResult(rule.id, rule.text, rule.level, result, checks))
        if result is False and rule.level == "required":
            failed = True
        elif result is not True:
            unsure = True
    conflicts = (
        [
            {"item_code": code, "item_name": cat.items[code].name, "reason": reason}
            for code in facts["current"]
            if code != item.code and (reason := cat.conflicts(item.code, code))
        ]
        if facts["current"]
        else []
    )
    status = UNLIKELY if failed or conflicts else POSSIBLE if unsure else item.max_status
    return status, results, conflicts


def is_likely(item: Item, facts: Mapping[str, Any], cat: Catalogue, region_code: str) -> bool:
    """judge(...)[0] == LIKELY, stopping at the first rule that is not met: screening asks this of
    every item for every household, and most items fail on their first rule."""
    if item.max_status != LIKELY:
        return False
    params = cat.params(item, region_code)
    if not all(rule.test(facts, params)[0] is True for rule in item.rules):
        return False
    return not any(cat.conflicts(item.code, code) for code in facts["current"] if code != item.code)


def hints(profile: HouseholdProfile, cat: Catalogue | None = None) -> list[Hint]:
    """Every catalogue item judged for this household, most promising first (stable order)."""
    cat = cat or catalogue()
    facts = facts_of(profile, cat)
    out = []
    for item in cat.items.values():
        status, results, conflicts = judge(item, facts, cat, profile.region_code)
        receiving = item.code in facts["current"]
        estimate = item.band_amount(profile.region_code, facts) if status != UNLIKELY else None
        out.append(
            Hint(item, status, results, [] if receiving else conflicts, receiving, estimate, profile.region_code)
        )
    order = {LIKELY: 0, POSSIBLE: 1, UNLIKELY: 2}
    return sorted(out, key=lambda h: (h.receiving, order[h.status]))


def hints_payload(profile: HouseholdProfile, cat: Catalogue | None = None) -> dict[str, Any]:
    """The JSON answer of POST /api/v1/eligibility/hints."""
    cat = cat or catalogue()
    results = hints(profile, cat)
    region = cat.region(profile.region_code)
    return {
        "items": [h.to_dict() for h in results],
        "likely": [h.item.code for h in results if h.status == LIKELY and not h.receiving],
        "duplicates": current_conflicts(profile.current_aid, cat),
        "basic_materials": list(BASIC_MATERIALS),
        "region": {"name": region["name"], "demo": region["demo"]},
        "notice": "以上为根据您填写的信息作出的初步提示，不是审批结果；最终以家庭经济状况核对和审批为准。",
    }


def current_conflicts(current_aid: Iterable[str], cat: Catalogue | None = None) -> list[dict[str, Any]]:
    """重复享受: pairs of aid a household receives that must not be combined."""
    cat = cat or catalogue()
    codes = sorted({c for c in (cat.resolve(x) for x in current_aid) if c})
    return [
        {"items": [a, b], "names": [cat.items[a].name, cat.items[b].name], "reason": reason}
        for i, a in enumerate(codes)
        for b in codes[i + 1 :]
        if (reason := cat.conflicts(a, b))
    ]


# ---------------------------------------------------------------- building profiles


def profile_from_household(household: Household, current_item_codes: Iterable[str], today: date) -> HouseholdProfile:
    """What the database knows about a household, for screening and the duplicate-aid check.

    Facts the file does not hold (supporters, disasters, expenses not recorded) stay unknown, so they can
    only make an item "possible", never "likely"."""
    members = []
    for m in household.members:
        working = any(any(w in source for w in WORK_INCOME) and fen > 0 for source, fen in m.monthly_income_fen.items())
        members.append(
            PersonProfile(
                age=m.age_on(today),
                relation=str(m.relation),
                disability_type=m.disability_type,
                disability_grade=m.disability_grade,
                work_capacity=str(m.work_capacity),
                school=m.school,
                income_fen=dict(m.monthly_income_fen),
                unemployed=False if working else None,
                self_care="完全自理" if m.work_capacity != WorkCapacity.NONE and m.disability_grade is None else None,
                severe_illness=m.health == "大病",
            )
        )
    return HouseholdProfile(
        members=members,
        region_code=household.village_code,
        assets_fen=household.assets_fen,
        vehicles=household.vehicles,
        housing=household.housing,
        medical_oop_fen=household.medical_costs_fen,
        education_cost_fen=household.education_costs_fen,
        local_hukou=True,
        current_aid=list(current_item_codes),
    )


def _opt(data: Mapping[str, Any], key: str, kind: type, where: str, choices: tuple[Any, ...] | None = None) -> Any:
    value = data.get(key)
    if value is None:
        return None
    if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValidationError("BAD_PROFILE", f"{where}{key} 应为非负整数")
    if kind is not int and not isinstance(value, kind):
        raise ValidationError("BAD_PROFILE", f"{where}{key} 格式不正确")
    if choices and value not in choices:
        raise ValidationError("BAD_PROFILE", f"{where}{key} 应为：{'、'.join(map(str, choices))}")
    return value


def _person_from_dict(i: int, raw: Any) -> PersonProfile:
    where = f"members[{i}]."
    if not isinstance(raw, dict):
        raise ValidationError("BAD_PROFILE", f"第 {i + 1} 位家庭成员格式不正确")
    income = raw.get("income_fen")
    if income is not None:
        if isinstance(income, int) and not isinstance(income, bool):
            income = {"收入": income}
        if not isinstance(income, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in income.values()
        ):
            raise ValidationError("BAD_PROFILE", f"{where}income_fen 应为 {{来源: 每月金额(分)}}")
    grade = _opt(raw, "disability_grade", int, where)
    if grade is not None and not 1 <= grade <= 4:
        raise ValidationError("BAD_PROFILE", f"{where}disability_grade 应为 1-4 级")
    return PersonProfile(
        age=_opt(raw, "age", int, where),
        relation=_opt(raw, "relation", str, where) or ("户主" if i == 0 else "其他"),
        disability_type=_opt(raw, "disability_type", str, where, DISABILITY_TYPES),
        disability_grade=grade,
        work_capacity=_opt(raw, "work_capacity", str, where, tuple(w.value for w in WorkCapacity)),
        school=_opt(raw, "school", str, where, SCHOOLS),
        income_fen=income,
        unemployed=_opt(raw, "unemployed", bool, where),
        self_care=_opt(raw, "self_care", str, where, SELF_CARE),
        severe_illness=bool(raw.get("severe_illness")),
    )


def profile_from_dict(data: Any) -> HouseholdProfile:
    """The public self-check form's JSON; every field is optional except at least one member."""
    if not isinstance(data, dict):
        raise ValidationError("BAD_PROFILE", "请提交家庭情况")
    raw_members = data.get("members")
    if not isinstance(raw_members, list) or not 1 <= len(raw_members) <= 20:
        raise ValidationError("BAD_PROFILE", "请填写家庭成员（1-20 人）")
    current = data.get("current_aid") or []
    if not isinstance(current, list) or not all(isinstance(c, str) for c in current):
        raise ValidationError("BAD_PROFILE", "current_aid 应为事项名称或代码列表")
    local = data.get("local_hukou", True)
    return HouseholdProfile(
        members=[_person_from_dict(i, m) for i, m in enumerate(raw_members)],
        region_code=_opt(data, "region_code", str, "") or "",
        assets_fen=_opt(data, "assets_fen", int, ""),
        vehicles=_opt(data, "vehicles", int, ""),
        housing=_opt(data, "housing", str, "", HOUSING),
        medical_oop_fen=_opt(data, "medical_oop_fen", int, ""),
        education_cost_fen=_opt(data, "education_cost_fen", int, ""),
        disaster=_opt(data, "disaster", str, "", DISASTERS),
        has_supporter=_opt(data, "has_supporter", bool, ""),
        local_hukou=local if isinstance(local, bool) else None,
        current_aid=current,
    )
