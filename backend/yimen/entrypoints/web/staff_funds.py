"""Staff console for funds (/staff/funds): 救助中心 reviews slips, 财政 approves or sends them back,
exports the bank payment file, imports the bank's result file and reads the reconciliation report."""

from collections import Counter

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from yimen.domain.disbursement import SlipStatus
from yimen.domain.errors import ValidationError, YimenError
from yimen.domain.model import Role
from yimen.domain.money import yuan
from yimen.domain.permissions import Action, may
from yimen.entrypoints.web import staff
from yimen.entrypoints.web.common import api_doc, services
from yimen.services.funds.disbursement import DisbursementService

bp = Blueprint("staff_funds", __name__, url_prefix="/staff/funds")
bp.before_request(staff._csrf)  # the same per-session token as the rest of the console

# Which queue each role opens on.
HOME_STATUS = {Role.CENTRE: SlipStatus.PENDING_REVIEW, Role.FINANCE: SlipStatus.PENDING_FINANCE}


def _doc(summary: str):
    return api_doc(summary, auth="staff", tags=("staff-console",))


def _service() -> DisbursementService:
    return services().disbursement


def _slips_page(error: str | None = None, status: int = 200, message: str | None = None):
    wanted = request.values.get("status")
    current = SlipStatus(wanted) if wanted in set(SlipStatus) else HOME_STATUS.get(g.actor.role, SlipStatus.APPROVED)
    service = _service()
    page = service.list_slips(g.actor, current, cursor=request.args.get("cursor"))
    batches = service.recent_batches(g.actor)
    missing = services().payees.missing_payees(g.actor) if may(g.actor, Action.PAYEE_MISSING) else []
    return render_template(
        "staff/funds.html",
        actor=g.actor,
        page=page,
        current=current,
        statuses=list(SlipStatus),
        batches=batches.items,
        missing=missing,
        error=error,
        message=message or request.args.get("message"),
    ), status


@bp.get("/")
@_doc("拨付单：救助中心审核、财政审批、银行代发批次")
@staff.staff_page
def slips():
    return _slips_page()


@bp.post("/slips/act")
@_doc("审核 / 批准 / 退回勾选的拨付单")
@staff.staff_page
def act():
    action = request.form.get("action", "")
    if action not in ("review", "approve", "send_back"):
        return _slips_page("请选择要执行的操作", 400)
    try:
        done = _service().act(g.actor, action, request.form.getlist("slip_id"), request.form.get("reason"))
    except YimenError as exc:
        return _slips_page(exc.message, exc.status)
    words = {"review": "已审核并提交财政", "approve": "已批准拨付", "send_back": "已退回救助中心"}[action]
    return redirect(
        url_for("staff_funds.slips", status=request.form.get("status"), message=f"{len(done)} 张拨付单{words}")
    )


def csv_download(batch_id: str, text: str) -> Response:
    # BOM so that Excel on a finance office PC opens the Chinese columns correctly.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{batch_id}.csv"'},
    )


@bp.post("/batches/export")
@_doc("生成银行代发文件（CSV 下载）")
@staff.staff_page
def export():
    """All due slips, or only the ticked ones (a 绿色通道 slip in a batch of its own). The batch page
    follows, saying what was held back and why; the payment file is downloaded from there."""
    try:
        result = _service().export_batch(g.actor, request.form.getlist("slip_id") or None)
    except YimenError as exc:
        return _slips_page(exc.message, exc.status)
    batch = result.batch
    message = f"已生成代发批次：{len(batch.lines)} 笔，合计 {yuan(batch.total_fen)} 元。"
    if result.held_back:
        reasons = Counter(h.reason for h in result.held_back)
        message += (
            f"另有 {len(result.held_back)} 笔因收款账户问题暂缓（"
            + "；".join(f"{reason} {n} 笔" for reason, n in reasons.items())
            + "），请到“缺少收款账户”处理，处理后进入下一批。"
        )
    return redirect(url_for("staff_funds.batch", batch_id=batch.id, message=message), 303)


@bp.get("/batches/<batch_id>/payment.csv")
@_doc("重新下载某批次的银行代发文件（留痕）")
@staff.staff_page
def payment_file(batch_id: str):
    return csv_download(batch_id, _service().payment_file(g.actor, batch_id))


@bp.post("/batches/import")
@_doc("导入银行回盘文件")
@staff.staff_page
def import_results():
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationError("FILE_REQUIRED", "请选择银行回盘文件")
        result = _service().import_results(g.actor, upload.read())
    except YimenError as exc:
        return _slips_page(exc.message, exc.status)
    message = (
        "该回盘文件已导入过，未作任何改动"
        if result.already_imported
        else f"成功 {result.paid} 笔，失败 {result.failed} 笔（已退回救助中心），此前已处理 {result.unchanged} 笔"
    )
    return redirect(url_for("staff_funds.batch", batch_id=result.batch_id, message=message))


@bp.get("/batches/<batch_id>")
@_doc("批次对账：导出 = 成功 + 失败")
@staff.staff_page
def batch(batch_id: str):
    report = _service().report(g.actor, batch_id)
    return render_template("staff/funds_batch.html", actor=g.actor, report=report, message=request.args.get("message"))
