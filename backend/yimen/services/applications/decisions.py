"""The staff decisions of each stage: 受理/核对/督办/备案 phrases, the 核对 report, 审批 per item and proposed
items. What follows from a decision (notices, slips) is in services/messagebus.py.
"""

from __future__ import annotations

from collections.abc import Callable

from yimen.domain.errors import Conflict
from yimen.domain.model import Actor, Role
from yimen.domain.permissions import Action, require, require_role
from yimen.domain.workflow import (
    ACCEPT,
    ANY_DEPARTMENT,
    CHECK_REPORT,
    STAGE_PHRASES,
    STAGE_ROLE,
    Application,
    Stage,
)
from yimen.ports import Cipher, Clock, UnitOfWork
from yimen.services import messagebus
from yimen.services.applications.cases import audit, for_update, household_of, verify_identity
from yimen.services.applications.forms import catalogue_item
from yimen.services.applications.signing import Signer, Signing
from yimen.services.checking.reports import check_report


class Decisions:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, cipher: Cipher, signer: Signer):
        self.uow = uow
        self.clock = clock
        self.cipher = cipher
        self.signer = signer

    def decide(
        self,
        actor: Actor,
        app_id: str,
        version: int,
        phrase: str,
        reason: str,
        signing: Signing,
        *,
        identity_verified: bool = False,
    ) -> Stage:
        """A stage's standard phrase; 生成核对报告 is 核对's first phrase and needs no signature."""
        if phrase == CHECK_REPORT:
            return self.run_check(actor, app_id, version).stage
        signature = self.signer.sign(actor, signing, f"{app_id}|v{version}|{phrase}|{reason}")
        now = self.clock.now()
        with self.uow() as uow:
            app = for_update(uow, actor, app_id, version)
            if app.stage not in STAGE_PHRASES:
                raise Conflict("NO_STAGE_DECISION", f"该申请当前在“{app.stage.value}”环节，没有可办理的决定")
            require_role(actor, STAGE_ROLE[app.stage])
            if phrase == ACCEPT:
                verify_identity(uow, actor, app, identity_verified, now)
            before = app.stage
            app.decide(phrase, at=now, actor=actor.label, actor_name=actor.name, reason=reason, signature=signature)
            uow.applications.update(app)
            audit(uow, actor, app, "decide", before, now, phrase=phrase, reason=reason or None)
            messagebus.handle(uow, app.pop_events())
            return app.stage

    def decide_item(
        self,
        actor: Actor,
        app_id: str,
        version: int,
        item_code: str,
        phrase: str,
        reason: str,
        amount_fen: int | None,
        monthly: bool,
        months: int,
        signing: Signing,
    ) -> Application:
        signature = self.signer.sign(actor, signing, f"{app_id}|v{version}|{item_code}|{phrase}|{amount_fen}|{reason}")
        now = self.clock.now()
        require(actor, Action.CASE_DECIDE_ITEM)
        with self.uow() as uow:
            app = for_update(uow, actor, app_id, version)
            before = app.stage
            app.decide_item(
                item_code,
                phrase,
                at=now,
                actor=actor.label,
                actor_name=actor.name,
                reason=reason,
                amount_fen=amount_fen,
                monthly=monthly,
                months=months,
                signature=signature,
                department=ANY_DEPARTMENT if actor.role == Role.ADMIN else actor.department,
            )
            uow.applications.update(app)
            audit(uow, actor, app, f"decide_item:{item_code}", before, now, phrase=phrase, reason=reason or None)
            messagebus.handle(uow, app.pop_events())  # 同意救助: slips and the notice (services/messagebus.py)
            return app

    def run_check(self, actor: Actor, app_id: str, version: int) -> Application:
        """核对: build the economic-status report from the household file and imported department data."""
        require(actor, Action.CASE_CHECK_REPORT)
        now = self.clock.now()
        with self.uow() as uow:
            app = for_update(uow, actor, app_id, version)
            if app.stage != Stage.CHECKING:
                raise Conflict("NOT_IN_CHECKING", f"该申请当前在“{app.stage.value}”环节")
            household = household_of(uow, app)
            app.check_report = check_report(uow, self.cipher, app, household, now)
            uow.applications.update(app)
            audit(uow, actor, app, "check_report", app.stage, now, reason="生成家庭经济状况核对报告")
            return app

    def propose(self, actor: Actor, app_id: str, version: int, item_code: str) -> Application:
        require(actor, Action.CASE_PROPOSE)
        now = self.clock.now()
        with self.uow() as uow:
            app = for_update(uow, actor, app_id, version)
            app.propose(catalogue_item(item_code), at=now, actor=actor.label, actor_name=actor.name)
            uow.applications.update(app)
            audit(uow, actor, app, "propose_item", app.stage, now, reason=item_code)
            return app
