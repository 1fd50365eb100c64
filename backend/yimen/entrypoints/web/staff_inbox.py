"""Staff inbox (/staff/inbox): the notices addressed to the clerk's role and area — deadline warnings,
failed bank payments — newest first. For 救助中心 and 管理员 also the notices that could not be
delivered, with a button to send them again (services/notices/dead.py)."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from yimen.domain.permissions import Action, may
from yimen.entrypoints.web import staff
from yimen.entrypoints.web.common import api_doc, services
from yimen.services.notices.dead import dead_notices_for, requeue_for

bp = Blueprint("staff_inbox", __name__, url_prefix="/staff/inbox")
bp.before_request(staff._csrf)  # the same per-session token as the rest of the console


@bp.get("/")
@api_doc("我的提醒：超期预警、代发失败等；救助中心另见投递失败的通知", auth="staff", tags=("staff-console",))
@staff.staff_page
def inbox():
    recipient = f"staff:{g.actor.role.value}@{g.actor.area_code}"
    with services().uow() as uow:
        page = uow.notice_log.list_for(recipient, limit=50, cursor=request.args.get("cursor"))
    dead = dead_notices_for(g.actor, uow=services().uow) if may(g.actor, Action.NOTICES_DEAD) else None
    return render_template("staff/inbox.html", actor=g.actor, page=page, dead=dead, message=request.args.get("message"))


@bp.post("/dead-notices/retry")
@api_doc("重新投递发送失败的通知（一条或全部）", auth="staff", tags=("staff-console",))
@staff.staff_page
def retry_dead():
    count = requeue_for(g.actor, request.form.get("job_id") or None, uow=services().uow, clock=services().clock)
    message = f"已重新排队 {count} 条通知，稍后自动发送" if count else "没有需要重新投递的通知（可能已重新投递过）"
    return redirect(url_for("staff_inbox.inbox", message=message))
