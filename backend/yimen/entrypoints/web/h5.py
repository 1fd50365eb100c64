"""H5 citizen pages (server-rendered, no build step; work in WeChat's in-app browser)."""

import functools
import secrets
from urllib.parse import quote

from flask import Blueprint, abort, redirect, render_template, request, session

from yimen.domain.policy import catalogue
from yimen.entrypoints.web.common import api_doc, check_csrf, safe_next, services

bp = Blueprint("h5", __name__)
bp.before_request(check_csrf)  # its forms carry csrf_token(); see common.check_csrf


def _doc(summary: str):
    return api_doc(summary, tags=("h5",))


def citizen_page(view):
    """H5 pages that need to know who is asking send the user through WeChat web OAuth first."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not session.get("citizen_token"):
            return redirect("/login?next=" + quote(request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


@bp.get("/")
@_doc("首页：一门能帮您办什么")
def home():
    return render_template("h5/home.html")


@bp.get("/login")
@_doc("微信网页授权登录（本地为模拟）")
def login():
    state = secrets.token_urlsafe(12)
    session["oauth_state"] = state
    session["after_login"] = safe_next(request.args.get("next"))
    callback = services().config.public_base_url.rstrip("/") + "/oauth/callback"
    return redirect(services().wechat.web_authorize_url(callback, state))


@bp.get("/oauth/callback")
@_doc("微信网页授权回调")
def oauth_callback():
    if not request.args.get("state") or request.args["state"] != session.pop("oauth_state", None):
        abort(400)
    result = services().auth.web_login(request.args.get("code", ""))
    session["citizen_token"] = result["token"]
    return redirect(safe_next(session.pop("after_login", "/")))


@bp.route("/ask", methods=["GET", "POST"])
@_doc("问政策：像聊天一样提问（本页会话内保留最近 10 条）")
def ask():
    chat = session.get("chat", [])
    question = request.form.get("question", "").strip()[:200] if request.method == "POST" else ""
    if question:
        services().rate_limiter.check("policy-ask", request.remote_addr or "-", 30, 60)
        answer = services().policy_qa.ask(question)
        chat = [*chat, {"q": question, "a": answer.body, "pages": _cited_pages(answer.links)}][-10:]
        session["chat"] = chat
    return render_template("h5/ask.html", chat=chat)


def _cited_pages(links: list[str]) -> list[dict]:
    """The pages an answer cites, each with a caption: an item's page by its name."""
    items = catalogue().items
    pages = []
    for link in links:
        item = items.get(link.removeprefix("/policy/")) if link.startswith("/policy/") else None
        title = f"看“{item.name}”完整政策" if item else ("看全部政策清单" if link == "/policy" else "查看详情")
        pages.append({"url": link, "title": title})
    return pages
