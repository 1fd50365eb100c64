"""一户一档: the household file's fields, checked the same way wherever they come from (the apply form,
the staff console, the old 低保 roll), and staff edits with one audit event per changed field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from yimen.domain import eligibility, idcard
from yimen.domain.errors import Conflict, NotFound, ValidationError
from yimen.domain.masking import mask_id_number, mask_name, mask_phone
from yimen.domain.model import HEALTH, Actor, AuditEvent, Household, Member, Relation, WorkCapacity
from yimen.domain.money import yuan
from yimen.domain.permissions import Action, require, require_area
from yimen.ports import Clock, UnitOfWork

INCOME_SOURCES = ("工资", "务工", "经营", "务农", "养老金", "赡养费", "其他")  # what the forms ask, in plain words
MAX_MEMBERS = 20
MAX_FEN = 10**11  # 10 亿元: anything above is a typing slip

HOUSEHOLD_LABELS = {
    "address": "地址",
    "phone": "联系电话",
    "housing": "住房",
    "houses": "名下房产（套）",
    "vehicles": "机动车（辆）",
    "assets_fen": "存款等金融资产",
    "medical_costs_fen": "今年自付医疗费用",
    "education_costs_fen": "今年教育支出",
}
MEMBER_LABELS = {
    "relation": "与户主关系",
    "health": "健康状况",
    "disability_type": "残疾类别",
    "disability_grade": "残疾等级",
    "work_capacity": "劳动能力",
    "school": "在读学段",
    "monthly_income_fen": "月收入",
}
FEN_FIELDS = ("assets_fen", "medical_costs_fen", "education_costs_fen")


def _fen(value, what: str, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEN:
        raise ValidationError("BAD_AMOUNT", f"{what}应为不小于 0 的金额")
    return value


def _count(value, what: str, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 99:
        raise ValidationError("BAD_NUMBER", f"{what}应为 0-99 的整数")
    return value


def _choice(value, choices, what: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in choices:
        raise ValidationError("BAD_CHOICE", f"{what}应为：{'、'.join(choices)}")
    return value


def household_details(raw: Mapping) -> dict:
    """The household-level fields present in raw, checked; keys are Household attributes."""
    out: dict[str, Any] = {}
    if "address" in raw:
        out["address"] = str(raw["address"] or "").strip()[:200]
    if "phone" in raw:
        phone = re.sub(r"\s", "", str(raw["phone"] or ""))
        if phone and not re.fullmatch(r"1\d{10}", phone):
            raise ValidationError("BAD_PHONE", "手机号应为 11 位数字")
        out["phone"] = phone or None
    if "housing" in raw:
        out["housing"] = _choice(raw["housing"], eligibility.HOUSING, "住房")
    if "houses" in raw:
        out["houses"] = _count(raw["houses"], "名下房产套数", optional=True)
    if "vehicles" in raw:
        out["vehicles"] = _count(raw["vehicles"] or 0, "机动车数量")
    for name in FEN_FIELDS:
        if name in raw:
            out[name] = _fen(
                raw[name] if name != "assets_fen" else raw[name] or 0,
                HOUSEHOLD_LABELS[name],
                optional=name != "assets_fen",
            )
    return out


def member_details(raw: Mapping, who: str) -> dict:
    """A member's fields other than name and ID number, checked; keys are Member attributes."""
    out: dict[str, Any] = {}
    if "relation" in raw:
        try:
            out["relation"] = Relation(raw["relation"])
        except ValueError as exc:
            raise ValidationError("BAD_RELATION", f"{who}的与户主关系不正确") from exc
    if "health" in raw:
        out["health"] = _choice(raw["health"], HEALTH, f"{who}的健康状况")
    if "disability_type" in raw or "disability_grade" in raw:
        kind = _choice(raw.get("disability_type"), eligibility.DISABILITY_TYPES, f"{who}的残疾类别")
        grade = raw.get("disability_grade") or None
        if (kind is None) != (grade is None) or grade not in (None, 1, 2, 3, 4):
            raise ValidationError("BAD_DISABILITY", f"{who}的残疾类别和等级（1-4 级）要一起填写")
        out["disability_type"], out["disability_grade"] = kind, grade
    if "work_capacity" in raw:
        try:
            out["work_capacity"] = WorkCapacity(raw["work_capacity"] or WorkCapacity.FULL.value)
        except ValueError as exc:
            raise ValidationError("BAD_WORK_CAPACITY", f"{who}的劳动能力不正确") from exc
    if "school" in raw:
        out["school"] = _choice(raw["school"], eligibility.SCHOOLS, f"{who}的在读学段")
    if "monthly_income_fen" in raw:
        income = raw["monthly_income_fen"] or {}
        if not isinstance(income, dict) or not all(isinstance(k, str) and 0 < len(k.strip()) <= 20 for k in income):
            raise ValidationError("BAD_INCOME", f"{who}的月收入应按来源填写")
        out["monthly_income_fen"] = {k.strip(): _fen(v, f"{who}的“{k}”收入") for k, v in income.items() if v}
    return out


def new_member(raw: Mapping, who: str, default_relation: Relation = Relation.OTHER) -> Member:
    """A member from name, ID number and details; birth date and gender come from the ID number."""
    number = idcard.normalize_number(str(raw.get("id_number") or ""))
    birth_date = idcard.birth_date_in(number)
    if not idcard.is_valid_number(number) or birth_date is None:
        raise ValidationError("BAD_ID_NUMBER", f"{who}的身份证号码不正确")
    name = str(raw.get("name") or "").strip()
    if not 2 <= len(name) <= 30:
        raise ValidationError("BAD_NAME", f"请填写{who}的姓名")
    details = member_details({**raw, "relation": raw.get("relation") or default_relation.value}, who)
    return Member(name=name, id_number=number, birth_date=birth_date, gender=idcard.gender_in(number), **details)


def _shown(name: str, value) -> str:
    if value in (None, "", {}):
        return "未填"
    if name == "phone":
        return mask_phone(value)
    if name.endswith("_fen") and isinstance(value, int):
        return f"{yuan(value)} 元"
    if isinstance(value, dict):
        return "、".join(f"{k} {yuan(v)} 元" for k, v in value.items())
    return str(getattr(value, "value", value))


class HouseholdFileService:
    """Staff edits of a household file: role and area checked, version compared, each change audited."""

    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock):
        self.uow, self.clock = uow, clock

    def edit_household(self, actor: Actor, household_id: str, version: int, raw: Mapping) -> Household:
        changes = household_details(raw)
        return self._edit(actor, household_id, version, lambda h: _apply(h, changes, HOUSEHOLD_LABELS, ""))

    def edit_member(self, actor: Actor, household_id: str, version: int, member_id: str, raw: Mapping) -> Household:
        def change(h: Household) -> list[str]:
            member = _member(h, member_id)
            details = member_details(raw, mask_name(member.name))
            if details.get("relation") == Relation.HEAD and member.relation != Relation.HEAD:
                raise ValidationError("ONE_HEAD", "一户只有一位户主：请先把原户主改为其他关系")
            return _apply(member, details, MEMBER_LABELS, f"成员 {mask_name(member.name)} ")

        return self._edit(actor, household_id, version, change)

    def add_member(self, actor: Actor, household_id: str, version: int, raw: Mapping) -> Household:
        def change(h: Household) -> list[str]:
            if len(h.members) >= MAX_MEMBERS:
                raise ValidationError("TOO_MANY_MEMBERS", f"一户最多 {MAX_MEMBERS} 人")
            member = new_member(raw, "新成员")
            if member.relation == Relation.HEAD:
                raise ValidationError("ONE_HEAD", "一户只有一位户主")
            h.members.append(member)  # a number filed in another household: the store answers ID_NUMBER_TAKEN
            return [f"增加成员 {mask_name(member.name)}（{member.relation.value}，{mask_id_number(member.id_number)}）"]

        return self._edit(actor, household_id, version, change)

    def remove_member(self, actor: Actor, household_id: str, version: int, member_id: str, reason: str) -> Household:
        def change(h: Household) -> list[str]:
            member = _member(h, member_id)
            if member.relation == Relation.HEAD:
                raise ValidationError("ONE_HEAD", "不能移除户主：请先指定新的户主")
            if not reason.strip():
                raise ValidationError("REASON_REQUIRED", "移除成员请写明原因（如：死亡、分户、迁出）")
            h.members.remove(member)
            return [f"移除成员 {mask_name(member.name)}（{member.relation.value}）：{reason.strip()[:100]}"]

        return self._edit(actor, household_id, version, change)

    def _edit(self, actor: Actor, household_id: str, version: int, change) -> Household:
        require(actor, Action.HOUSEHOLD_EDIT)
        now = self.clock.now()
        with self.uow() as uow:
            household = uow.households.get(household_id)
            if household is None:
                raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
            require_area(actor, household.village_code)
            if household.version != version:
                raise Conflict("STALE_VERSION", "这户的档案刚刚已被他人修改，请刷新页面后再改")
            lines = change(household)
            for line in lines:
                uow.audit.append(
                    AuditEvent(
                        actor=actor.label,
                        object_type="household",
                        object_id=household.id,
                        action="edit",
                        at=now,
                        reason=line,
                    )
                )
            if lines:
                uow.households.update(household)
            return household


def correct_incomes(h: Household, raw) -> list[str]:
    """补正 by the applicant: new monthly incomes for members picked by position; one line per change."""
    if not isinstance(raw, list) or not raw:
        raise ValidationError("BAD_INCOME", "请填写要修改的收入")
    lines = []
    for entry in raw:
        index = entry.get("member") if isinstance(entry, dict) else None
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(h.members):
            raise ValidationError("BAD_MEMBER", "要修改收入的家庭成员不正确，请刷新页面")
        member = h.members[index]
        details = member_details({"monthly_income_fen": entry.get("monthly_income_fen")}, mask_name(member.name))
        lines += _apply(member, details, MEMBER_LABELS, f"成员 {mask_name(member.name)} ")
    return lines


def _member(h: Household, member_id: str) -> Member:
    for member in h.members:
        if member.id == member_id:
            return member
    raise ValidationError("MEMBER_NOT_FOUND", "该户没有这位成员，请刷新页面")


def _apply(target, changes: dict, labels: dict, prefix: str) -> list[str]:
    """Set each changed attribute; one line per change, personal data masked, for the audit trail."""
    lines = []
    for name, value in changes.items():
        old = getattr(target, name)
        if old != value:
            lines.append(f"{prefix}{labels[name]}：{_shown(name, old)} → {_shown(name, value)}")
            setattr(target, name, value)
    return lines
