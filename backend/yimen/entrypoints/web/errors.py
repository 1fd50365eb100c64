"""Errors as people see them. API clients (/api/..., the WeChat endpoints, anything asking for JSON) get
{"error": {"code", "message"}}; citizens and staff in a browser get a page in plain Chinese with a way
back, and an ended login takes them to the sign-in page. An unexpected failure gets a reference number
that the log carries too, so a clerk can quote it on the phone; the log holds no request data."""

import logging
import secrets
import traceback

from flask import Flask, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from yimen.domain.errors import NotAuthenticated, YimenError
from yimen.entrypoints.web.common import HTTP_MESSAGES, error_response

API_PREFIXES = ("/api/", "/wx-sim/", "/wechat/", "/healthz")
TITLES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "找不到这个页面",
    405: "无法这样操作",
    409: "情况有变化",
    413: "上传的内容太大",
    429: "操作太频繁",
    500: "系统出了点问题",
}
log = logging.getLogger("yimen")


def register(app: Flask) -> None:
    app.register_error_handler(YimenError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def wants_page() -> bool:
    if request.path.startswith(API_PREFIXES) or request.path.rstrip("/") in ("/api", "/wx-sim"):
        return False
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best != "application/json" or not request.accept_mimetypes.accept_json


def _domain_error(exc: YimenError):
    if not wants_page():
        return error_response(exc.code, exc.message, exc.status, exc.details)
    if isinstance(exc, NotAuthenticated):
        return _to_login()
    return _page(exc.status, exc.message)


def _http_error(exc: HTTPException):
    status = exc.code or 500  # None only on a bare HTTPException, which nothing raises
    code, message = HTTP_MESSAGES.get(status, ("HTTP_ERROR", "请求无法处理"))
    if status == 400 and request.method == "POST" and wants_page():
        message = "页面已过期或提交的内容不完整，请返回上一页刷新后再试"  # e.g. a stale form token
    if not wants_page():
        return error_response(code, message, status)
    return _page(status, message)


def _unexpected(exc: Exception):
    """Type, route and the code's own frames only: the exception's text may quote personal data."""
    reference = secrets.token_hex(4).upper()
    frames = " < ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
        for f in reversed(traceback.extract_tb(exc.__traceback__))
    )
    rule = request.url_rule.rule if request.url_rule else "(no route)"
    log.error("unhandled %s ref=%s %s %s at %s", type(exc).__name__, reference, request.method, rule, frames)
    message = f"系统出了点问题，请稍后再试。如果一直这样，请把参考编号 {reference} 告诉县救助中心。"
    if not wants_page():
        return error_response("INTERNAL_ERROR", message, 500, {"reference": reference})
    return _page(500, message, reference)


def _staff_area() -> bool:
    return request.path.startswith("/staff")


def _to_login():
    if _staff_area():
        return redirect(url_for("staff.login", next=request.path, ended=1))
    return redirect(url_for("h5.login", next=request.full_path.rstrip("?")))


def _page(status: int, message: str, reference: str | None = None):
    home = ("/staff/", "返回工作台") if _staff_area() else ("/", "返回首页")
    body = render_template(
        "error.html",
        status=status,
        title=TITLES.get(status, "无法完成"),
        message=message,
        reference=reference,
        home=home,
    )
    headers = {"Retry-After": "60"} if status == 429 else {}
    return body, status, headers
