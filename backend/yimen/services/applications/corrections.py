"""补正: the applicant replaces just what was sent back for and the case returns to the stage that asked."""

from __future__ import annotations

from collections.abc import Callable

from yimen.domain.errors import Forbidden, ValidationError
from yimen.domain.model import Actor, AuditEvent
from yimen.domain.workflow import Application
from yimen.ports import BlobStore, Clock, UnitOfWork
from yimen.ports_ocr import Images
from yimen.services.applications import uploads
from yimen.services.applications.cases import audit, citizen_app, household_of, may_correct_file, store_materials
from yimen.services.applications.forms import materials_from
from yimen.services.households.file import correct_incomes


class Corrections:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, blobs: BlobStore, images: Images):
        self.uow = uow
        self.clock = clock
        self.blobs = blobs
        self.images = images

    def resubmit(
        self, actor: Actor, app_id: str, note: str, materials: dict | None, incomes: list | None = None
    ) -> Application:
        """补正: replace just what was sent back for (a photo, the signature, a member's monthly income) and
        return to the stage that asked. `incomes`: [{"member": index, "monthly_income_fen": {source: fen}}]."""
        now = self.clock.now()
        new = materials_from(
            materials or {},
            assistant_mode=False,
            partial=True,
            fetch=lambda key: uploads.take(self.blobs, actor, key),
            images=self.images,
        )
        if not (note.strip() or new or incomes):
            raise ValidationError("NOTHING_CORRECTED", "请写一句补了什么，或补交照片、签名，或修改收入")
        with self.uow() as uow:
            app = citizen_app(uow, actor, app_id)
            before = app.stage
            app.resubmit(now, actor.label, note)
            if incomes:
                household = household_of(uow, app)
                if not may_correct_file(actor, app, household):
                    raise Forbidden("FILE_AT_WINDOW", "这户的档案请到乡镇（街道）社会救助窗口修改")
                for line in correct_incomes(household, incomes):
                    uow.audit.append(
                        AuditEvent(
                            actor=actor.label,
                            object_type="household",
                            object_id=household.id,
                            action="edit",
                            at=now,
                            reason=f"补正：{line}",
                        )
                    )
                uow.households.update(household)
            if app.assistant and "signature" in new:  # the resident's new signature is her 授权书 too
                new["assistant_authorisation"] = new["signature"]
            for kind, key in store_materials(self.blobs, f"{app.id}/v{app.version + 1}", new).items():
                app.materials[kind] = key
            if app.assistant and "assistant_authorisation" in new:
                app.assistant.authorisation_key = app.materials["assistant_authorisation"]
            uow.applications.update(app)
            audit(uow, actor, app, "resubmit", before, now, reason=note or None)
            return app
