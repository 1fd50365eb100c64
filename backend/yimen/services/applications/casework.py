"""A clerk's view of cases: the queue of her stage and area, one case (read audited), its materials, the
duplicate-aid advice and what she may do next.
"""

from __future__ import annotations

from collections.abc import Callable

from yimen.domain.errors import NotFound
from yimen.domain.model import Actor, AuditEvent, Household, Role
from yimen.domain.permissions import Action, require
from yimen.domain.workflow import PROPOSE_STAGES, Application, NextStep, Stage, next_steps
from yimen.ports import BlobStore, Clock, Page, UnitOfWork
from yimen.services.applications.cases import decides, household_of, staff_app
from yimen.services.applications.forms import MATERIALS, image_type
from yimen.services.checking.reports import advice, current_aid_codes


class CaseFiles:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, blobs: BlobStore):
        self.uow = uow
        self.clock = clock
        self.blobs = blobs

    def queue(self, actor: Actor, stage: Stage | None, cursor: str | None = None) -> Page[Application]:
        require(actor, Action.CASES_READ)
        with self.uow() as uow:
            page = uow.applications.list_in_area(actor.area_code, stage, limit=50, cursor=cursor)
        if actor.role == Role.APPROVER and stage == Stage.APPROVAL:  # 协同办理: her department's part only
            page.items = [a for a in page.items if a.awaits(actor.department)]
        return page

    def case(self, actor: Actor, app_id: str) -> tuple[Application, Household]:
        """Any staff member in the area may read a case; the read is audited."""
        with self.uow() as uow:
            app = staff_app(uow, actor, app_id)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label, object_type="application", object_id=app.id, action="view", at=self.clock.now()
                )
            )
            return app, household_of(uow, app)

    def material(self, actor: Actor, app_id: str, kind: str) -> tuple[bytes, str]:
        """ID photos and signed forms: only the roles that handle cases, inside their area; audited."""
        require(actor, Action.CASE_MATERIALS)
        with self.uow() as uow:
            app = staff_app(uow, actor, app_id)
            key = app.materials.get(kind)
            if key is None:
                raise NotFound("MATERIAL_NOT_FOUND", "该申请没有这份材料")
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="application",
                    object_id=app.id,
                    action="view_material",
                    at=self.clock.now(),
                    reason=MATERIALS[kind],
                )
            )
        data = self.blobs.get(key)
        return data, image_type(data)

    def advice(self, app: Application, household: Household) -> dict:
        """Before approval: aid that can't be combined with what the household gets, and likely aid not asked for."""
        with self.uow() as uow:
            current = current_aid_codes(uow, household, exclude=app.id)
        return advice(app, household, current, self.clock.today())

    def next_steps(
        self, actor: Actor, app: Application, household: Household, advice: dict | None = None
    ) -> list[NextStep]:
        """What this clerk may do to the case now, from the domain's rules (console and staff API alike).
        `advice`: the duplicate-aid advice if the caller has it already (its proposals may be added)."""
        if actor.kind != "staff":
            return []
        if advice is None and app.stage in PROPOSE_STAGES:
            advice = self.advice(app, household)
        proposals = tuple(p["code"] for p in advice["proposals"]) if advice else ()
        return next_steps(app, actor.role, lambda item: decides(actor, item), proposals)
