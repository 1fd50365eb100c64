"""绑定我家档案: the H5 page and the JSON API (mini-program) through which a resident already on file binds
her WeChat to her household, by the window's one-time code or by ID number + name + a texted code."""

from flask import Blueprint, g, jsonify, render_template, request

from yimen.domain.errors import YimenError
from yimen.entrypoints.web.common import (
    api_doc,
    check_csrf,
    current_actor,
    json_body,
    login_required,
    require_fields,
    services,
)
from yimen.entrypoints.web.h5 import citizen_page
from yimen.services.households.binding import BindingService
from yimen.services.households.reading import household_view

bp = Blueprint("binding", __name__)
bp.before_request(check_csrf)  # its forms carry csrf_token(); see common.check_csrf
TAGS = ("binding",)


def _service() -> BindingService:
    return services().binding


def _limit(bucket: str, client: str, limit: int, per_seconds: int) -> None:
    services().rate_limiter.check(bucket, client, limit, per_seconds)


def _redeem(actor, code: str):
    _limit("binding-code", actor.id, 10, 3600)  # 10^8 codes: ten guesses an hour find none
    return _service().redeem_code(actor, code)


def _ask_sms(id_number: str, name: str) -> str:
    _limit("binding-sms", request.remote_addr or "-", 5, 600)
    # a second limit per ID number, so one person's phone can't be flooded from many addresses
    _limit("binding-sms-id", services().cipher.lookup_hash(id_number.strip().upper()), 3, 3600)
    return _service().request_sms(id_number, name)


def _confirm(actor, id_number: str, name: str, code: str):
    _limit("binding-confirm", actor.id, 10, 3600)
    return _service().confirm_sms(actor, id_number, name, code)


@bp.route("/bind", methods=["GET", "POST"])
@api_doc("绑定我家档案：窗口绑定码，或身份证号 + 姓名 + 档案手机验证码", tags=("h5",))
@citizen_page
def bind_page():
    actor, form = current_actor(), request.form
    step, error, message, bound = form.get("step", ""), None, None, None
    try:
        if step == "code":
            bound = _redeem(actor, form.get("code", ""))
        elif step == "sms":
            message = _ask_sms(form.get("id_number", ""), form.get("name", ""))
        elif step == "confirm":
            bound = _confirm(actor, form.get("id_number", ""), form.get("name", ""), form.get("sms_code", ""))
    except YimenError as exc:
        error = exc.message
    owned = services().households.owned_by(actor.id)
    return render_template("h5/bind.html", step=step, error=error, message=message, bound=bound, owned=owned, form=form)


def _mine(household) -> dict:
    return {"bound": True, "household": household_view(household, services().clock.today(), unmasked=True)}


@bp.post("/api/v1/binding/code")
@api_doc("用窗口发放的一次性绑定码绑定我家档案（限频）", auth="citizen", body={"code": "string"}, tags=TAGS)
@login_required("citizen")
def bind_by_code():
    body = json_body()
    require_fields(body, code=str)
    return jsonify(_mine(_redeem(g.actor, body["code"])))


@bp.post("/api/v1/binding/sms")
@api_doc(
    "线上绑定第一步：身份证号 + 姓名，验证码发到档案登记的手机（限频；无论是否在档案中回答相同）",
    auth="citizen",
    body={"id_number": "string", "name": "string"},
    tags=TAGS,
)
@login_required("citizen")
def bind_sms_request():
    body = json_body()
    require_fields(body, id_number=str, name=str)
    return jsonify(message=_ask_sms(body["id_number"], body["name"]))


@bp.post("/api/v1/binding/sms/confirm")
@api_doc(
    "线上绑定第二步：输入短信验证码（限频）",
    auth="citizen",
    body={"id_number": "string", "name": "string", "code": "string"},
    tags=TAGS,
)
@login_required("citizen")
def bind_sms_confirm():
    body = json_body()
    require_fields(body, id_number=str, name=str, code=str)
    return jsonify(_mine(_confirm(g.actor, body["id_number"], body["name"], body["code"])))
