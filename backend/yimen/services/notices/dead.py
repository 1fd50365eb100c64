"""Dead notices (投递失败的通知): notices given up after their last try, listed for staff with the
recipient masked, and put back to be sent again once the cause is fixed (e.g. the SMS provider was
down for a day). Behind the JobLeases port: the outbox's dead jobs locally, the notices DLQ in the
serverless path. A requeued notice keeps its dedupe key and the worker skips a dedupe key it has
delivered before, so a requeue never tells anybody the same thing twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from yimen.domain.masking import mask_name, mask_openid, mask_phone
from yimen.domain.model import Actor, AuditEvent
from yimen.domain.permissions import Action, require
from yimen.domain.workdays import CHINA
from yimen.ports import Clock, DeadJob, UnitOfWork
from yimen.services.notices.outbox import NOTICE_JOB, render

CLI_ACTOR = "system:cli"


@dataclass(frozen=True)
class DeadNotice:
    id: str  # what requeue takes
    event: str
    title: str
    recipient: str  # masked: never a full phone number or openid
    error: str
    attempts: int
    at: datetime | None  # when it last failed, China time


def dead_notices(limit: int = 50, *, uow: Callable[[], UnitOfWork]) -> list[DeadNotice]:
    """The longest-dead first."""
    with uow() as unit:
        views = [_view(unit, dead) for dead in unit.job_leases.list_dead(NOTICE_JOB, limit)]
    return sorted(views, key=lambda v: (v.at is None, v.at.timestamp() if v.at else 0))


def requeue(
    who: str, job_id: str | None = None, kind: str = NOTICE_JOB, *, uow: Callable[[], UnitOfWork], clock: Clock
) -> int:
    """Put one dead job (job_id) or all dead jobs of a kind back to be sent now; audited when any moved."""
    now = clock.now()
    with uow() as unit:
        count = unit.job_leases.requeue_dead(kind, now, job_id)
        if count:
            unit.audit.append(
                AuditEvent(
                    actor=who,
                    object_type="job",
                    object_id=job_id or kind,
                    action="requeue_dead",
                    at=now,
                    from_state="dead",
                    to_state="pending",
                    phrase="重新投递",
                    reason=f"{count} 条",
                )
            )
    return count


def dead_notices_for(actor: Actor, limit: int = 50, *, uow: Callable[[], UnitOfWork]) -> list[DeadNotice]:
    require(actor, Action.NOTICES_DEAD)
    return dead_notices(limit, uow=uow)


def requeue_for(actor: Actor, job_id: str | None = None, *, uow: Callable[[], UnitOfWork], clock: Clock) -> int:
    require(actor, Action.NOTICES_DEAD)
    return requeue(actor.label, job_id, uow=uow, clock=clock)


def _view(uow, dead: DeadJob) -> DeadNotice:
    payload = dead.job.payload
    return DeadNotice(
        id=dead.job.id,
        event=str(payload.get("event", "")),
        title=_title(payload),
        recipient=_recipient(uow, payload),
        error=dead.error or "",
        attempts=dead.job.attempts,
        at=dead.at.astimezone(CHINA) if dead.at else None,
    )


def _title(payload: dict) -> str:
    try:
        return render(payload["event"], payload["data"]).title
    except (KeyError, TypeError, ValueError):  # a malformed notice is dead for that very reason
        return "无法识别的通知"


def _recipient(uow, payload: dict) -> str:
    if payload.get("role"):
        return f"{payload['role']}岗位（辖区 {payload.get('area_code') or ''}）"
    household = uow.households.get(payload["household_id"]) if payload.get("household_id") else None
    if household is not None:
        phone = f"，手机 {mask_phone(household.phone)}" if household.phone else ""
        return f"{mask_name(household.head.name)} 户{phone}"
    if payload.get("openid"):
        return f"微信用户 {mask_openid(payload['openid'])}"
    return "（收件人不明）"
