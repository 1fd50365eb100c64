"""一户一档 in the console: the whole household file (masked), edited field by field with validation and an
audit event per change, and the one-time binding code the window gives a resident after checking her ID card."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from yimen.domain import eligibility
from yimen.domain.errors import Conflict, ValidationError, YimenError
from yimen.domain.model import HEALTH, Relation, WorkCapacity
from yimen.domain.money import parse_yuan
from yimen.entrypoints.web import staff
from yimen.entrypoints.web.common import api_doc, services
from yimen.services.households.file import INCOME_SOURCES

bp = Blueprint("staff_household", __name__, url_prefix="/staff/households")
bp.before_request(staff._csrf)


def _doc(summary: str):
    return api_doc(summary, auth="staff", tags=("staff-console",))


@bp.get("/<household_id>")
@_doc("一户一档（脱敏）：成员、收入、财产、支出、救助记录；可编辑的岗位可修改")
@staff.staff_page
def household(household_id: str):
    return _page(household_id)


def _page(household_id: str, error: str | None = None, status: int = 200, code: tuple | None = None):
    h = services().households.get_for(g.actor, household_id)
    with services().uow() as uow:
        records = uow.aid_records.list_for_household(h.id)
        applications = uow.applications.list_for_household(h.id)
    sources = {m.id: list(dict.fromkeys([*INCOME_SOURCES, *m.monthly_income_fen])) for m in h.members}
    return render_template(
        "staff/household.html",
        h=h,
        records=records,
        applications=applications,
        actor=g.actor,
        today=services().clock.today(),
        error=error,
        code=code,
        sources=sources,
        relations=[r.value for r in Relation],
        health=HEALTH,
        capacities=[w.value for w in WorkCapacity],
        schools=eligibility.SCHOOLS,
        disabilities=eligibility.DISABILITY_TYPES,
        housing=eligibility.HOUSING,
    ), status


def _act(household_id: str, action):
    """One edit; back to the file (303) on success, else the file again with the reason in plain words (a
    form sent back for a fix, as on the H5 pages; refusals of role or area still answer 403/404)."""
    try:
        action()
    except (ValidationError, Conflict) as exc:
        return _page(household_id, error=exc.message)
    return redirect(url_for("staff_household.household", household_id=household_id), 303)


def _version() -> int:
    text = request.form.get("version", "")
    if not text.isdigit():
        raise ValidationError("BAD_VERSION", "页面已过期，请刷新后重试")
    return int(text)


def _whole(name: str, label: str) -> int | None:
    text = request.form.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError("BAD_NUMBER", f"{label}应为整数")
    return int(text)


def _yuan(name: str) -> int | None:
    text = request.form.get(name, "").strip()
    return parse_yuan(text) if text else None


@bp.post("/<household_id>/edit")
@_doc("修改户信息：地址、电话、住房、房产、机动车、存款、医疗和教育支出（逐项留痕）")
@staff.staff_page
def edit(household_id: str):
    def run():
        phone = request.form.get("phone", "").strip()  # shown masked: an empty field keeps the number on file
        raw = {
            "address": request.form.get("address", ""),
            **({"phone": phone} if phone else {}),
            "housing": request.form.get("housing", ""),
            "houses": _whole("houses", "名下房产套数"),
            "vehicles": _whole("vehicles", "机动车数量"),
            "assets_fen": _yuan("assets_yuan"),
            "medical_costs_fen": _yuan("medical_costs_yuan"),
            "education_costs_fen": _yuan("education_costs_yuan"),
        }
        services().household_file.edit_household(g.actor, household_id, _version(), raw)

    return _act(household_id, run)


def _member_form() -> dict:
    incomes = {k.removeprefix("income:"): _yuan(k) for k in request.form if k.startswith("income:")}
    return {
        "relation": request.form.get("relation", ""),
        "health": request.form.get("health", ""),
        "disability_type": request.form.get("disability_type", ""),
        "disability_grade": _whole("disability_grade", "残疾等级"),
        "work_capacity": request.form.get("work_capacity", ""),
        "school": request.form.get("school", ""),
        "monthly_income_fen": {k: v for k, v in incomes.items() if v},
    }


@bp.post("/<household_id>/members/<member_id>")
@_doc("修改成员：关系、健康、残疾类别和等级、劳动能力、在读学段、各项月收入（逐项留痕）")
@staff.staff_page
def edit_member(household_id: str, member_id: str):
    return _act(
        household_id,
        lambda: services().household_file.edit_member(g.actor, household_id, _version(), member_id, _member_form()),
    )


@bp.post("/<household_id>/members")
@_doc("增加成员（姓名、身份证号、关系等）")
@staff.staff_page
def add_member(household_id: str):
    return _act(
        household_id,
        lambda: services().household_file.add_member(
            g.actor,
            household_id,
            _version(),
            {"name": request.form.get("name", ""), "id_number": request.form.get("id_number", ""), **_member_form()},
        ),
    )


@bp.post("/<household_id>/members/<member_id>/remove")
@_doc("移除成员（须写明原因）")
@staff.staff_page
def remove_member(household_id: str, member_id: str):
    return _act(
        household_id,
        lambda: services().household_file.remove_member(
            g.actor, household_id, _version(), member_id, request.form.get("reason", "")
        ),
    )


@bp.post("/<household_id>/binding-code")
@_doc("核验身份证后发放一次性微信绑定码（窗口打印或读给居民）")
@staff.staff_page
def binding_code(household_id: str):
    try:
        code = services().binding.issue_code(g.actor, household_id)
    except YimenError as exc:
        return _page(household_id, error=exc.message, status=exc.status)
    return _page(household_id, code=code)
