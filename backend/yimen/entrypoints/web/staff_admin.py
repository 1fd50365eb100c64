"""工作人员管理 (/staff/admin/staff): administrators add clerks and approvers, move them to another area or
department, reset a forgotten password and switch off a leaver. The rules live in services/staff/accounts.py; every
change there is an audit event."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from yimen.domain.departments import DEPARTMENTS
from yimen.domain.errors import ValidationError, YimenError
from yimen.domain.model import Role
from yimen.entrypoints.web import staff
from yimen.entrypoints.web.common import api_doc, services
from yimen.services.staff.accounts import StaffChanges, StaffService
from yimen.services.staff.regions import county_regions

bp = Blueprint("staff_admin", __name__, url_prefix="/staff/admin/staff")
bp.before_request(staff._csrf)  # the same per-session token as the rest of the console


def _doc(summary: str):
    return api_doc(summary, auth="staff", tags=("staff-console",))


def _service() -> StaffService:
    return services().staff


def _changes() -> StaffChanges:
    form = request.form
    role = form.get("role", "")
    if role not in {r.value for r in Role}:
        raise ValidationError("ROLE_REQUIRED_FIELD", "请选择岗位")
    return StaffChanges(
        display_name=form.get("display_name", ""),
        role=Role(role),
        area_code=form.get("area_code", ""),
        department=form.get("department", ""),
        phone=form.get("phone", ""),
    )


def _render(template: str, status: int = 200, **context):
    with services().uow() as uow:
        regions = county_regions(uow)
    return render_template(
        template, actor=g.actor, roles=list(Role), departments=DEPARTMENTS, regions=regions, **context
    ), status


@bp.get("/")
@_doc("工作人员管理：名单与添加（仅管理员）")
@staff.staff_page
def accounts():
    return _list_page()


def _list_page(error: str | None = None, status: int = 200, form=None):
    return _render(
        "staff/admin_staff.html",
        status,
        users=_service().list(g.actor),
        error=error,
        form=form or {},
        message=request.args.get("message"),
    )


@bp.post("/")
@_doc("添加工作人员（仅管理员，留痕）")
@staff.staff_page
def add():
    password = request.form.get("password", "")
    try:
        if password != request.form.get("password_again", ""):
            raise ValidationError("PASSWORD_MISMATCH", "两次输入的初始密码不一致")
        user = _service().add(g.actor, request.form.get("username", ""), _changes(), password)
    except YimenError as exc:
        return _list_page(exc.message, exc.status, request.form)
    return redirect(url_for(".accounts", message=f"已添加 {user.display_name}（{user.username}）"), 303)


@bp.get("/<username>")
@_doc("修改工作人员：岗位、辖区、部门、通知手机（仅管理员）")
@staff.staff_page
def account(username: str):
    return _edit_page(username)


def _edit_page(username: str, error: str | None = None, status: int = 200, temporary: str | None = None):
    return _render(
        "staff/admin_staff_edit.html",
        status,
        user=_service().get(g.actor, username),
        error=error,
        temporary=temporary,
        message=request.args.get("message"),
    )


@bp.post("/<username>")
@_doc("保存工作人员的修改（仅管理员，留痕）")
@staff.staff_page
def edit(username: str):
    try:
        _service().edit(g.actor, username, int(request.form.get("version", "-1")), _changes())
    except YimenError as exc:
        return _edit_page(username, exc.message, exc.status)
    return redirect(url_for(".account", username=username, message="已保存"), 303)


@bp.post("/<username>/active")
@_doc("停用或重新启用工作人员账号（仅管理员，留痕）")
@staff.staff_page
def set_active(username: str):
    enable = request.form.get("active") == "1"
    try:
        _service().set_active(g.actor, username, enable, request.form.get("reason", ""))
    except YimenError as exc:
        return _edit_page(username, exc.message, exc.status)
    message = "已启用" if enable else "已停用，该账号的登录已全部失效"
    return redirect(url_for(".account", username=username, message=message), 303)


@bp.post("/<username>/reset-password")
@_doc("重置工作人员密码：临时密码只显示一次，下次登录须修改（仅管理员，留痕）")
@staff.staff_page
def reset_password(username: str):
    try:
        temporary = _service().reset_password(g.actor, username)
    except YimenError as exc:
        return _edit_page(username, exc.message, exc.status)
    return _edit_page(username, temporary=temporary)
