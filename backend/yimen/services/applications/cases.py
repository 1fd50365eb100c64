"""What every part of applications/ shares: finding a case for a citizen or a clerk, the version check,
the audit event of each action, and who may revoke or correct what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from yimen.domain.errors import Conflict, NotFound, ValidationError
from yimen.domain.model import Actor, AuditEvent, Household, Role
from yimen.domain.permissions import Action, require, require_area
from yimen.domain.workflow import Application, RequestedItem, Stage
from yimen.ports import BlobStore, Page, UnitOfWork
from yimen.services.applications.forms import image_type


def all_pages(fetch: Callable[[str | None], Page]) -> list:
    out, cursor = [], None
    while True:
        page = fetch(cursor)
        out += page.items
        if not page.next_cursor:
            return out
        cursor = page.next_cursor


def audit(
    uow: UnitOfWork,
    actor: Actor,
    app: Application,
    action: str,
    before: Stage | None,
    at: datetime,
    *,
    phrase: str | None = None,
    reason: str | None = None,
) -> None:
    uow.audit.append(
        AuditEvent(
            actor=actor.label,
            object_type="application",
            object_id=app.id,
            action=action,
            at=at,
            from_state=before.value if before else None,
            to_state=app.stage.value,
            phrase=phrase,
            reason=reason,
        )
    )


def citizen_app(uow: UnitOfWork, actor: Actor, app_id: str) -> Application:
    """The applicant (unless the resident revoked their authorisation) or the household's owner; else 404."""
    app = uow.applications.get(app_id)
    if app is not None:
        household = uow.households.get(app.household_id)
        if household and household.owner_openid == actor.id:
            return app
        if app.applicant_openid == actor.id and not (app.assistant and app.assistant.revoked_at):
            return app
    raise NotFound("APPLICATION_NOT_FOUND", "找不到该申请")


def household_of(uow: UnitOfWork, app: Application) -> Household:
    """The household an application is for: on file since the application was added with it."""
    household = uow.households.get(app.household_id)
    if household is None:
        raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
    return household


def staff_app(uow: UnitOfWork, actor: Actor, app_id: str) -> Application:
    require(actor, Action.CASES_READ)
    app = uow.applications.get(app_id)
    if app is None:
        raise NotFound("APPLICATION_NOT_FOUND", "找不到该申请")
    require_area(actor, app.village_code)
    return app


def for_update(uow: UnitOfWork, actor: Actor, app_id: str, version: int) -> Application:
    app = staff_app(uow, actor, app_id)
    if app.version != version:
        raise Conflict(
            "STALE_VERSION",
            "该申请刚刚已被他人处理，请刷新页面查看最新状态",
            details={"current_version": app.version, "stage": app.stage.value},
        )
    return app


def store_materials(blobs: BlobStore, prefix: str, materials: dict[str, bytes]) -> dict[str, str]:
    """Each material under applications/<prefix>/<kind>; returns kind -> blob key."""
    keys = {}
    for kind, data in materials.items():
        key = f"applications/{prefix}/{kind}"
        blobs.put(key, data, image_type(data))
        keys[kind] = key
    return keys


def may_revoke(actor: Actor, app: Application, household: Household) -> bool:
    """Only the household's owner (bound, services/households/binding.py), of an assistant's authorisation in force."""
    return bool(
        app.assistant
        and not app.assistant.revoked_at
        and app.assistant.openid != actor.id
        and household.owner_openid == actor.id
    )


def may_correct_file(actor: Actor, app: Application, household: Household) -> bool:
    """Her own household, or one this very application filed (协理员 mode) and nobody has bound since."""
    if household.owner_openid == actor.id:
        return True
    return household.owner_openid is None and app.applicant_openid == actor.id and not app.identity_check


def verify_identity(uow: UnitOfWork, actor: Actor, app: Application, verified: bool, now: datetime) -> None:
    """Nothing moves on for a household on file until the window has checked who applied (issue 18)."""
    if not app.identity_check:
        return
    if not verified:
        raise ValidationError(
            "IDENTITY_UNVERIFIED",
            "该户已在档案中，提交人尚未证明身份：请先核对身份证"
            "（代办的还要核对被代办人签字的代办授权书），再勾选“已核验身份”",
        )
    uow.audit.append(
        AuditEvent(
            actor=actor.label,
            object_type="application",
            object_id=app.id,
            action="identity_verified",
            at=now,
            reason=app.identity_check,
        )
    )
    app.identity_check = None


def decides(actor: Actor, item: RequestedItem) -> bool:
    """协同办理: a department approver decides only her department's items (民政 approves 低保, not 教育资助)."""
    return actor.role == Role.ADMIN or item.deciding_department == actor.department
