"""A local imitation of the WeChat API, shipped for local use and tests (never used in production).

It answers the endpoints wechatpy calls (token, code2Session, web OAuth, subscribe and template
messages) with WeChat's JSON shapes and error codes, records every message it receives, and can be
told to fail (HTTP 500, timeouts, errcodes) so retries and fallbacks are exercised over real HTTP."""

import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, current_app, jsonify, redirect, render_template_string, request

from yimen.entrypoints.web.common import api_doc, safe_next

bp = Blueprint("wechat_imitation", __name__, url_prefix="/wx-sim")

# Field rules of subscribe-message values (WeChat's documented per-type limits).
FIELD_LIMITS = {
    "thing": 20,
    "name": 10,
    "phrase": 5,
    "character_string": 32,
    "amount": 20,
    "date": 30,
    "time": 30,
    "number": 32,
    "phone_number": 17,
    "car_number": 8,
    "letter": 32,
    "symbol": 5,
}


class ImitationState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.messages: list[dict] = []
        self.refused: set[str] = set()
        self.failures: list[dict] = []  # queued faults, consumed one per message request

    def next_fault(self) -> dict | None:
        with self.lock:
            return self.failures.pop(0) if self.failures else None


def _state() -> ImitationState:
    return current_app.extensions.setdefault("wechat_imitation", ImitationState())


def _openid(appid: str, code: str) -> str:
    return "o" + hashlib.sha256(f"{appid}:{code}".encode()).hexdigest()[:27]


def _token(appid: str) -> str:
    return "SIMTOKEN-" + hashlib.sha256(appid.encode()).hexdigest()[:24]


@bp.get("/cgi-bin/token")
@api_doc("微信模拟：获取 access_token", tags=("wechat-imitation",))
def token():
    appid = request.args.get("appid", "")
    if not appid or not request.args.get("secret"):
        return jsonify(errcode=40013, errmsg="invalid appid")
    return jsonify(access_token=_token(appid), expires_in=7200)


@bp.get("/sns/jscode2session")
@api_doc("微信模拟：小程序 code2Session", tags=("wechat-imitation",))
def code2session():
    code = request.args.get("js_code", "")
    if not code or code.startswith("invalid"):
        return jsonify(errcode=40029, errmsg="invalid code")
    return jsonify(openid=_openid(request.args["appid"], code), session_key="sim-session-key")


@bp.get("/connect/oauth2/authorize")
@api_doc("微信模拟：网页授权（立即同意）", tags=("wechat-imitation",))
def oauth_authorize():
    """The real page asks the user; the imitation approves at once. A cookie stands for the WeChat
    account on this browser, so the same browser always gets the same openid."""
    target = _same_site(request.args.get("redirect_uri", ""))
    if target is None:  # WeChat itself only returns to the domain registered for the account
        return jsonify(errcode=10003, errmsg="redirect_uri domain mismatch"), 400
    user = request.cookies.get("wxsim_user") or secrets.token_hex(8)
    query = urlencode({"code": f"web-{user}-{secrets.token_hex(4)}", "state": request.args.get("state", "")})
    response = redirect(f"{target}{'&' if '?' in target else '?'}{query}")
    response.set_cookie("wxsim_user", user, httponly=True, samesite="Lax")
    return response


def _same_site(redirect_uri: str) -> str | None:
    """The imitation is registered for its own site only: it keeps the callback's path and query and
    returns there, so it can never send a browser to another site."""
    parts = urlsplit(redirect_uri)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if safe_next(path, default="") else None


@bp.get("/sns/oauth2/access_token")
@api_doc("微信模拟：网页授权 code 换 openid", tags=("wechat-imitation",))
def oauth_access_token():
    code = request.args.get("code", "")
    if not code.startswith("web-"):
        return jsonify(errcode=40029, errmsg="invalid code")
    user = code.split("-")[1]  # one WeChat account per browser, whatever the one-time code
    return jsonify(
        access_token="sim-web-token",
        refresh_token="sim-refresh",
        expires_in=7200,
        openid=_openid(request.args["appid"], user),
        scope="snsapi_base",
    )


def _check_fields(data: dict) -> str | None:
    for key, field in data.items():
        kind = key.rstrip("0123456789")
        value = str(field.get("value", "")) if isinstance(field, dict) else ""
        if kind in FIELD_LIMITS and not 0 < len(value) <= FIELD_LIMITS[kind]:
            return f"argument invalid! data.{key}.value"
    return None


def _receive(kind: str):
    state, body = _state(), request.get_json(force=True, silent=True) or {}
    fault = state.next_fault()
    if fault and fault.get("delay"):
        time.sleep(fault["delay"])
    if fault and fault.get("http_status"):
        return jsonify(errmsg="simulated failure"), fault["http_status"]
    if fault and fault.get("errcode"):
        return jsonify(errcode=fault["errcode"], errmsg="simulated")
    if not request.args.get("access_token", "").startswith("SIMTOKEN-"):
        return jsonify(errcode=40001, errmsg="invalid credential")
    if kind == "subscribe" and body.get("touser") in state.refused:
        return jsonify(errcode=43101, errmsg="user refuse to accept the msg")
    problem = _check_fields(body.get("data", {})) if kind == "subscribe" else None
    if problem:
        return jsonify(errcode=47003, errmsg=problem)
    with state.lock:
        state.messages.append({"kind": kind, **body})
        msgid = len(state.messages)
    return jsonify(errcode=0, errmsg="ok", msgid=msgid)


@bp.post("/cgi-bin/message/subscribe/send")
@api_doc("微信模拟：发送订阅消息", tags=("wechat-imitation",))
def subscribe_send():
    return _receive("subscribe")


@bp.post("/cgi-bin/message/template/send")
@api_doc("微信模拟：发送模板消息", tags=("wechat-imitation",))
def template_send():
    return _receive("template")


INDEX = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>本地微信接口模拟 · 一门</title></head>
<body style="font-family:sans-serif;max-width:46rem;margin:2rem auto;line-height:1.6">
<h1>本地微信接口模拟</h1>
<p>仅在本地运行和测试时启用（YIMEN_MODE=local），生产环境不会出现。一门通过 wechatpy 像调用真实微信接口一样调用它：
登录（code2Session、网页授权）、access_token、订阅消息和模板消息。</p>
<p>已收到 <strong id="message-count">{{ count }}</strong> 条消息{% if count %}，最近一条发给
<code>{{ (last.touser or '')[:6] }}…</code>（{{ last.kind }}）{% endif %}。
完整内容见 <a href="{{ url_for('wechat_imitation.sim_messages') }}">/wx-sim/_sim/messages</a>（JSON）。</p>
<p><a href="/">返回一门首页</a> · <a href="/staff/">工作人员后台</a></p></body></html>"""


@bp.get("/")
@api_doc("微信模拟：说明页（本地）", tags=("wechat-imitation",))
def index():
    messages = _state().messages
    return render_template_string(INDEX, count=len(messages), last=messages[-1] if messages else {})


# Control endpoints for tests and local demos.
@bp.get("/_sim/messages")
@api_doc("微信模拟：查看收到的消息", tags=("wechat-imitation",))
def sim_messages():
    return jsonify(messages=_state().messages)


@bp.post("/_sim/reset")
@api_doc("微信模拟：清空状态", tags=("wechat-imitation",))
def sim_reset():
    _state().reset()
    return jsonify(ok=True)


@bp.post("/_sim/refuse")
@api_doc("微信模拟：设置某用户拒收订阅消息", tags=("wechat-imitation",))
def sim_refuse():
    _state().refused.add(request.get_json(force=True)["openid"])
    return jsonify(ok=True)


@bp.post("/_sim/faults")
@api_doc("微信模拟：注入故障", tags=("wechat-imitation",))
def sim_faults():
    """Queue faults: [{"http_status": 500}, {"delay": 3}, {"errcode": 45009}]."""
    _state().failures.extend(request.get_json(force=True)["faults"])
    return jsonify(ok=True)


def create_imitation_app() -> Flask:
    """The imitation alone, for tests that run it on its own port."""
    app = Flask(__name__)
    app.register_blueprint(bp)
    return app
