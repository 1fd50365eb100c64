"""Staff console for the workflow (/staff/cases): queues per role and area with yellow/red markers, the case
page with actions and e-signature, the township dashboard, the overdue list and complaints for 纪委."""

import base64
import binascii

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from yimen.domain import workdays
from yimen.domain.departments import DEPARTMENTS
from yimen.domain.errors import ValidationError, YimenError
from yimen.domain.money import parse_yuan
from yimen.domain.policy import catalogue
from yimen.domain.workflow import CHECK_REPORT, GREEN_PAPERWORK_DAYS, ROLE_STAGE, STAFF_STAGES, STAGE_LIMIT_DAYS, Stage
from yimen.entrypoints.web import staff
from yimen.entrypoints.web.api_ocr import ocr_engine
from yimen.entrypoints.web.common import api_doc, services
from yimen.services.applications.forms import MATERIALS
from yimen.services.applications.signing import CoSigner, Signing
from yimen.services.applications.views import STEP_WORDS

bp = Blueprint("staff_workflow", __name__, url_prefix="/staff/cases")
bp.before_request(staff._csrf)  # the same per-session token as the rest of the console


def _doc(summary: str):
    return api_doc(summary, auth="staff", tags=("staff-console",))


def _warn_days() -> int:
    return services().config.deadline_warn_days


def _render(template: str, status: int = 200, **context):
    context.setdefault("actor", g.actor)
    context.update(
        today=services().clock.today(),
        warn_days=_warn_days(),
        level=workdays.level,
        level_words=workdays.LEVEL_WORDS,
        role_stage=ROLE_STAGE.get(g.actor.role),
    )
    return render_template(template, **context), status


@bp.get("/")
@_doc("待办队列：本岗位、本辖区的申请（黄色/红色预警）")
@staff.staff_page
def queue():
    wanted = request.args.get("stage")
    if wanted is None:  # no choice yet: the stage this role handles
        stage = ROLE_STAGE.get(g.actor.role)
    else:  # "?stage=" is every stage
        stage = Stage(wanted) if wanted in {s.value for s in Stage} else None
    page = services().case_files.queue(g.actor, stage, cursor=request.args.get("cursor"))
    return _render("staff/cases_queue.html", page=page, stage=stage, stages=list(Stage))


@bp.get("/<app_id>")
@_doc("案件页：家庭信息（脱敏）、材料、核对报告、办理")
@staff.staff_page
def case(app_id: str):
    return _case_page(app_id)


def _case_page(app_id: str, error: str | None = None, status: int = 200):
    app, household = services().case_files.case(g.actor, app_id)
    show_advice = app.stage in (Stage.CHECKING, Stage.SUPERVISION, Stage.APPROVAL, Stage.ACCEPTANCE)
    advice = services().case_files.advice(app, household) if show_advice else None
    steps = services().case_files.next_steps(g.actor, app, household, advice)  # the forms shown: the steps allowed
    by_step = {s.step: s for s in steps}
    decide = by_step["decide"].phrases if "decide" in by_step else ()
    return _render(
        "staff/case.html",
        status,
        app=app,
        h=household,
        error=error,
        advice=advice,
        may_check=CHECK_REPORT in decide,
        phrases=[p for p in decide if p != CHECK_REPORT],
        item_steps=[s for s in steps if s.step == "decide_item"],
        green_step=by_step.get("green"),
        proposable=by_step["propose"].item_codes if "propose" in by_step else (),
        may_id_check="id_check" in by_step,
        materials=MATERIALS,
        limits=STAGE_LIMIT_DAYS,
        green_days=GREEN_PAPERWORK_DAYS,
        green_second_signer_fen=services().config.green_second_signer_fen,
        catalogue=catalogue(),
        step_words=STEP_WORDS,
        departments_of=app.department_parts(),
        department_names=DEPARTMENTS,
    )


def _signing() -> Signing:
    drawn = request.form.get("signature_png", "")
    prefix = "data:image/png;base64,"
    try:
        png = base64.b64decode(drawn.removeprefix(prefix), validate=True) if drawn.startswith(prefix) else None
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("BAD_SIGNATURE", "手写签名图片无效，请清除后重签") from exc
    return Signing(request.form.get("typed_name", ""), request.form.get("pin", ""), png)


def _identity_verified() -> bool:
    return request.form.get("identity_verified") == "1"


def _version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError as exc:
        raise ValidationError("BAD_VERSION", "页面已过期，请刷新后重试") from exc


def _act(app_id: str, action):
    """Run one action; on success back to the case (303), on a refusal the case page with the reason."""
    try:
        action()
    except YimenError as exc:
        return _case_page(app_id, error=exc.message, status=exc.status)
    return redirect(url_for("staff_workflow.case", app_id=app_id), 303)


@bp.post("/<app_id>/decide")
@_doc("环节决定：规范用语 + 理由 + 电子签名")
@staff.staff_page
def decide(app_id: str):
    return _act(
        app_id,
        lambda: services().decisions.decide(
            g.actor,
            app_id,
            _version(),
            request.form.get("phrase", ""),
            request.form.get("reason", ""),
            _signing(),
            identity_verified=_identity_verified(),
        ),
    )


@bp.post("/<app_id>/items/<item_code>")
@_doc("审批（逐项）：同意救助/不同意救助 + 金额 + 电子签名")
@staff.staff_page
def decide_item(app_id: str, item_code: str):
    def run():
        phrase = request.form.get("phrase", "")
        amount = request.form.get("amount_yuan", "").strip()
        months = request.form.get("months", "1").strip() or "1"
        if not months.isdigit():
            raise ValidationError("BAD_MONTHS", "月数应为整数")
        services().decisions.decide_item(
            g.actor,
            app_id,
            _version(),
            item_code,
            phrase,
            request.form.get("reason", ""),
            parse_yuan(amount) if amount else None,
            request.form.get("monthly") == "1",
            int(months),
            _signing(),
        )

    return _act(app_id, run)


@bp.post("/<app_id>/green")
@_doc("绿色通道：先救助、后补办")
@staff.staff_page
def green(app_id: str):
    def run():
        amount = request.form.get("amount_yuan", "").strip()
        if not amount:
            raise ValidationError("BAD_AMOUNT", "请填写应急救助金额")
        second = CoSigner(request.form.get("second_username", ""), request.form.get("second_pin", ""))
        services().green_channel.grant(
            g.actor,
            app_id,
            _version(),
            request.form.get("item_code", ""),
            parse_yuan(amount),
            request.form.get("reason", ""),
            _signing(),
            identity_verified=_identity_verified(),
            cosigner=second,
        )

    return _act(app_id, run)


@bp.post("/<app_id>/check")
@_doc("核对：生成家庭经济状况核对报告")
@staff.staff_page
def check(app_id: str):
    return _act(app_id, lambda: services().decisions.run_check(g.actor, app_id, _version()))


@bp.post("/<app_id>/id-check")
@_doc("身份证照片识别核验（结果留存）")
@staff.staff_page
def id_check(app_id: str):
    return _act(app_id, lambda: services().id_checks.check(g.actor, app_id, _version(), ocr_engine()))


@bp.post("/<app_id>/propose")
@_doc("多元化救助：建议增加救助事项")
@staff.staff_page
def propose(app_id: str):
    return _act(
        app_id, lambda: services().decisions.propose(g.actor, app_id, _version(), request.form.get("item_code", ""))
    )


@bp.get("/<app_id>/materials/<kind>")
@_doc("申请材料图片（仅限办理岗位，留痕）")
@staff.staff_page
def material(app_id: str, kind: str):
    data, content_type = services().case_files.material(g.actor, app_id, kind)
    return Response(
        data, mimetype=content_type, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    )


@bp.get("/dashboard")
@_doc("乡镇工作台：各环节数量、超时、金额")
@staff.staff_page
def dashboard():
    stats = services().case_reports.dashboard(g.actor, _warn_days())
    return _render(
        "staff/cases_dashboard.html",
        stats=stats,
        chart=_chart(stats["stages"]),
        charts=services().dashboard.charts(g.actor),
    )


def _chart(stages: dict) -> list[dict]:
    """Bars for the inline SVG: one per handling stage, split into normal / yellow / red."""
    top = max([stages[s]["total"] for s in STAFF_STAGES] + [1])
    bars = []
    for n, stage in enumerate(STAFF_STAGES):
        row = stages[stage]
        parts = (
            (row["total"] - row[workdays.YELLOW] - row[workdays.RED], "#1e6b32"),
            (row[workdays.YELLOW], "#e0a800"),
            (row[workdays.RED], "#a50e0e"),
        )
        x, rects = 90, []
        for count, colour in parts:
            rects.append({"x": x, "width": count * 360 // top, "colour": colour})
            x += count * 360 // top
        bars.append({"stage": stage.value, "y": 10 + n * 44, "total": row["total"], "rects": rects, "label_x": x + 8})
    return bars


@bp.get("/overdue")
@_doc("超时清单（纪委监督）")
@staff.staff_page
def overdue():
    return _render("staff/cases_overdue.html", cases=services().case_reports.overdue(g.actor))


@bp.get("/complaints")
@_doc("在线举报（纪委监督）")
@staff.staff_page
def complaints():
    return _render(
        "staff/cases_complaints.html", page=services().complaints.recent(g.actor, request.args.get("cursor"))
    )
