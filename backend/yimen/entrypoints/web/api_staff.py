"""Staff JSON API for the workflow (/api/v1/staff): login for a bearer token, the caller's queue, a case with
its `version` and the steps the caller may take now (`next`), and those steps. The same service calls as the
console (entrypoints/web/staff_workflow.py), so roles, areas, versions, signatures and audit are the console's."""

from flask import Blueprint, g, jsonify, request

from yimen.bootstrap import Services
from yimen.domain import workdays
from yimen.domain.errors import ValidationError
from yimen.domain.masking import mask_id_number, mask_name
from yimen.domain.permissions import actions_of
from yimen.domain.workflow import ROLE_STAGE, Stage
from yimen.entrypoints.web.api_ocr import ocr_engine
from yimen.entrypoints.web.common import api_doc, json_body, rate_limit, require_fields, services, staff_token_required
from yimen.services.applications.signing import CoSigner, Signing
from yimen.services.applications.views import application_view

bp = Blueprint("api_staff", __name__, url_prefix="/api/v1/staff")
TAGS = ("staff-api",)
ACTION_BODY = {
    "step": "string",
    "phrase": "string",
    "version": "integer",
    "typed_name": "string",
    "pin": "string",
    "reason": "string",
    "item_code": "string",
    "amount_fen": "integer",
    "monthly": "boolean",
    "months": "integer",
    "identity_verified": "boolean",
    "second_signer": "object",
}


def _doc(summary: str, **kwargs):
    return api_doc(summary, auth="staff_api", tags=TAGS, **kwargs)


def _warn_days() -> int:
    return services().config.deadline_warn_days


@bp.post("/login")
@api_doc(
    "工作人员接口登录：用户名和密码换取 Bearer 令牌（与后台同样的岗位、辖区、锁定和留痕）",
    body={"username": "string", "password": "string"},
    tags=TAGS,
)
def login():
    body = json_body()
    require_fields(body, username=str, password=str)
    auth = services().auth
    user = auth.staff_login(body["username"], body["password"], address=request.remote_addr or "-")
    return jsonify(
        {
            **auth.staff_token(user),
            "name": user.display_name,  # what a signature's typed_name must be
            "role": user.role.value,
            "area_code": user.area_code,
            "may": [action.value for action in actions_of(user.role)],  # domain/permissions.py, inside area_code
        }
    )


@bp.post("/logout")
@_doc("工作人员接口退出登录：本令牌立即失效")
@staff_token_required
def logout():
    services().auth.end_token(request.headers["Authorization"].removeprefix("Bearer ").strip())
    return "", 204


@bp.post("/password")
@api_doc(
    "工作人员修改自己的密码（管理员重置后必须先改）；成功后返回新的 Bearer 令牌",
    body={"username": "string", "current_password": "string", "new_password": "string"},
    tags=TAGS,
)
@rate_limit("staff-password", 10)
def change_password():
    body = json_body()
    require_fields(body, username=str, current_password=str, new_password=str)
    user = services().staff.change_own_password(body["username"], body["current_password"], body["new_password"])
    return jsonify(services().auth.staff_token(user))


@bp.get("/cases")
@_doc(
    "待办队列：本岗位、本辖区的申请（不带 stage 为本岗位的环节，stage 为空为全部环节）",
    query={"stage": "环节：受理、核对、督办、审批、备案、补正、已办结、不予受理、已撤回", "cursor": "下一页"},
)
@staff_token_required
def queue():
    wanted = request.args.get("stage")
    if wanted is None:
        stage = ROLE_STAGE.get(g.actor.role)
    elif wanted == "":
        stage = None
    elif wanted in set(Stage):
        stage = Stage(wanted)
    else:
        raise ValidationError("BAD_STAGE", f"环节应为：{'、'.join(Stage)}", details={"field": "stage"})
    page = services().case_files.queue(g.actor, stage, cursor=request.args.get("cursor"))
    today, warn_days = services().clock.today(), _warn_days()
    return jsonify(items=[_queue_row(a, today, warn_days) for a in page.items], next_cursor=page.next_cursor)


def _queue_row(app, today, warn_days: int) -> dict:
    return {
        "id": app.id,
        "stage": app.stage.value,
        "version": app.version,
        "village_code": app.village_code,
        "submitted_at": app.submitted_at.isoformat(),
        "due_on": app.due_on.isoformat() if app.due_on else None,
        "deadline_level": workdays.level(today, app.due_on, warn_days),
        "items": [{"code": i.code, "name": i.name, "decision": i.decision} for i in app.items],
        "green_pending": bool(app.green and app.green.pending),
    }


@bp.get("/cases/<app_id>")
@_doc("案件（脱敏）：version、next（此刻本人可办的步骤与规范用语）、核对报告、办理记录")
@staff_token_required
def case(app_id: str):
    return jsonify(_case_view(app_id))


def _case_view(app_id: str) -> dict:
    app, household = services().case_files.case(g.actor, app_id)
    view = application_view(app, services().clock.today(), _warn_days())
    head = household.head
    view.update(
        version=app.version,
        village_code=app.village_code,
        emergency=app.emergency,
        household={
            "id": household.id,
            "head_name": mask_name(head.name),
            "head_id_number": mask_id_number(head.id_number),
            "members": len(household.members),
        },
        materials=sorted(app.materials),
        check_report=app.check_report,
        id_check=app.id_check,
        identity_check=app.identity_check,
        next=[step.view() for step in services().case_files.next_steps(g.actor, app, household)],
    )
    return view


@bp.post("/cases/<app_id>/actions")
@_doc(
    "办理一步：step 为 decide / decide_item / green / propose / id_check；核对先“生成核对报告”再“核对完成”；"
    "决定须 typed_name 和 pin（签名密码）；identity_check 不为空时，受理须核验身份后带 identity_verified；"
    "version 过期返回 409",
    body=ACTION_BODY,
)
@staff_token_required
def act(app_id: str):
    body = json_body()
    require_fields(body, step=str, version=int)
    run = STEPS.get(body["step"])
    if run is None:
        raise ValidationError("BAD_STEP", f"step 应为：{'、'.join(STEPS)}", details={"field": "step"})
    run(services(), app_id, body["version"], body)
    return jsonify(_case_view(app_id))


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError("WRONG_TYPE", f"字段 {name} 的类型不正确", details={"field": name})
    return value or ""


def _signing(body: dict) -> Signing:
    return Signing(_text(body, "typed_name"), _text(body, "pin"))


def _decide(s: Services, app_id: str, version: int, body: dict) -> None:
    s.decisions.decide(
        g.actor,
        app_id,
        version,
        _text(body, "phrase"),
        _text(body, "reason"),
        _signing(body),
        identity_verified=body.get("identity_verified") is True,
    )


def _decide_item(s: Services, app_id: str, version: int, body: dict) -> None:
    require_fields(body, item_code=str, phrase=str)
    if body.get("amount_fen") is not None:
        require_fields(body, amount_fen=int)
    months = body.get("months", 1)
    if not isinstance(months, int) or isinstance(months, bool):
        raise ValidationError("BAD_MONTHS", "月数应为整数", details={"field": "months"})
    s.decisions.decide_item(
        g.actor,
        app_id,
        version,
        body["item_code"],
        body["phrase"],
        _text(body, "reason"),
        body.get("amount_fen"),
        body.get("monthly") is True,
        months,
        _signing(body),
    )


def _green(s: Services, app_id: str, version: int, body: dict) -> None:
    require_fields(body, item_code=str, amount_fen=int)
    second = body.get("second_signer")
    if not isinstance(second, dict):
        second = {}
    s.green_channel.grant(
        g.actor,
        app_id,
        version,
        body["item_code"],
        body["amount_fen"],
        _text(body, "reason"),
        _signing(body),
        identity_verified=body.get("identity_verified") is True,
        cosigner=CoSigner(str(second.get("username") or ""), str(second.get("pin") or "")),
    )


def _propose(s: Services, app_id: str, version: int, body: dict) -> None:
    require_fields(body, item_code=str)
    s.decisions.propose(g.actor, app_id, version, body["item_code"])


def _id_check(s: Services, app_id: str, version: int, body: dict) -> None:
    s.id_checks.check(g.actor, app_id, version, ocr_engine())


STEPS = {"decide": _decide, "decide_item": _decide_item, "green": _green, "propose": _propose, "id_check": _id_check}
