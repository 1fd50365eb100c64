"""JSON API for a citizen's notices: what they were told, and in which order of channels to tell them."""

from flask import Blueprint, g, jsonify

from yimen.entrypoints.web.common import api_doc, json_body, login_required, services
from yimen.services.notices.worker import PREFS, my_notices, preferences, set_preferences

bp = Blueprint("api_notices", __name__, url_prefix="/api/v1/me/notices")

CHANNEL_NAMES = {"subscribe": "小程序消息", "template": "公众号消息", "sms": "短信"}


@bp.get("")
@api_doc("我的消息：办理进度和到账通知", auth="citizen", tags=("notices",))
@login_required("citizen")
def list_mine():
    items = [
        {"event": r.event, "text": r.text, "channel": CHANNEL_NAMES.get(r.channel, r.channel), "at": r.at.isoformat()}
        for r in my_notices(g.actor.id, uow=services().uow)
    ]
    return jsonify(items=items)


@bp.get("/preferences")
@api_doc("我的通知方式（渠道先后顺序）", auth="citizen", tags=("notices",))
@login_required("citizen")
def get_preferences():
    return jsonify(preferences(g.actor.id, uow=services().uow, default_order=services().config.notice_channels))


@bp.put("/preferences")
@api_doc(
    "设置通知方式：channels 为 subscribe/template/sms 的先后顺序",
    auth="citizen",
    tags=("notices",),
    body={"channels": ["sms", "subscribe"]},
)
@login_required("citizen")
def put_preferences():
    channels = json_body().get("channels")
    with services().uow() as uow:
        # keep an official-account link made elsewhere; the citizen only chooses the order here
        linked = (uow.kv.get(PREFS, g.actor.id) or {}).get("oa_openid")
        set_preferences(uow, g.actor.id, channels if isinstance(channels, list) else [], oa_openid=linked)
    return jsonify(preferences(g.actor.id, uow=services().uow, default_order=services().config.notice_channels))
