"""Staff JSON API for 主动发现: the worklist (households that warnings and screening put forward, by poverty
index), a household's index breakdown, the ranking, and what a clerk does with an entry."""

from flask import Blueprint, g, jsonify, request

from yimen.entrypoints.web.common import api_doc, json_body, require_fields, services, staff_token_required
from yimen.services.checking.outreach import OutreachService

bp = Blueprint("api_staff_outreach", __name__, url_prefix="/api/v1/staff")
TAGS = ("staff-api",)


def _doc(summary: str, **kwargs):
    return api_doc(summary, auth="staff_api", tags=TAGS, **kwargs)


def _service() -> OutreachService:
    return services().outreach


@bp.get("/worklist")
@_doc("主动发现待办：本辖区预警和筛查推出的家庭，按贫困指数从高到低")
@staff_token_required
def worklist():
    return jsonify(items=_service().worklist(g.actor))


@bp.get("/worklist/counts")
@_doc("政策找人统计：推出多少户次、各处理结果多少")
@staff_token_required
def counts():
    return jsonify(_service().counts(g.actor))


@bp.post("/worklist/screen")
@_doc("对本辖区做一次主动筛查，把应享未享的家庭放进待办")
@staff_token_required
def screen():
    return jsonify(added=_service().screen_area(g.actor))


@bp.post("/households/<household_id>/outreach/<entry_id>/application")
@_doc("从待办为本户发起申请（记录本户同意的方式）", body={"items": "array", "consent": "string"})
@staff_token_required
def start_application(household_id: str, entry_id: str):
    body = json_body()
    require_fields(body, items=list, consent=str)
    app = _service().start_application(g.actor, household_id, entry_id, body["items"], body["consent"])
    return jsonify(application_id=app.id, stage=app.stage.value), 201


@bp.post("/households/<household_id>/outreach/<entry_id>/close")
@_doc("结束一条待办：已走访或不需要（写明理由）", body={"outcome": "string", "reason": "string"})
@staff_token_required
def close(household_id: str, entry_id: str):
    body = json_body()
    require_fields(body, outcome=str)
    _service().close(g.actor, household_id, entry_id, body["outcome"], str(body.get("reason", "")))
    return jsonify(status=body["outcome"])


@bp.get("/households/<household_id>/poverty-index")
@_doc("一户的贫困指数和每一项得分（各项相加等于总分）")
@staff_token_required
def poverty_index(household_id: str):
    return jsonify(_service().poverty_index(g.actor, household_id).as_dict())


@bp.get("/ranking")
@_doc(
    "动态排名：辖区内（或 area 指定的村、乡镇）每户的贫困指数名次和比上月的变化",
    query={"area": "区划代码，默认本人辖区"},
)
@staff_token_required
def ranking():
    return jsonify(items=_service().ranking(g.actor, request.args.get("area", "")))
