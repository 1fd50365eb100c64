"""幸福清单 on the web: the page a 幸福码 opens, the owner's own lists, QR images, and the staff
action that replaces a household's code."""

from dataclasses import asdict

from flask import Blueprint, Response, abort, g, jsonify, render_template, request, session, url_for

from yimen.domain.errors import NotAuthenticated, NotFound, RateLimited
from yimen.domain.happiness import HappinessList, Quarter
from yimen.entrypoints.web.common import api_doc, current_actor, login_required, services
from yimen.entrypoints.web.staff import staff_page

bp = Blueprint("happiness", __name__)
PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",  # the owner's page is unmasked: no shared caches
    "Referrer-Policy": "no-referrer",  # the token is in the URL: don't hand it to other sites
    "X-Robots-Tag": "noindex",
}


def _limit() -> None:
    """Scans per client: plenty for a family, useless for guessing 144-bit tokens."""
    limit = services().config.happiness_rate_limit
    services().rate_limiter.check("happiness", request.remote_addr or "-", limit, 60)


def _optional_actor():
    try:
        return current_actor()
    except NotAuthenticated:  # an expired login still gets the public (masked) page
        return None


def _with_yuan(item) -> dict:
    doc = {**asdict(item), "amount_yuan": item.amount_yuan}
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in doc.items()}


def view_document(view: HappinessList) -> dict:
    """JSON shape of a list: amounts both in fen (for programs) and yuan (for display)."""
    return {
        **asdict(view),
        "records": [_with_yuan(r) for r in view.records],
        "year_totals": [_with_yuan(t) for t in view.year_totals],
        "quarter_totals": [_with_yuan(t) for t in view.quarter_totals],
        "grand_total": _with_yuan(view.grand_total),
        "masked": view.masked,
    }


@bp.get("/h/<token>")
@api_doc("幸福码打开的幸福清单页（本人登录可见完整信息，其他人看到脱敏信息）", tags=("happiness",))
def page(token: str):
    try:
        _limit()
        view = services().happiness.by_token(token, _optional_actor())
    except (NotFound, RateLimited) as exc:
        # Unknown and revoked codes render the very same page: a scan can't tell which it was.
        body = render_template("happiness/unavailable.html", message=exc.message)
        return Response(body, status=exc.status, headers=PRIVATE_HEADERS)
    return Response(render_template("happiness/list.html", view=view), headers=PRIVATE_HEADERS)


@bp.get("/api/v1/happiness/mine")
@api_doc("我的幸福清单（微信登录的户主本人，完整信息）", auth="citizen", tags=("happiness",))
@login_required("citizen")
def mine():
    lists = services().happiness.mine(g.actor)
    body = [
        {"url": url, "qr_png": url_for("happiness.qr", token=_token_of(url)), "list": view_document(v)}
        for v, url in lists
    ]
    response = jsonify(lists=body)
    response.headers.update(PRIVATE_HEADERS)
    return response


@bp.get("/api/v1/happiness/<token>/qr.png")
@api_doc("幸福码图片（PNG）", tags=("happiness",))
def qr(token: str):
    _limit()
    return Response(services().happiness.qr_for_token(token), mimetype="image/png", headers=PRIVATE_HEADERS)


@bp.post("/staff/households/<household_id>/happiness-token/rotate")
@api_doc("更换幸福码（旧码立即失效）", auth="staff", tags=("staff-console", "happiness"))
@staff_page
def rotate(household_id: str):
    if not session.get("csrf") or request.form.get("csrf") != session["csrf"]:
        abort(400)
    url = services().happiness.rotate(g.actor, household_id)
    return render_template(
        "happiness/rotated.html",
        url=url,
        household_id=household_id,
        actor=g.actor,
        qr_src=url_for("happiness.qr", token=_token_of(url)),
    )


@bp.get("/staff/happiness/printing")
@api_doc("本季度幸福清单打印进度（按乡镇，可选 quarter=2026Q4）", auth="staff", tags=("staff-console", "happiness"))
@staff_page
def printing():
    from yimen.services.happiness.batch import printing_progress  # reportlab: only on this page

    wanted = request.args.get("quarter")  # a malformed one is a 400 BAD_QUARTER in plain Chinese
    quarter = Quarter.parse(wanted) if wanted else Quarter.of(services().clock.today())
    rows = printing_progress(g.actor, quarter, uow=services().uow)
    return render_template("staff/happiness_printing.html", rows=rows, quarter=quarter, actor=g.actor)


@bp.get("/staff/households/<household_id>/happiness.pdf")
@api_doc("补打本季度幸福清单（PDF，红纸版式）", auth="staff", tags=("staff-console", "happiness"))
@staff_page
def sheet(household_id: str):
    pdf = services().happiness.sheet_pdf(g.actor, household_id)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={**PRIVATE_HEADERS, "Content-Disposition": f'inline; filename="happiness-{household_id}.pdf"'},
    )


def _token_of(url: str) -> str:
    return url.rsplit("/", 1)[-1]
