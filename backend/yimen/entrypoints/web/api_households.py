"""JSON API for household files: staff inside their area, citizens for their own household."""

from flask import Blueprint, g, jsonify, request

from yimen.entrypoints.web.common import api_doc, login_required, services
from yimen.services.households.reading import HouseholdService, household_view
from yimen.services.staff.regions import villages

bp = Blueprint("api_households", __name__, url_prefix="/api/v1")


def _service() -> HouseholdService:
    return services().households


@bp.get("/households")
@api_doc("本辖区的户列表（工作人员，分页）", auth="staff", tags=("households",))
@login_required("staff")
def list_households():
    limit = min(max(request.args.get("limit", 50, type=int), 1), 200)
    page = _service().list_for(g.actor, cursor=request.args.get("cursor"), limit=limit)
    today = services().clock.today()
    return jsonify(items=[household_view(h, today) for h in page.items], next_cursor=page.next_cursor)


@bp.get("/households/<household_id>")
@api_doc("查看一户档案（脱敏）", auth="any", tags=("households",))
@login_required("staff", "citizen")
def get_household(household_id: str):
    household = _service().get_for(g.actor, household_id)
    return jsonify(household_view(household, services().clock.today()))


@bp.get("/me/households")
@api_doc("我的家庭（本人登录可见完整信息）", auth="citizen", tags=("households",))
@login_required("citizen")
def my_households():
    today = services().clock.today()
    return jsonify(items=[household_view(h, today, unmasked=True) for h in _service().owned_by(g.actor.id)])


@bp.get("/regions/villages")
@api_doc("本县的村（社区）列表，供申请表选择", tags=("regions",))
def list_villages():
    return jsonify(villages=villages(uow=services().uow))
