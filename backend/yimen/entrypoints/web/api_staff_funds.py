"""Staff JSON API for the money path (/api/v1/staff): slips, their review and approval, bank batches (export,
payment file, result import, reconcile report), payee accounts and the 缺少收款账户 list. The same
DisbursementService and PayeeService calls as the console, so a county's provincial system or bank can drive
the path without a browser."""

from dataclasses import asdict

from flask import Blueprint, g, jsonify, request

from yimen.domain.disbursement import SlipStatus
from yimen.domain.errors import ValidationError
from yimen.domain.masking import mask_name
from yimen.entrypoints.web.common import api_doc, json_body, require_fields, services, staff_token_required
from yimen.entrypoints.web.staff_funds import csv_download
from yimen.services.funds.disbursement import ACTIONS, DisbursementService

bp = Blueprint("api_staff_funds", __name__, url_prefix="/api/v1/staff")
TAGS = ("staff-api",)


def _doc(summary: str, **kwargs):
    return api_doc(summary, auth="staff_api", tags=TAGS, **kwargs)


def _service() -> DisbursementService:
    return services().disbursement


def _slip_view(view) -> dict:
    slip = view.slip
    return {
        "id": slip.id,
        "status": slip.status.value,
        "application_id": slip.application_id,
        "household_id": slip.household_id,
        "name_masked": view.name_masked,
        "village_code": view.village_code,
        "item_code": slip.item_code,
        "item_name": slip.item_name,
        "department": slip.department,
        "amount_fen": slip.amount_fen,
        "period": slip.period,
        "due_on": slip.due_on.isoformat(),
        "batch_id": slip.batch_id,
        "line_id": slip.line_id,
        "paid_on": slip.paid_on.isoformat() if slip.paid_on else None,
        "note": slip.note,
    }


@bp.get("/slips")
@_doc("拨付单列表（按状态）", query={"status": f"状态：{'、'.join(SlipStatus)}", "cursor": "下一页"})
@staff_token_required
def slips():
    wanted = request.args.get("status", "")
    if wanted not in set(SlipStatus):
        raise ValidationError("BAD_STATUS", f"status 应为：{'、'.join(SlipStatus)}", details={"field": "status"})
    page = _service().list_slips(g.actor, SlipStatus(wanted), cursor=request.args.get("cursor"))
    return jsonify(items=[_slip_view(v) for v in page.items], next_cursor=page.next_cursor)


@bp.post("/slips/actions")
@_doc(
    "审核（救助中心）/ 批准 / 退回（财政）勾选的拨付单：全部成功或全部不变",
    body={"action": "string", "slip_ids": "array", "reason": "string"},
)
@staff_token_required
def slip_actions():
    body = json_body()
    require_fields(body, action=str, slip_ids=list)
    if body["action"] not in ACTIONS:
        raise ValidationError("BAD_ACTION", f"action 应为：{'、'.join(ACTIONS)}", details={"field": "action"})
    if not all(isinstance(i, str) for i in body["slip_ids"]):
        raise ValidationError("WRONG_TYPE", "字段 slip_ids 的类型不正确", details={"field": "slip_ids"})
    reason = body.get("reason")
    done = _service().act(g.actor, body["action"], body["slip_ids"], reason if isinstance(reason, str) else None)
    return jsonify(items=[{"id": s.id, "status": s.status.value} for s in done])


@bp.get("/slips/<slip_id>")
@_doc("拨付单经过：每次代发的批次、账户（脱敏）、结果，以及留痕")
@staff_token_required
def slip(slip_id: str):
    return jsonify(_service().slip_history(g.actor, slip_id))


@bp.post("/batches/export")
@_doc(
    "生成银行代发批次（全部成功或全部撤回）：batch_id、lines（笔数）、held_back（因收款账户问题未导出的拨付单及原因）；"
    "可选 slip_ids 只导出这几张（如绿色通道单独成批）",
    body={"slip_ids": "array"},
)
@staff_token_required
def export():
    body = json_body() if request.get_data() else {}
    slip_ids = body.get("slip_ids")
    if slip_ids is not None and not (isinstance(slip_ids, list) and all(isinstance(i, str) for i in slip_ids)):
        raise ValidationError("WRONG_TYPE", "字段 slip_ids 的类型不正确", details={"field": "slip_ids"})
    result = _service().export_batch(g.actor, slip_ids or None)
    return jsonify(
        batch_id=result.batch.id,
        lines=len(result.batch.lines),
        total_fen=result.batch.total_fen,
        held_back=[h.as_dict() for h in result.held_back],
    ), 201


@bp.get("/batches/<batch_id>/payment.csv")
@_doc("批次的银行代发文件（CSV，含完整卡号，每次下载留痕）")
@staff_token_required
def payment_file(batch_id: str):
    return csv_download(batch_id, _service().payment_file(g.actor, batch_id))


@bp.post("/batches/import")
@_doc("导入银行回盘文件（multipart：file）；同一文件重复导入不改动任何数据", upload="file")
@staff_token_required
def import_results():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError("FILE_REQUIRED", "请选择银行回盘文件", details={"field": "file"})
    return jsonify(asdict(_service().import_results(g.actor, upload.read())))


@bp.get("/batches/<batch_id>")
@_doc("批次对账：导出 = 成功 + 失败 + 银行处理中，balanced 为真时平衡")
@staff_token_required
def batch(batch_id: str):
    report = _service().report(g.actor, batch_id)
    report["created_at"] = report["created_at"].isoformat()
    for line in report["lines"]:
        line["paid_on"] = line["paid_on"].isoformat() if line["paid_on"] else None
    return jsonify(report)


@bp.put("/households/<household_id>/payee")
@_doc(
    "登记或更正一户的收款账户（须写明原因；留痕并通知该户）",
    body={"bank": "string", "account_number": "string", "holder_name": "string", "reason": "string"},
)
@staff_token_required
def set_payee(household_id: str):
    body = json_body()
    require_fields(body, bank=str, account_number=str, holder_name=str, reason=str)
    checked = services().payees.set_payee(
        g.actor, household_id, body["bank"], body["account_number"], body["holder_name"], body["reason"]
    )
    payee = checked.payee
    return jsonify(
        household_id=household_id,
        bank=payee.bank_name,
        account_masked=payee.masked,
        holder_name=mask_name(payee.holder_name),
        warnings=[{"code": code, "message": message} for code, message in checked.warnings],
    )


@bp.get("/payees/missing")
@_doc("缺少收款账户：有待拨付的钱、却没有可用账户的户，以及怎么办")
@staff_token_required
def missing_payees():
    return jsonify(items=[asdict(m) for m in services().payees.missing_payees(g.actor)])
