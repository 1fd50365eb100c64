"""Staff console (server-rendered; works on a township office PC): login and household files.
Workflow queues and case pages join here as the workflow grows."""

import functools
import secrets

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from ..domain.errors import NotAuthenticated
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
        if not session.get("staff"):
            return redirect(url_for("staff.login", next=request.path))
        g.actor = services().extras["auth"].staff_actor(session["staff"])
        return view(*args, **kwargs)

    return wrapper


@bp.route("/login", methods=["GET", "POST"])
@api_doc("工作人员登录", tags=("staff-console",))
def login():
    error = None
    if request.method == "POST":
        try:
            user = services().extras["auth"].staff_login(request.form.get("username", ""),
                                                         request.form.get("password", ""))
        except NotAuthenticated as exc:
            error = exc.message
        else:
            session.clear()
            session["staff"] = user.username
            target = safe_next(request.args.get("next"), default=url_for("staff.index"))
            return redirect(target if target.startswith("/staff/") else url_for("staff.index"))
    return render_template("staff/login.html", error=error, username=request.form.get("username", "")), (
        401 if error else 200)


@bp.post("/logout")
@_doc("退出登录")
def logout():
    session.clear()
    return redirect(url_for("staff.login"))


@bp.get("/")
@_doc("工作台：本辖区的户")
@staff_page
def index():
    page = HouseholdService(services()).list_for(g.actor, cursor=request.args.get("cursor"))
    return render_template("staff/index.html", page=page, actor=g.actor)
