"""自测 (H5): the eligibility self-check, one plain question per screen, answers kept in the session
until the result page; nothing is stored on the server."""

from dataclasses import dataclass

from flask import Blueprint, redirect, render_template, request, session

from yimen.domain.eligibility import DISABILITY_TYPES, DISASTERS, HOUSING, SCHOOLS
from yimen.domain.errors import ValidationError
from yimen.domain.money import parse_yuan, yuan
from yimen.domain.policy import catalogue
from yimen.entrypoints.web.common import api_doc, check_csrf
from yimen.services.policy.selfcheck import selfcheck_hints

bp = Blueprint("h5_selfcheck", __name__, url_prefix="/selfcheck")
bp.before_request(check_csrf)  # its forms carry csrf_token(); see common.check_csrf


@dataclass(frozen=True)
class Step:
    key: str
    question: str
    hint: str = ""
    per_member: bool = False  # one field per family member
    choices: tuple[str, ...] = ()
    kind: str = "number"  # number / yuan / choice / multi


STEPS = [
    Step("size", "您家一共几口人？", "户口本上和您一起生活的人，包括您自己。"),
    Step("ages", "家里每个人多大年纪？", "按周岁填写。", per_member=True),
    Step("disability", "家里有没有人有残疾证？", "没有就都选“没有”。", per_member=True, kind="disability"),
    Step(
        "no_work", "谁因为年老、生病或残疾，完全干不了活？", "可以多选；都能干活就不选。", per_member=True, kind="multi"
    ),
    Step("school", "谁正在上学？", "不上学的选“不上学”。", per_member=True, kind="school"),
    Step("income", "全家每个月大概能挣多少钱？", "打工、种地、养殖、退休金都算，单位：元。", kind="yuan"),
    Step("assets", "家里存款、理财加起来大概有多少钱？", "单位：元。没有就填 0。", kind="yuan"),
    Step("housing", "您家住的房子是什么情况？", kind="choice", choices=HOUSING),
    Step("medical", "今年看病，医保报销后自己掏了多少钱？", "单位：元。没有就填 0。", kind="yuan"),
    Step("disaster", "最近有没有遇到突发的难事？", kind="choice", choices=("没有", *DISASTERS)),
    Step("current", "现在已经在领哪些救助或补贴？", "可以多选；都没有就不选。", kind="current"),
]
KEYS = [s.key for s in STEPS]


def _doc(summary: str):
    return api_doc(summary, tags=("h5",))


def _answers() -> dict:
    return session.setdefault("selfcheck", {})


@bp.get("/")
@_doc("自测：开始")
def start():
    session["selfcheck"] = {}
    return render_template("h5/selfcheck_start.html", total=len(STEPS))


@bp.route("/<key>", methods=["GET", "POST"])
@_doc("自测：一屏一个问题")
def step(key: str):
    if key not in KEYS:
        return redirect("/selfcheck/")
    answers, current = _answers(), STEPS[KEYS.index(key)]
    if current.per_member and "size" not in answers:
        return redirect("/selfcheck/size")
    error, typed = None, dict(request.form)
    if request.method == "POST":
        try:
            answers[key] = _read(current, request.form, answers)
            session.modified = True
            following = KEYS.index(key) + 1
            return redirect(f"/selfcheck/{KEYS[following]}" if following < len(KEYS) else "/selfcheck/result")
        except ValidationError as exc:
            error = exc.message
    return render_template(
        "h5/selfcheck_step.html",
        step=current,
        number=KEYS.index(key) + 1,
        total=len(STEPS),
        members=_members(answers),
        typed=typed,
        saved=answers.get(key),
        error=error,
        prefill=_prefill(current, answers.get(key)),
        back=KEYS[KEYS.index(key) - 1] if KEYS.index(key) else None,
        schools=SCHOOLS,
        disability_types=DISABILITY_TYPES,
        items=_item_names(),
    )


def _prefill(step: Step, saved) -> str:
    """What a single-value field shows when the user comes back to it."""
    if saved is None:
        return ""
    return yuan(saved) if step.kind == "yuan" else str(saved)


def _members(answers: dict) -> list[str]:
    ages = answers.get("ages") or []
    labels = []
    for i in range(answers.get("size", 0)):
        who = "您本人（户主）" if i == 0 else f"第 {i + 1} 位家人"
        labels.append(f"{who}，{ages[i]} 岁" if i < len(ages) else who)
    return labels


def _item_names() -> list[tuple[str, str]]:
    return [(item.code, item.name) for item in catalogue().items.values()]


def _number(text: str, label: str, low: int, high: int) -> int:
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise ValidationError("BAD_ANSWER", f"{label}请填 {low} 到 {high} 之间的整数")
    return int(text)


def _read(step: Step, form, answers: dict):
    """Turn one screen's form into a value; a wrong answer raises with a plain message."""
    size = answers.get("size", 0)
    if step.key == "size":
        return _number(form.get("value", ""), "人数", 1, 20)
    if step.key == "ages":
        return [_number(form.get(f"m{i}", ""), f"第 {i + 1} 位的年龄", 0, 120) for i in range(size)]
    if step.kind == "disability":
        return [_disability(form, i) for i in range(size)]
    if step.kind == "multi":
        return [form.get(f"m{i}") == "1" for i in range(size)]
    if step.kind == "school":
        return [form.get(f"m{i}") if form.get(f"m{i}") in SCHOOLS else None for i in range(size)]
    if step.kind == "yuan":
        text = form.get("value", "").strip()
        if not text:
            raise ValidationError("BAD_ANSWER", "请填写金额，没有就填 0")
        fen = parse_yuan(text)
        if fen < 0:
            raise ValidationError("BAD_ANSWER", "金额不能是负数")
        return fen
    if step.kind == "choice":
        if form.get("value") not in step.choices:
            raise ValidationError("BAD_ANSWER", "请选一项")
        return form["value"]
    return [code for code in form.getlist("value") if catalogue().get(code)]


def _disability(form, i: int) -> list | None:
    kind = form.get(f"type{i}") or ""
    if kind not in DISABILITY_TYPES:
        return None
    grade = form.get(f"grade{i}", "")
    if grade not in ("1", "2", "3", "4"):
        raise ValidationError("BAD_ANSWER", f"请选择第 {i + 1} 位的残疾等级")
    return [kind, int(grade)]


@bp.get("/result")
@_doc("自测：结果（原因、材料、到哪里办）")
def result():
    answers = _answers()
    missing = next((k for k in ("size", "ages") if k not in answers), None)
    if missing:
        return redirect(f"/selfcheck/{missing}")
    return render_template("h5/selfcheck_result.html", result=selfcheck_hints(answers))
