"""What every blueprint shares: the error format, auth decorators, JSON parsing, OpenAPI metadata."""

import functools
import hmac
import re
import secrets
from urllib.parse import urlsplit

from flask import abort, current_app, g, jsonify, request, session

from yimen.bootstrap import Services
from yimen.domain.errors import NotAuthenticated, ValidationError

HTTP_MESSAGES = {
    400: ("BAD_REQUEST", "请求格式不正确"),
    404: ("NOT_FOUND", "找不到您要的内容"),
    405: ("METHOD_NOT_ALLOWED", "不支持这种请求方式"),
    413: ("TOO_LARGE", "上传的内容太大了"),
    429: ("RATE_LIMITED", "操作太频繁，请稍后再试"),
    500: ("INTERNAL_ERROR", "系统出了点问题，请稍后再试"),
}


def services() -> Services:
    return current_app.extensions["yimen"]


def error_response(code: str, message: str, status: int, details: dict | None = None):
    body: dict[str, object] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return jsonify(error=body), status


_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\\]")  # browsers drop tabs and newlines, read \\ as /


def safe_next(target, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`: after a login nobody is sent elsewhere.
    "/%09/evil.example" arrives as "/\t/evil.example", which a browser reads as "//evil.example"."""
    if not isinstance(target, str) or not target.startswith("/") or _UNSAFE_IN_PATH.search(target):
        return default
    parts = urlsplit(target)
    return target if not (parts.scheme or parts.netloc) and not target.startswith("//") else default


def csrf_token() -> str:
    """The session's form token, for every cookie-session form (console and H5 pages alike)."""
    return session.setdefault("csrf", secrets.token_urlsafe(16))


def check_csrf() -> None:
    """before_request of blueprints with cookie-session forms: a form POST must carry the session's token,
    so another site can't post as the logged-in person (SameSite=Lax alone leaves older WebViews open).
    JSON API routes are left out: they take a JSON body, which no other site can send without CORS."""
    if request.method != "POST" or request.path.startswith("/api/"):
        return
    sent, expected = request.form.get("csrf", ""), session.get("csrf", "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        abort(400)


def api_doc(
    summary: str,
    auth: str | None = None,
    body: dict | None = None,
    tags: tuple[str, ...] = (),
    query: dict | None = None,
    upload: str | None = None,
):
    """Attach OpenAPI metadata to a view; entrypoints/web/openapi.py builds the document from it. query: name ->
    description of the query parameters; upload: the multipart field that carries a file."""

    def decorate(view):
        view.api_doc = {
            "summary": summary,
            "auth": auth,
            "body": body,
            "tags": list(tags),
            "query": query,
            "upload": upload,
        }
        return view

    return decorate


def current_actor():
    """The citizen (Bearer token) or staff user (console session) making this request, or None."""
    header = request.headers.get("Authorization", "")
    auth = services().auth
    if header.startswith("Bearer "):
        return auth.citizen_from_token(header.removeprefix("Bearer ").strip())
    if session.get("staff_session"):
        return auth.staff_from_session(session["staff_session"])
    if session.get("citizen_token"):
        return auth.citizen_from_token(session["citizen_token"])
    return None


def login_required(*kinds: str):
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None or actor.kind not in kinds:
                raise NotAuthenticated("LOGIN_REQUIRED", "请先登录")
            g.actor = actor
            return view(*args, **kwargs)

        return wrapper

    return decorate


def staff_token_required(view):
    """Staff API: `Authorization: Bearer <token from POST /api/v1/staff/login>`; no cookies, so no CSRF."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise NotAuthenticated("LOGIN_REQUIRED", "请先登录")
        g.actor = services().auth.staff_from_token(header.removeprefix("Bearer ").strip())
        return view(*args, **kwargs)

    return wrapper


def json_body(optional: bool = False) -> dict:
    """The request's JSON object; with optional=True an empty body counts as {}."""
    if optional and not request.get_data():
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError("BAD_JSON", "请求内容不是有效的 JSON 对象")
    return data


def require_fields(data: dict, **types) -> None:
    """require_fields(body, code=str, households=int): missing or wrongly typed fields -> 400."""
    for name, kind in types.items():
        if name not in data or data[name] in (None, ""):
            raise ValidationError("MISSING_FIELD", f"缺少必填项：{name}", details={"field": name})
        if not isinstance(data[name], kind) or (kind is int and isinstance(data[name], bool)):
            raise ValidationError("WRONG_TYPE", f"字段 {name} 的类型不正确", details={"field": name})


def rate_limit(bucket: str, limit: int, per_seconds: float = 60):
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            services().rate_limiter.check(bucket, request.remote_addr or "-", limit, per_seconds)
            return view(*args, **kwargs)

        return wrapper

    return decorate
