"""Staff console for handling 在线举报 (/staff/complaints/<id>): 受理 with a handler, 办理 notes, 答复; and the
monthly summary. The list itself is /staff/cases/complaints."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from yimen.domain.errors import YimenError
from yimen.entrypoints.web import staff
from yimen.entrypoints.web.common import api_doc, services
from yimen.services.applications.complaints import ComplaintService

bp = Blueprint("staff_complaints", __name__, url_prefix="/staff/complaints")
bp.before_request(staff._csrf)


def _doc(summary: str):
    return api_doc(summary, auth="staff", tags=("staff-console",))


def _service() -> ComplaintService:
    return services().complaints


def _page(complaint_id: str, error: str | None = None, status: int = 200):
    service = _service()
    return render_template(
        "staff/complaint.html",
        actor=g.actor,
        c=service.get(g.actor, complaint_id),
        handlers=service.handlers(g.actor),
        error=error,
    ), status


@bp.get("/summary")
@_doc("在线举报月度汇总")
@staff.staff_page
def summary():
    return render_template("staff/complaints_summary.html", actor=g.actor, rows=_service().monthly_summary(g.actor))


@bp.get("/<complaint_id>")
@_doc("一条举报：受理、办理、答复")
@staff.staff_page
def complaint(complaint_id: str):
    return _page(complaint_id)


@bp.post("/<complaint_id>/<step>")
@_doc("办理举报：accept（受理并指定承办人）、note（办理情况）、answer（答复举报人）")
@staff.staff_page
def act(complaint_id: str, step: str):
    service, form = _service(), request.form
    version = int(form.get("version", "-1")) if form.get("version", "").lstrip("-").isdigit() else -1
    steps = {
        "accept": lambda: service.accept(g.actor, complaint_id, version, form.get("handler", "")),
        "note": lambda: service.note(g.actor, complaint_id, version, form.get("text", "")),
        "answer": lambda: service.answer(g.actor, complaint_id, version, form.get("reply", "")),
    }
    if step not in steps:
        return _page(complaint_id, "不支持的操作", 404)
    try:
        steps[step]()
    except YimenError as exc:
        return _page(complaint_id, exc.message, exc.status)
    return redirect(url_for(".complaint", complaint_id=complaint_id))
