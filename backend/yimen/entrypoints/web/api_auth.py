"""Citizen API: login through WeChat (wx.login code -> code2Session via wechatpy)."""

from flask import Blueprint, jsonify

from yimen.entrypoints.web.common import api_doc, json_body, rate_limit, require_fields, services

bp = Blueprint("api_auth", __name__, url_prefix="/api/v1/auth")


@bp.post("/wechat-login")
@api_doc("微信登录：用 wx.login 的 code 换取登录凭证", body={"code": "string"}, tags=("auth",))
@rate_limit("wechat-login", limit=30, per_seconds=60)
def wechat_login():
    body = json_body()
    require_fields(body, code=str)
    return jsonify(services().auth.wechat_login(body["code"]))
