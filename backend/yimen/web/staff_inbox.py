"""Staff inbox (/staff/inbox): the notices addressed to the clerk's role and area — deadline warnings,
failed bank payments — newest first."""

from flask import Blueprint, g, render_template, request

from . import staff
from .common import api_doc, services

bp = Blueprint("staff_inbox", __name__, url_prefix="/staff/inbox")


@bp.get("/")
@api_doc("我的提醒：超期预警、代发失败等", auth="staff", tags=("staff-console",))
@staff.staff_page
def inbox():
    recipient = f"staff:{g.actor.role.value}@{g.actor.area_code}"
    with services().uow() as uow:
        page = uow.notice_log.list_for(recipient, limit=50, cursor=request.args.get("cursor"))
    return render_template("staff/inbox.html", actor=g.actor, page=page)
