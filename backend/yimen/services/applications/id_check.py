"""The ID photo read (OCR) and compared with the household head: by a clerk, or by the `ocr` job queued at
submission (the OCR worker locally, the OCR function on Lambda).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from yimen.domain.errors import Conflict, NotFound, TooLarge, ValidationError
from yimen.domain.model import SYSTEM, Actor
from yimen.domain.permissions import Action, require
from yimen.domain.workflow import Application
from yimen.ports import BlobStore, Clock, UnitOfWork
from yimen.ports_ocr import Images
from yimen.services.applications.cases import audit, for_update, household_of, staff_app
from yimen.services.applications.consequences import OCR_JOB
from yimen.services.ocr.idcard_check import check_idcard


class IdChecks:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, blobs: BlobStore, images: Images):
        self.uow = uow
        self.clock = clock
        self.blobs = blobs
        self.images = images

    def check(self, actor: Actor, app_id: str, version: int, engine) -> Application:
        """Read the ID photo (OCR) and compare it with the household head's name and number; the result is kept.
        The slow read runs outside the transaction; storing it still needs the version the clerk saw."""
        require(actor, Action.CASE_ID_CHECK)
        with self.uow() as uow:
            app = staff_app(uow, actor, app_id)
            head = household_of(uow, app).head
        if "id_photo" not in app.materials:
            raise NotFound("MATERIAL_NOT_FOUND", "该申请没有身份证照片")
        result = self._read_id_photo(app, head, engine)
        with self.uow() as uow:
            app = for_update(uow, actor, app_id, version)
            return self._keep_id_check(uow, actor, app, result)

    def check_submitted(self, app_id: str, engine) -> None:
        """The `ocr` job queued by every submit: the photo is read once and the result waits on the case for
        the clerk. Safe to run twice (the second run finds the result and stops)."""
        with self.uow() as uow:
            app = uow.applications.get(app_id)
            if app is None or app.id_check or "id_photo" not in app.materials:
                return
            head = household_of(uow, app).head
        result = self._read_id_photo(app, head, engine)
        for _ in range(3):  # a clerk may act meanwhile: keep the result on the newest version
            try:
                with self.uow() as uow:
                    fresh = uow.applications.get(app_id)
                    if fresh is not None and not fresh.id_check:
                        self._keep_id_check(uow, SYSTEM, fresh, result)
                    return
            except Conflict:
                continue

    def _read_id_photo(self, app: Application, head, engine) -> dict:
        try:
            photo = self.blobs.get(app.materials["id_photo"])
            return check_idcard(photo, self.images, engine, head.name, head.id_number)
        except (ValidationError, TooLarge) as exc:  # an unreadable photo is a finding too: ask for 补正
            return {"checks": {"readable": False}, "warnings": [{"message": exc.message}]}

    def _keep_id_check(self, uow: UnitOfWork, actor: Actor, app: Application, result: dict) -> Application:
        now = self.clock.now()
        # kept without the number, name or address read from the card: the household file has them
        app.id_check = {
            "checked_at": now.isoformat(),
            "by": actor.name,
            "checks": result["checks"],
            "warnings": [w["message"] for w in result["warnings"]],
        }
        uow.applications.update(app)
        audit(uow, actor, app, "id_check", app.stage, now, reason=f"身份证照片识别：{len(result['warnings'])} 条提示")
        return app

    def run_jobs(self, engine, lease_seconds: int = 300) -> int:
        """Local stand-in for the OCR queue (`yimen serve`): check every submitted photo waiting in the outbox."""
        done = 0
        while True:
            now = self.clock.now()
            with self.uow() as uow:
                jobs = uow.job_leases.claim(OCR_JOB, now, now + timedelta(seconds=lease_seconds), 5)
            if not jobs:
                return done
            for job in jobs:
                self.check_submitted(job.payload["application_id"], engine)
                with self.uow() as uow:
                    uow.job_leases.finish(job.id, "done")
                done += 1
