"""Staff console (server-rendered; works on a township office PC): login and household files.
Workflow queues and case pages join here as the workflow grows."""

import functools

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from yimen.domain.accounts import WEAK_MESSAGE
from yimen.domain.errors import NotAuthenticated, RateLimited, ValidationError, YimenError
from yimen.entrypoints.web.common import api_doc, check_csrf, csrf_token, safe_next, services
from yimen.services.staff.auth import staff_actor

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _doc(summary: str):
    return api_doc(summary, auth="staff", tags=("staff-console",))


@bp.before_request
def _csrf():
    """Console forms carry the session's token (templates read session.csrf) so no other site can post."""
    csrf_token()
    check_csrf()


def staff_page(view):
    """Console pages: a live session (AuthService.session_user), else the sign-in page and back;
    an account whose password was reset goes to the password page first."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            user = services().auth.session_user(session.get("staff_session"))
        except NotAuthenticated:  # never logged in, logged out, timed out, or the account changed
            ended = {"ended": 1} if session.pop("staff_session", None) else {}
            return redirect(url_for("staff.login", next=request.path, **ended))
        g.actor = staff_actor(user)
        if user.must_change_password and request.endpoint != "staff.password":
            return redirect(url_for("staff.password"))
        return view(*args, **kwargs)

    return wrapper


ENDED = "您的登录已结束（超时、已退出，或账号、密码有变动），请重新登录。"


@bp.route("/login", methods=["GET", "POST"])
@api_doc("工作人员登录", tags=("staff-console",))
def login():
    error, status = None, 200
    if request.method == "POST":
        auth = services().auth
        try:
            user = auth.staff_login(
                request.form.get("username", ""), request.form.get("password", ""), address=request.remote_addr or "-"
            )
        except (NotAuthenticated, RateLimited) as exc:
            error, status = exc.message, exc.status
        else:
            session.clear()
            session["staff_session"] = auth.open_session(user)
            if user.must_change_password:
                return redirect(url_for("staff.password"))
            target = safe_next(request.args.get("next"), default=url_for("staff.index"))
            return redirect(target if target.startswith("/staff/") else url_for("staff.index"))
    notice = ENDED if request.args.get("ended") else None
    return render_template(
        "staff/login.html", error=error, notice=notice, username=request.form.get("username", "")
    ), status


@bp.route("/password", methods=["GET", "POST"])
@_doc("修改密码（重置后首次登录必须修改）")
@staff_page
def password():
    error = None
    if request.method == "POST":
        new = request.form.get("new_password", "")
        try:
            if new != request.form.get("new_password_again", ""):
                raise ValidationError("PASSWORD_MISMATCH", "两次输入的新密码不一致")
            user = services().staff.change_own_password(g.actor.id, request.form.get("current_password", ""), new)
        except YimenError as exc:
            error = exc.message
        else:  # every session of hers ended with the change: this one starts afresh
            auth = services().auth
            auth.close_session(session.get("staff_session"))
            session["staff_session"] = auth.open_session(user)
            return redirect(url_for("staff.index"))
    with services().uow() as uow:
        forced = uow.staff.get_by_username(g.actor.id).must_change_password
    return render_template(
        "staff/password.html", actor=g.actor, error=error, forced=forced, rule=WEAK_MESSAGE.removeprefix("密码太简单：")
    ), (400 if error else 200)


@bp.post("/logout")
@_doc("退出登录")
def logout():
    services().auth.close_session(session.get("staff_session"))
    session.clear()
    return redirect(url_for("staff.login"))


@bp.get("/")
@_doc("工作台：本辖区的户")
@staff_page
def index():
    page = services().households.list_for(g.actor, cursor=request.args.get("cursor"))
    return render_template("staff/index.html", page=page, actor=g.actor)
