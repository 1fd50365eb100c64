"""The citizen's JSON shape of an application and its timeline (never the clerk's personal details)."""

from __future__ import annotations

from datetime import date

from yimen.domain import workdays
from yimen.domain.workflow import RETURN, Application, Stage
from yimen.services.applications.consequences import time_limits

STEP_WORDS = {
    "submitted": "提交申请",
    "decided": "办理",
    "item_decided": "审批",
    "corrected": "补正后重新提交",
    "withdrawn": "撤回申请",
    "green_channel": "开通绿色通道（先救助、后补办）",
    "proposed": "工作人员建议增加救助事项",
}


def timeline(app: Application) -> list[dict]:
    """What the applicant sees: each stage with its date and phrase, never the clerk's personal details."""
    names = {i.code: i.name for i in app.items}
    return [
        {
            "stage": s.stage.value,
            "action": STEP_WORDS.get(s.action, s.action),
            "at": s.at.isoformat(),
            "phrase": s.phrase,
            "reason": s.reason,
            "item": names.get(s.item_code) if s.item_code else None,
        }
        for s in app.history
    ]


def _correction_reason(app: Application) -> str | None:
    """What the clerk asked to fix: the reason of the 退回补正 that sent the case back."""
    if app.stage != Stage.CORRECTION:
        return None
    return next((s.reason for s in reversed(app.history) if s.phrase == RETURN), None)


def application_view(
    app: Application, today: date, warn_days: int = workdays.DEFAULT_WARN_DAYS, *, resident: dict | None = None
) -> dict:
    """The citizen's JSON shape of an application; `resident` (masked) is shown to the assistant who applied."""
    return {
        "id": app.id,
        "stage": app.stage.value,
        "open": app.open,
        "submitted_at": app.submitted_at.isoformat(),
        "due_on": app.due_on.isoformat() if app.due_on else None,
        "due_approximate": app.due_approximate,
        "deadline_level": workdays.level(today, app.due_on, warn_days),
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "department": i.department,
                "decision": i.decision,
                "reason": i.reason,
                "amount_fen": i.amount_fen,
                "monthly": i.monthly,
                "proposed": bool(i.proposed_by),
            }
            for i in app.items
        ],
        "assistant": None
        if not app.assistant
        else {
            "name": app.assistant.name,
            "authorisation_signed_on": app.assistant.signed_on.isoformat(),
            "revoked": bool(app.assistant.revoked_at),
            "resident": resident,
        },
        "green_channel": None
        if not app.green
        else {
            "amount_fen": app.green.amount_fen,
            "paperwork_due": app.green.paperwork_due.isoformat(),
            "paperwork_status": "手续待补办" if app.green.pending else "手续已补齐",
        },
        "correction_requested": app.stage == Stage.CORRECTION,
        "correction_reason": _correction_reason(app),
        "time_limits": time_limits((i.code, i.name) for i in app.items),
        "timeline": timeline(app),
    }
