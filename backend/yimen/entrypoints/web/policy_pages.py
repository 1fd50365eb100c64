"""Public H5 policy pages: the list by category, one page per item, and search with a plain answer."""

from flask import Blueprint, abort, render_template, request

from yimen.domain.policy import catalogue
from yimen.entrypoints.web.common import api_doc, services
from yimen.services.policy.catalogue import combinations, published_standards

bp = Blueprint("policy_pages", __name__)


@bp.get("/policy")
@api_doc("政策清单（按类别）", tags=("h5",))
def index():
    cat = catalogue()
    return render_template("policy/index.html", groups=cat.by_category(), region=cat.region(""))


@bp.get("/policy/search")
@api_doc("搜索政策并给出简短回答", tags=("h5",))
def search():
    query = request.args.get("q", "").strip()[:200]
    answer = items = None
    if query:
        qa = services().policy_qa
        answer, items = qa.ask(query), qa.search(query)
    return render_template(
        "policy/search.html", query=query, answer=answer, items=items or [], region=catalogue().region("")
    )


@bp.get("/policy/<code>")
@api_doc("救助事项详情页", tags=("h5",))
def item_page(code: str):
    cat = catalogue()
    item = cat.get(code)
    if item is None:
        abort(404)
    return render_template(
        "policy/item.html",
        item=item,
        standards=published_standards(cat, item),
        combos=combinations(cat, item),
        region=cat.region(""),
    )
