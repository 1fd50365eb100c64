"""撤回: the applicant (or the resident) withdraws; the resident takes back her 代办授权."""

from __future__ import annotations

from collections.abc import Callable

from yimen.domain.errors import Conflict
from yimen.domain.model import Actor
from yimen.domain.workflow import Application
from yimen.ports import Clock, UnitOfWork
from yimen.services.applications.cases import audit, citizen_app, household_of, may_revoke


class Withdrawal:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock):
        self.uow = uow
        self.clock = clock

    def withdraw(self, actor: Actor, app_id: str, reason: str = "") -> Application:
        """By the applicant, or by the resident: in 协理员 mode that also revokes the authorisation."""
        now = self.clock.now()
        with self.uow() as uow:
            app = citizen_app(uow, actor, app_id)
            before = app.stage
            app.withdraw(now, actor.label, reason)
            if app.assistant and app.assistant.openid != actor.id:
                app.assistant.revoked_at = now
            uow.applications.update(app)
            audit(uow, actor, app, "withdraw", before, now, reason=reason or None)
            return app

    def revoke_assistant(self, actor: Actor, app_id: str) -> Application:
        """The resident takes back her 代办授权 and keeps the application: the assistant no longer sees it."""
        now = self.clock.now()
        with self.uow() as uow:
            app = citizen_app(uow, actor, app_id)
            assistant = app.assistant
            if assistant is None or not may_revoke(actor, app, household_of(uow, app)):
                raise Conflict("NO_AUTHORISATION", "这份申请没有可撤销的代办授权")
            assistant.revoked_at = now
            uow.applications.update(app)
            audit(
                uow,
                actor,
                app,
                "revoke_assistant",
                app.stage,
                now,
                reason=f"撤销协理员 {assistant.name} 的代办授权",
            )
            return app
