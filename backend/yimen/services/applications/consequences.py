"""What follows from an application's events: the applicant's notices, the ID-photo read, the deadline
warnings, the reply to a complaint. Listed in services/messagebus.py; each runs in the unit of work of the change."""

from __future__ import annotations

from collections.abc import Iterable

from yimen.domain import workdays
from yimen.domain.events import (
    AidGranted,
    AidRefused,
    ApplicationAccepted,
    ApplicationEvent,
    ApplicationRejected,
    ApplicationSubmitted,
    ComplaintAnswered,
    DeadlineWarned,
    ReturnedForCorrection,
)
from yimen.domain.model import AuditEvent, Role
from yimen.domain.policy import catalogue
from yimen.ports import Job, UnitOfWork
from yimen.services.funds.slips import usable_account
from yimen.services.notices.outbox import notify

OCR_JOB = "ocr"  # outbox kind: the submitted ID photo waits for the OCR worker, not the request
REVIEW_HINT = "如有异议，可自收到决定之日起60日内申请行政复议，或向县社会救助服务中心反映。"


def time_limits(items: Iterable[tuple[str, str]]) -> list[dict]:
    """Each applied item's (code, name) statutory limit in working days, from the catalogue (低保: 30)."""
    found = [(name, catalogue().get(code)) for code, name in items]
    return [{"item_name": name, "days": item.time_limit_days} for name, item in found if item]


def tell_applicant(uow: UnitOfWork, event: ApplicationEvent, notice: str, key: str | None = None, **data) -> None:
    notify(
        uow,
        notice,
        household_id=event.household_id,
        openid=event.applicant_openid,
        data={"item_name": event.item_names, "application_no": event.application_id, **data},
        dedupe_key=f"{notice}:{key or event.application_id}",
    )


def queue_id_photo_check(submitted: ApplicationSubmitted, uow: UnitOfWork) -> None:
    if submitted.id_photo:
        uow.jobs.enqueue(
            Job(OCR_JOB, {"application_id": submitted.application_id}, dedupe_key=f"ocr:{submitted.application_id}")
        )


def tell_received(submitted: ApplicationSubmitted, uow: UnitOfWork) -> None:
    limits = time_limits(submitted.items)
    tell_applicant(
        uow, submitted, "application_received", received_on=submitted.received_on.isoformat(), time_limits=limits
    )


def tell_accepted(accepted: ApplicationAccepted, uow: UnitOfWork) -> None:
    key = f"{accepted.application_id}:{accepted.step}"
    tell_applicant(uow, accepted, "accepted", key, accepted_on=accepted.accepted_on.isoformat())


def tell_rejected(rejected: ApplicationRejected, uow: UnitOfWork) -> None:
    tell_applicant(uow, rejected, "rejected", f"{rejected.application_id}:{rejected.step}", reason=rejected.reason)


def ask_for_correction(returned: ReturnedForCorrection, uow: UnitOfWork) -> None:
    key = f"{returned.application_id}:{returned.step}"
    tell_applicant(
        uow, returned, "needs_correction", key, missing=returned.reason, deadline=returned.correct_by.isoformat()
    )


def tell_granted(granted: AidGranted, uow: UnitOfWork) -> None:
    """The approval notice names the account the money will go to, or says one is still needed."""
    tell_applicant(
        uow,
        granted,
        "approved",
        f"{granted.application_id}:{'green' if granted.emergency else granted.item_code}",
        item_name=f"{granted.item_name}（应急）" if granted.emergency else granted.item_name,
        amount_fen=granted.amount_fen,
        monthly=granted.monthly,
        account_masked=usable_account(uow, granted.household_id),
    )


def tell_refused(refused: AidRefused, uow: UnitOfWork) -> None:
    key = f"{refused.application_id}:{refused.item_code}"
    tell_applicant(
        uow, refused, "not_approved", key, item_name=refused.item_name, reason=refused.reason, review_hint=REVIEW_HINT
    )


def audit_deadline(warned: DeadlineWarned, uow: UnitOfWork) -> None:
    uow.audit.append(
        AuditEvent(
            actor="system:deadline-scan",
            object_type="application",
            object_id=warned.application_id,
            action=f"deadline_{warned.level}",
            at=warned.at,
            from_state=warned.stage,
            to_state=warned.stage,
            reason=f"时限 {warned.due_on.isoformat()}（{workdays.LEVEL_WORDS[warned.level]}）",
        )
    )


def tell_responsible_role(warned: DeadlineWarned, uow: UnitOfWork) -> None:
    """The role the case waits on, in its township or county; a 红色预警 also goes to 纪委
    (达川: 超时的环节由纪委予以通报)."""
    township = warned.responsible_role in (Role.WINDOW.value, Role.SUPERVISION.value)
    data = {
        "item_name": warned.item_names,
        "application_no": warned.application_id,
        "stage": warned.stage,
        "days_overdue": warned.days_overdue,
        "level": warned.level,
        "due_on": warned.due_on.isoformat(),
    }
    key = f"deadline:{warned.application_id}:{warned.stage}:{warned.due_on}"
    area = warned.village_code[:9] if township else warned.village_code[:6]
    notify(uow, "overdue", role=warned.responsible_role, area_code=area, data=data, dedupe_key=f"{key}:{warned.level}")
    if warned.level == workdays.RED:
        role = Role.DISCIPLINE.value
        notify(uow, "overdue", role=role, area_code=warned.village_code[:6], data=data, dedupe_key=f"{key}:discipline")


def tell_complainant(answered: ComplaintAnswered, uow: UnitOfWork) -> None:
    notify(
        uow,
        "complaint_answered",
        openid=answered.reporter_openid,
        data={
            "complaint_no": answered.complaint_id,
            "reply": answered.reply,
            "answered_on": answered.answered_on.isoformat(),
        },
        dedupe_key=f"complaint:{answered.complaint_id}",
    )
