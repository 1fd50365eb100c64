"""The local background workers of `yimen serve`: what Lambda functions, queues and schedules do in the
serverless deployment runs here as daemon threads of the one server process."""

import logging
import threading
import time

from yimen.services.applications.consequences import OCR_JOB
from yimen.services.applications.uploads import UPLOAD_PREFIX, UPLOAD_TTL_SECONDS
from yimen.services.notices.worker import WorkerSettings


def start_all(services) -> None:
    start_notice_worker(services)  # delivers the outbox: notices to WeChat / SMS
    _every(1800, _scan_deadlines, services)  # what EventBridge does in the serverless path
    _every(5, _check_id_photos, services)  # what the OCR queue's worker does there
    _every(3600, _expire_uploads, services)  # what the bucket's lifecycle rule does there
    _every(900, _anchor_audit, services)  # functions/audit_anchor.py there


def start_notice_worker(services, settings: WorkerSettings | None = None) -> threading.Event:
    """Start the delivery thread for `yimen serve`; set the returned event to stop it."""
    stop = threading.Event()
    worker = services.make_notice_worker(settings=settings)
    threading.Thread(target=worker.run_forever, args=(stop,), name="notice-worker", daemon=True).start()
    return stop


def _every(seconds: float, job, *args) -> None:
    """Run job now and then every `seconds` on a daemon thread; a failure is logged, the timer goes on."""

    def loop():
        while True:
            try:
                job(*args)
            except Exception:  # noqa: BLE001 - a scheduled job must not kill the server
                logging.getLogger("yimen.schedule").exception("scheduled job %s failed", job.__name__)
            time.sleep(seconds)

    threading.Thread(target=loop, name=job.__name__, daemon=True).start()


def _scan_deadlines(services) -> None:
    services.deadlines.scan(services.config.deadline_warn_days)


def _anchor_audit(services) -> None:
    services.audit.anchor()


def _expire_uploads(services) -> None:
    expire = getattr(services.blobs, "expire", None)  # S3 and compatible stores use a lifecycle rule
    if expire:
        expire(UPLOAD_PREFIX, UPLOAD_TTL_SECONDS)


def _check_id_photos(services) -> None:
    with services.uow() as uow:
        counts = uow.job_leases.counts(OCR_JOB)
    waiting = counts.get("pending", 0) + counts.get("running", 0)
    if waiting:  # the model loads only when a photo is waiting (on the engine's first read)
        services.id_checks.run_jobs(services.ocr)
