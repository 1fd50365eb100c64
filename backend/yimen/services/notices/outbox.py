"""Notices: written into the outbox (uow.jobs) in the same transaction as the change that causes
them, delivered later by services/notices/worker.py. Rendering lives here so every channel says the
same thing in the same plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yimen.domain.money import yuan
from yimen.ports import Job

NOTICE_JOB = "notice"

REVIEW_HINT = "如有异议，可自收到通知之日起60日内向县人民政府申请行政复议，或6个月内向人民法院提起行政诉讼。"

# event -> keys the caller must put in `data` (notify refuses a notice that lacks one).
EVENTS: dict[str, tuple[str, ...]] = {
    "application_received": ("item_name", "application_no", "received_on"),  # optional: time_limits
    "needs_correction": ("item_name", "application_no", "missing", "deadline"),
    "accepted": ("item_name", "application_no", "accepted_on"),
    "rejected": ("item_name", "application_no", "reason"),
    "approved": ("item_name", "application_no", "amount_fen", "monthly"),  # optional: account_masked
    "not_approved": ("item_name", "application_no", "reason"),  # optional: review_hint
    "paid": ("item_name", "amount_fen", "paid_on", "bank_card_masked"),  # optional: period (YYYY-MM)
    "overdue": ("item_name", "application_no", "stage", "days_overdue"),  # to staff; optional: due_on
    "payment_failed": ("item_name", "name_masked", "amount_fen", "reason", "batch_id"),  # to the centre
    "payee_changed": ("account_masked", "bank_name", "changed_on"),
    "warning_raised": ("kind", "level", "village", "due_on"),  # to the township window (预警)
    "complaint_answered": ("complaint_no", "reply", "answered_on"),  # to the person who complained
}
HOW_TO_GIVE_ACCOUNT = (
    "请带户主或家庭成员本人的身份证和一卡通（或本人名下的银行卡）"
    "到乡镇（街道）社会救助窗口登记收款账户，登记后即可发放。"
)

# WeChat's per-type limits on subscribe-message values (characters). The imitation keeps its own
# copy on purpose: it checks what we send independently of the code that cuts it.
SUBSCRIBE_LIMITS = {
    "thing": 20,
    "name": 10,
    "phrase": 5,
    "character_string": 32,
    "amount": 20,
    "date": 30,
    "time": 30,
    "number": 32,
    "phone_number": 17,
    "car_number": 8,
    "letter": 32,
    "symbol": 5,
}


def notify(
    uow,
    event: str,
    *,
    household_id: str | None = None,
    openid: str | None = None,
    role: str | None = None,
    area_code: str | None = None,
    cadre_of: str | None = None,
    data: dict,
    dedupe_key: str,
) -> None:
    """Queue one notice. Citizens are addressed by household (WeChat and phone looked up at delivery)
    or openid; staff by role and area; a household's 帮扶干部 (by SMS to the phone on its file) by
    `cadre_of`. The same dedupe_key is queued only once, ever."""
    if event not in EVENTS:
        raise ValueError(f"unknown notice event {event!r}")
    missing = [key for key in EVENTS[event] if key not in data]
    if missing:
        raise ValueError(f"notice {event} needs {missing}")
    if not (household_id or openid or role or cadre_of):
        raise ValueError("a notice needs a recipient")
    if role and not area_code:
        raise ValueError("a staff notice needs the area it concerns")  # the inbox is per role and area
    payload = {
        "event": event,
        "household_id": household_id,
        "openid": openid,
        "role": role,
        "area_code": area_code,
        "cadre_of": cadre_of,
        "data": data,
    }
    uow.jobs.enqueue(Job(kind=NOTICE_JOB, payload=payload, dedupe_key=f"notice:{dedupe_key}"))


@dataclass(frozen=True)
class Rendered:
    """One notice in words: `text` for SMS and inboxes, `fields` (WeChat key, value) for messages."""

    event: str
    title: str
    text: str
    fields: tuple[tuple[str, str], ...]
    page: str = "pages/home/index"  # pages of miniprogram/app.json

    def subscribe_data(self) -> dict:
        return {key: {"value": fit(key, value)} for key, value in self.fields}

    def template_data(self) -> dict:
        """Official-account template: first / keyword1..n / remark, values uncut."""
        data = {"first": {"value": self.title}}
        data.update({f"keyword{n}": {"value": value} for n, (_, value) in enumerate(self.fields, start=1)})
        data["remark"] = {"value": self.text}
        return data


def fit(key: str, value: str) -> str:
    """Cut a value to its field type's limit; WeChat rejects the whole message otherwise."""
    limit = SUBSCRIBE_LIMITS.get(key.rstrip("0123456789"))
    value = str(value).strip() or "无"
    if limit is None or len(value) <= limit:
        return value
    if key.startswith(("character_string", "number", "letter", "symbol", "phrase")):
        return value[:limit]  # these types take no ellipsis character
    return value[: limit - 1] + "…"


def cn_date(iso: str) -> str:
    day = date.fromisoformat(str(iso)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def money(fen: int) -> str:
    return f"{yuan(int(fen))}元"


def render(event: str, data: dict) -> Rendered:
    return _RENDERERS[event](data)


def _case_page(d: dict) -> str:
    """The mini-program page a citizen's notice opens: that application's timeline."""
    return f"pages/application/index?id={d['application_no']}"


def _received(d: dict) -> Rendered:
    """The limits are the applied items' own (低保 30 working days), as the catalogue gives them."""
    limits = d.get("time_limits") or []
    said = "、".join(f"{x['item_name']}{x['days']}个工作日" for x in limits)
    promise = (
        f"办理时限：{said}（从受理之日算，节假日不算），每一步都会通知您。" if limits else "每办完一步都会通知您。"
    )
    longest = max((x["days"] for x in limits), default=None)
    return Rendered(
        "application_received",
        "申请已收到",
        f"您提交的{d['item_name']}申请（编号{d['application_no']}）已于{cn_date(d['received_on'])}收到。{promise}",
        (
            ("thing1", d["item_name"]),
            ("character_string2", d["application_no"]),
            ("date3", cn_date(d["received_on"])),
            ("thing4", f"已收到，{longest}个工作日内办结" if longest else "已收到申请，请留意通知"),
        ),
        _case_page(d),
    )


def _correction(d: dict) -> Rendered:
    return Rendered(
        "needs_correction",
        "申请需要补充材料",
        f"您的{d['item_name']}申请（编号{d['application_no']}）还需要补充：{d['missing']}。"
        f"请在{cn_date(d['deadline'])}前通过小程序或到乡镇便民服务中心补交。",
        (
            ("thing1", d["item_name"]),
            ("thing2", f"需补充：{d['missing']}"),
            ("date3", cn_date(d["deadline"])),
            ("thing4", "请在截止日期前补交材料"),
        ),
        _case_page(d),
    )


def _accepted(d: dict) -> Rendered:
    return Rendered(
        "accepted",
        "申请已受理",
        f"您的{d['item_name']}申请（编号{d['application_no']}）已于{cn_date(d['accepted_on'])}受理，"
        "工作人员正在核查，请留意后续通知。",
        (
            ("thing1", d["item_name"]),
            ("phrase2", "已受理"),
            ("date3", cn_date(d["accepted_on"])),
            ("thing4", "正在核查，请留意后续通知"),
        ),
        _case_page(d),
    )


def _rejected(d: dict) -> Rendered:
    return Rendered(
        "rejected",
        "申请不予受理",
        f"您的{d['item_name']}申请（编号{d['application_no']}）不予受理，原因：{d['reason']}。"
        "如有疑问，请联系乡镇民政办。",
        (("thing1", d["item_name"]), ("phrase2", "不予受理"), ("thing3", d["reason"])),
        _case_page(d),
    )


def _approved(d: dict) -> Rendered:
    amount = money(d["amount_fen"]) + ("/月" if d["monthly"] else "")
    account = d.get("account_masked")
    where = (
        f"资金将打入您登记的收款账户{account}。"
        if account
        else f"您家还没有登记收款账户，钱暂时发不出去。{HOW_TO_GIVE_ACCOUNT}"
    )
    return Rendered(
        "approved",
        "救助申请已批准",
        f"您的{d['item_name']}申请（编号{d['application_no']}）已审批通过，救助金额{amount}，{where}",
        (
            ("thing1", d["item_name"]),
            ("phrase2", "审批通过"),
            ("amount3", amount),
            ("thing4", f"打入尾号{account[-4:]}的账户" if account else "请到窗口登记收款账户"),
        ),
        _case_page(d),
    )


def _payee_changed(d: dict) -> Rendered:
    return Rendered(
        "payee_changed",
        "收款账户已变更",
        f"您家的救助金收款账户已于{cn_date(d['changed_on'])}变更为{d['bank_name']}{d['account_masked']}。"
        "如果不是您家办理的，请马上联系乡镇（街道）社会救助窗口，或在“一门”在线举报。",
        (
            ("thing1", "收款账户已变更"),
            ("thing2", f"尾号{d['account_masked'][-4:]}"),
            ("date3", cn_date(d["changed_on"])),
            ("thing4", "不是本人办理请马上联系窗口"),
        ),
        "pages/my-applications/index",
    )


def _not_approved(d: dict) -> Rendered:
    hint = d.get("review_hint") or REVIEW_HINT
    return Rendered(
        "not_approved",
        "救助申请未获批准",
        f"您的{d['item_name']}申请（编号{d['application_no']}）未获批准，原因：{d['reason']}。{hint}",
        (
            ("thing1", d["item_name"]),
            ("phrase2", "未通过"),
            ("thing3", d["reason"]),
            ("thing4", "如有异议可申请行政复议"),
        ),
        _case_page(d),
    )


def _paid(d: dict) -> Rendered:
    card = d["bank_card_masked"][-4:]
    # monthly aid: say which month, or two months' notices look like one sent twice
    item = d["item_name"] + (f"（{int(d['period'][:4])}年{int(d['period'][5:7])}月）" if d.get("period") else "")
    return Rendered(
        "paid",
        "救助金已拨付",
        f"您的{item}救助金{money(d['amount_fen'])}已于{cn_date(d['paid_on'])}打入您尾号{card}的银行卡，请注意查收。",
        (
            ("thing1", item),
            ("amount2", money(d["amount_fen"])),
            ("date3", cn_date(d["paid_on"])),
            ("thing4", f"已打入尾号{card}的银行卡"),
        ),
        "pages/happiness/index",
    )


def _overdue(d: dict) -> Rendered:
    late = int(d["days_overdue"])
    due = f"（时限{cn_date(d['due_on'])}）" if d.get("due_on") else ""
    state = f"已超期{late}个工作日" if late > 0 else f"即将到期{due}"
    return Rendered(
        "overdue",
        "办理超期提醒" if late > 0 else "办理时限提醒",
        f"{d['item_name']}申请（编号{d['application_no']}）在“{d['stage']}”环节{state}，请尽快办理。",
        (
            ("thing1", d["item_name"]),
            ("character_string2", d["application_no"]),
            ("thing3", d["stage"]),
            ("number4", str(late)),
        ),
    )


def _payment_failed(d: dict) -> Rendered:
    return Rendered(
        "payment_failed",
        "银行代发失败",
        f"批次{d['batch_id']}中{d['name_masked']}的{d['item_name']}{money(d['amount_fen'])}代发失败"
        f"（{d['reason']}），拨付单已退回救助中心，请核实后重新审核。",
        (
            ("thing1", d["item_name"]),
            ("name2", d["name_masked"]),
            ("amount3", money(d["amount_fen"])),
            ("thing4", d["reason"]),
        ),
    )


def _warning(d: dict) -> Rendered:
    level = {"red": "红色预警", "yellow": "黄色预警"}.get(d["level"], "提醒")
    return Rendered(
        "warning_raised",
        f"救助{level}",
        f"{d['village']}一户{d['kind']}（{level}），请在{cn_date(d['due_on'])}前入户核实，结果在“主动发现”待办里登记。",
        (("thing1", d["kind"]), ("thing2", d["village"]), ("thing3", level), ("date4", cn_date(d["due_on"]))),
    )


def _complaint_answered(d: dict) -> Rendered:
    return Rendered(
        "complaint_answered",
        "您反映的问题有答复了",
        f"您反映的问题（受理编号{d['complaint_no']}）已于{cn_date(d['answered_on'])}答复：{d['reply']}",
        (("character_string1", d["complaint_no"]), ("thing2", d["reply"]), ("date3", cn_date(d["answered_on"]))),
    )


_RENDERERS = {
    "application_received": _received,
    "needs_correction": _correction,
    "accepted": _accepted,
    "rejected": _rejected,
    "approved": _approved,
    "not_approved": _not_approved,
    "paid": _paid,
    "overdue": _overdue,
    "payment_failed": _payment_failed,
    "payee_changed": _payee_changed,
    "warning_raised": _warning,
    "complaint_answered": _complaint_answered,
}
