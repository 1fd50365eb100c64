"""Once-only jobs, whatever queue delivers them: `run_once` makes a second delivery of the same job
(by dedupe key) change nothing and notes each failure for the dead-letter listing; `relay_outbox`
hands a queue the jobs still waiting in the outbox (the serverless path's safety net)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from yimen.ports import DONE_NS, FAILED_NS, Job, JobQueue, UnitOfWork


def type_only(exc: Exception) -> str:
    return type(exc).__name__


def run_once(
    uow: Callable[[], UnitOfWork],
    job: Job,
    work: Callable[[Job], object],
    finished_at: str,
    describe: Callable[[Exception], str] = type_only,
) -> bool:
    """Do `work` unless this job (by dedupe_key) finished before; False when skipped. `work` itself
    should be idempotent too (two deliveries can overlap); this makes the common redelivery free.
    A failure is noted (`describe`: what may be shown to staff; the type only unless the job kind
    knows its errors carry no personal data) and raised again, for the queue to redeliver."""
    with uow() as unit:
        if unit.kv.get(DONE_NS, job.dedupe_key) is not None:
            return False
    try:
        work(job)
    except Exception as exc:
        with uow() as unit:
            unit.kv.put(
                FAILED_NS, job.dedupe_key, {"error": describe(exc)[:500], "at": finished_at, "attempts": job.attempts}
            )
        raise
    with uow() as unit:
        unit.kv.put(DONE_NS, job.dedupe_key, {"kind": job.kind, "at": finished_at})
    return True


def relay_outbox(
    uow: Callable[[], UnitOfWork], queue: JobQueue, kinds, now: datetime, lease: timedelta = timedelta(minutes=15)
) -> int:
    """Hand the queue every job still waiting in the outbox (its send after commit failed, or the
    queue was down). A claimed job that fails to send again comes back when its lease ends."""
    sent = 0
    for kind in kinds:
        with uow() as unit:
            jobs = unit.job_leases.claim(kind, now, now + lease, limit=100)
        for job in jobs:
            queue.enqueue(job)
            with uow() as unit:
                unit.job_leases.finish(job.id, "queued")
            sent += 1
    return sent
