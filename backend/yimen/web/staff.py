"""Staff console (server-rendered; works on a township office PC): login and household files.
Workflow queues and case pages join here as the workflow grows."""

import functools
import secrets

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from ..domain.errors import NotAuthenticated, RateLimited
from ..services.households import HouseholdService
from .common import api_doc, safe_next, services

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _doc(summary: str):
    return api_doc(summary, auth="staff", tags=("staff-console",))


@bp.before_request
def _csrf():
    """Forms carry a per-session token so another site can't post as a logged-in clerk."""
    session.setdefault("csrf", secrets.token_urlsafe(16))
    if request.method == "POST" and request.form.get("csrf") != session["csrf"]:
        abort(400)


def staff_page(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            g.actor = services().extras["auth"].staff_from_session(session.get("staff_session"))
        except NotAuthenticated:  # never logged in, logged out, or the session ran out
            session.pop("staff_session", None)
            return redirect(url_for("staff.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


@bp.route("/login", methods=["GET", "POST"])
@api_doc("工作人员登录", tags=("staff-console",))
def login():
    error, status = None, 200
    if request.method == "POST":
        auth = services().extras["auth"]
        try:
            user = auth.staff_login(request.form.get("username", ""), request.form.get("password", ""),
                                    address=request.remote_addr or "-")
        except (NotAuthenticated, RateLimited) as exc:
            error, status = exc.message, exc.status
        else:
            session.clear()
            session["staff_session"] = auth.open_session(user)
            target = safe_next(request.args.get("next"), default=url_for("staff.index"))
            return redirect(target if target.startswith("/staff/") else url_for("staff.index"))
    return render_template("staff/login.html", error=error, username=request.form.get("username", "")), status


@bp.post("/logout")
@_doc("退出登录")
def logout():
    services().extras["auth"].close_session(session.get("staff_session"))
    session.clear()
    return redirect(url_for("staff.login"))


@bp.get("/")
@_doc("工作台：本辖区的户")
@staff_page
def index():
    page = HouseholdService(services()).list_for(g.actor, cursor=request.args.get("cursor"))
    return render_template("staff/index.html", page=page, actor=g.actor)
