"""Staff console for 主动发现 (/staff/outreach/): the township's worklist ordered by the poverty index, with
each household's warnings, suggested aid and "为什么排在前面"; start an application or close an entry."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from yimen.domain import outreach
from yimen.domain.errors import YimenError
from yimen.domain.policy import catalogue
from yimen.entrypoints.web import staff
from yimen.entrypoints.web.common import api_doc, services
from yimen.services.checking.outreach import OutreachService

bp = Blueprint("staff_outreach", __name__, url_prefix="/staff/outreach")
bp.before_request(staff._csrf)
RANKING_ROWS = 200  # the neediest first; the API gives every household


def _doc(summary: str):
    return api_doc(summary, auth="staff", tags=("staff-console",))


def _service() -> OutreachService:
    return services().outreach


def _page(error: str | None = None, status: int = 200, **extra):
    service = _service()
    return render_template(
        "staff/outreach.html",
        actor=g.actor,
        rows=service.worklist(g.actor),
        counts=service.counts(g.actor),
        catalogue=catalogue(),
        error=error,
        levels=outreach.LEVEL_NAMES,
        outcomes=(outreach.VISITED, outreach.NOT_NEEDED),
        **extra,
    ), status


@bp.get("/")
@_doc("主动发现待办：按贫困指数排序的预警和筛查结果")
@staff.staff_page
def worklist():
    return _page(done=request.args.get("done"))


@bp.get("/ranking")
@_doc("动态排名：辖区内每户的贫困指数名次和比上月的变化")
@staff.staff_page
def ranking():
    rows = _service().ranking(g.actor, request.args.get("area", ""))
    return render_template("staff/ranking.html", actor=g.actor, rows=rows[:RANKING_ROWS], total=len(rows))


@bp.post("/screen")
@_doc("对本辖区做一次主动筛查")
@staff.staff_page
def screen():
    added = _service().screen_area(g.actor)
    return redirect(url_for(".worklist", done=f"筛查完成，新增 {added} 条待办"))


@bp.post("/<household_id>/<entry_id>/application")
@_doc("从待办为本户发起申请（记录同意方式）")
@staff.staff_page
def start_application(household_id: str, entry_id: str):
    try:
        app = _service().start_application(
            g.actor, household_id, entry_id, request.form.getlist("items"), request.form.get("consent", "")
        )
    except YimenError as exc:
        return _page(exc.message, exc.status)
    return redirect(url_for("staff_workflow.case", app_id=app.id))


@bp.post("/<household_id>/<entry_id>/close")
@_doc("结束一条待办：已走访或不需要")
@staff.staff_page
def close(household_id: str, entry_id: str):
    try:
        _service().close(
            g.actor, household_id, entry_id, request.form.get("outcome", ""), request.form.get("reason", "")
        )
    except YimenError as exc:
        return _page(exc.message, exc.status)
    return redirect(url_for(".worklist", done="已登记处理结果"))
