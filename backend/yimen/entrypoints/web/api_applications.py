"""Citizen JSON API for applications: submit (idempotent), mine, detail with timeline, withdraw, 补正,
safe status lookup, 在线举报."""

from flask import Blueprint, g, jsonify, request

from yimen.domain import photo_rule
from yimen.domain.errors import NotFound
from yimen.domain.masking import mask_name
from yimen.domain.payee import account_warnings, normalise_account
from yimen.entrypoints.web.common import api_doc, json_body, login_required, rate_limit, require_fields, services
from yimen.services.applications.views import application_view
from yimen.services.households.file import INCOME_SOURCES
from yimen.services.ocr.checked import checked_findings

bp = Blueprint("api_applications", __name__, url_prefix="/api/v1")
TAGS = ("applications",)


def _view(app, resident=None):
    return application_view(app, services().clock.today(), resident=resident)


@bp.post("/applications")
@api_doc(
    "提交救助申请（请求头 Idempotency-Key：重试不会重复申请）。payee 为收款账户 {bank, account_number, "
    "holder_name}：bank 取自 GET /api/v1/banks，户名须是申请人或家庭成员",
    auth="citizen",
    tags=TAGS,
    body={
        "items": "array",
        "household_id": "string",
        "household": "object",
        "materials": "object",
        "assistant": "object",
        "emergency": "object",
        "payee": "object",
        "photo_confirmed": "boolean",
    },
)
@login_required("citizen")
@rate_limit("submit-application", limit=20, per_seconds=60)
def submit():
    body = json_body()
    _hold_for_photo(body)
    app, created = services().submission.submit(g.actor, body, request.headers.get("Idempotency-Key", "").strip())
    number = (body.get("payee") or {}).get("account_number") if isinstance(body.get("payee"), dict) else None
    warnings = account_warnings(normalise_account(number)) if number else ()
    return jsonify({**_view(app), "warnings": [{"code": c, "message": m} for c, m in warnings]}), (
        201 if created else 200
    )


def _hold_for_photo(body: dict) -> None:
    """The photo rule (domain/photo_rule.py) for an ID photo checked by POST /api/v1/ocr/idcard: a blocking
    finding needs "photo_confirmed": true. A malformed body is left to the service to refuse."""
    photo = (body.get("materials") or {}).get("id_photo") if isinstance(body.get("materials"), dict) else None
    key = photo.get("upload_key") if isinstance(photo, dict) else None
    applicant = _applicant(body)
    if not isinstance(key, str) or applicant is None:
        return
    findings = checked_findings(services().blobs, g.actor, key, *applicant)
    if findings is not None:
        photo_rule.require_confirmed(findings, body.get("photo_confirmed") is True)


def _applicant(body: dict) -> tuple[str, str] | None:
    """(name, ID number) the photo should show: the first member typed, or the head of the household on file."""
    if isinstance(body.get("household_id"), str):
        head = services().households.get_for(g.actor, body["household_id"]).head
        return head.name, head.id_number
    members = body.get("household", {}).get("members") if isinstance(body.get("household"), dict) else None
    first = members[0] if isinstance(members, list) and members and isinstance(members[0], dict) else {}
    name, number = first.get("name"), first.get("id_number")
    return (name, number) if isinstance(name, str) and isinstance(number, str) else None


@bp.get("/banks")
@api_doc("本县可代发救助金的银行（申请时选择收款银行用）", tags=TAGS)
def banks():
    return jsonify(items=[{"code": b.code, "name": b.name} for b in services().payees.banks()])


@bp.get("/applications")
@api_doc("我的申请（含协理员为我家代办的申请；我代办的申请附被代办人的脱敏姓名和身份证号）", auth="citizen", tags=TAGS)
@login_required("citizen")
def mine():
    return jsonify(items=[_view(a, resident) for a, resident in services().citizen_cases.mine(g.actor)])


@bp.get("/applications/<app_id>")
@api_doc("申请详情与办理进度（时间线）", auth="citizen", tags=TAGS)
@login_required("citizen")
def detail(app_id: str):
    return jsonify(
        {
            **_view(services().citizen_cases.get(g.actor, app_id)),
            "payee": services().citizen_cases.payee(g.actor, app_id),
        }
    )


@bp.post("/applications/<app_id>/withdraw")
@api_doc("撤回申请（被代办人撤回即同时撤销代办授权）", auth="citizen", body={"reason": "string"}, tags=TAGS)
@login_required("citizen")
def withdraw(app_id: str):
    body = json_body(optional=True)
    return jsonify(_view(services().withdrawal.withdraw(g.actor, app_id, str(body.get("reason") or ""))))


@bp.post("/applications/<app_id>/revoke-assistant")
@api_doc("撤销协理员的代办授权（申请继续办理，协理员此后看不到）", auth="citizen", tags=TAGS)
@login_required("citizen")
def revoke_assistant(app_id: str):
    return jsonify(_view(services().withdrawal.revoke_assistant(g.actor, app_id)))


@bp.post("/applications/<app_id>/resubmit")
@api_doc(
    "补正后重新提交：只改要补的（照片、签名、某位成员的月收入），回到要求补正的环节",
    auth="citizen",
    body={"note": "string", "materials": "object", "incomes": "array"},
    tags=TAGS,
)
@login_required("citizen")
def resubmit(app_id: str):
    body = json_body()
    app = services().corrections.resubmit(
        g.actor, app_id, str(body.get("note") or ""), body.get("materials"), body.get("incomes")
    )
    return jsonify(_view(app))


@bp.get("/applications/<app_id>/household")
@api_doc("补正时可改收入的家庭成员（脱敏姓名、关系、各项月收入）；档案由窗口维护的户答 404", auth="citizen", tags=TAGS)
@login_required("citizen")
def correctable_household(app_id: str):
    household = services().citizen_cases.correctable_file(g.actor, services().citizen_cases.get(g.actor, app_id))
    if household is None:
        raise NotFound("FILE_AT_WINDOW", "这户的档案请到乡镇（街道）社会救助窗口修改")
    return jsonify(
        members=[
            {"name": mask_name(m.name), "relation": m.relation.value, "monthly_income_fen": m.monthly_income_fen}
            for m in household.members
        ],
        income_sources=list(INCOME_SOURCES),
    )


@bp.post("/status-lookup")
@api_doc("按身份证号和姓名查询办理环节（限频；仅显示环节）", body={"id_number": "string", "name": "string"}, tags=TAGS)
@rate_limit("status-lookup", limit=10, per_seconds=60)
def status_lookup():
    body = json_body()
    require_fields(body, id_number=str, name=str)
    # a second limit per ID number, so one person's number can't be tried from many addresses
    key = services().cipher.lookup_hash(body["id_number"].strip().upper())
    services().rate_limiter.check("status-lookup-id", key, 5, 3600)
    return jsonify(services().citizen_cases.lookup(body["id_number"], body["name"]))


@bp.post("/complaints")
@api_doc(
    "在线举报（转纪委监督）",
    auth="citizen",
    body={"content": "string", "application_id": "string", "contact": "string", "anonymous": "boolean"},
    tags=TAGS,
)
@login_required("citizen")
@rate_limit("complaints", limit=5, per_seconds=600)
def complain():
    body = json_body()
    require_fields(body, content=str)
    complaint = services().complaints.file(
        g.actor,
        body["content"],
        application_id=body.get("application_id"),
        contact=body.get("contact"),
        anonymous=bool(body.get("anonymous")),
    )
    return jsonify(id=complaint.id, message="举报已提交纪委监督，我们会依法保护举报人信息。"), 201


@bp.get("/complaints/mine")
@api_doc("我反映过的问题：办理状态和纪委的答复", auth="citizen", tags=TAGS)
@login_required("citizen")
def my_complaints():
    return jsonify(
        items=[
            {
                "id": c.id,
                "content": c.content,
                "status": c.status.value,
                "created_at": c.created_at.isoformat(),
                "due_on": c.due_on and c.due_on.isoformat(),
                "reply": c.reply,
                "answered_at": c.answered_at and c.answered_at.isoformat(),
            }
            for c in services().complaints.mine(g.actor)
        ]
    )
