"""Policy JSON API: the catalogue, eligibility hints (智能研判) and the policy Q&A. All public."""

from flask import Blueprint, jsonify, request

from yimen.domain.eligibility import hints_payload, profile_from_dict
from yimen.domain.errors import NotFound, ValidationError
from yimen.domain.policy import Item, catalogue
from yimen.entrypoints.web.common import api_doc, json_body, rate_limit, require_fields, services

bp = Blueprint("api_policy", __name__, url_prefix="/api/v1")

MAX_QUESTION = 200
ASK_PER_MINUTE = 20


def item_json(item: Item, region_code: str = "", full: bool = False) -> dict:
    out = {
        "code": item.code,
        "name": item.name,
        "short_name": item.short_name,
        "category": item.category,
        "summary": item.summary,
        "department": item.department,
        "url": item.url,
        "time_limit_days": item.time_limit_days,
    }
    if full:
        out.update(
            basis=list(item.basis),
            conditions=list(item.conditions),
            rules=[{"id": r.id, "text": r.text, "level": r.level} for r in item.rules],
            materials=list(item.materials),
            process=list(item.process),
            standards=[
                {"label": s.label, "fen": s.fen, "text": s.text(), "demo": s.demo, "source": s.source}
                for s in item.standard_lines(region_code)
            ],
            place=item.place,
            not_with=[{"item_code": c, "reason": r} for c, r in item.not_with.items()],
            stacks_with=list(item.stacks_with),
            reviewed=item.reviewed.isoformat(),
        )
    return out


@bp.get("/policy/items")
@api_doc("救助事项清单（政策发布清单）", tags=("policy",))
def list_items():
    return jsonify(items=[item_json(i) for i in catalogue().items.values()])


@bp.get("/policy/items/<code>")
@api_doc("单个救助事项：依据、条件、材料、流程、标准（可按 ?region= 区划代码）、时限、部门", tags=("policy",))
def get_item(code: str):
    item = catalogue().get(code)
    if item is None:
        raise NotFound("ITEM_NOT_FOUND", "没有这个救助事项")
    # ?region=<区划代码> shows that region's published standards where the catalogue has them
    return jsonify(item_json(item, request.args.get("region", "")[:12], full=True))


@bp.post("/eligibility/hints")
@api_doc(
    "智能研判：填写家庭情况，提示可能符合的救助（不保存任何信息）",
    body={"members": "array", "region_code": "string", "current_aid": "array"},
    tags=("policy",),
)
@rate_limit("eligibility", 60)
def eligibility_hints():
    return jsonify(hints_payload(profile_from_dict(json_body())))


@bp.post("/policy/ask")
@api_doc("政策问答：用大白话提问，返回简短回答和事项链接", body={"question": "string"}, tags=("policy",))
@rate_limit("policy_ask", ASK_PER_MINUTE)
def ask():
    body = json_body()
    require_fields(body, question=str)
    question = body["question"].strip()
    if not question or len(question) > MAX_QUESTION:
        raise ValidationError("BAD_QUESTION", f"请用 1-{MAX_QUESTION} 个字描述您的问题")
    return jsonify(services().policy_qa.ask(question).to_dict())
