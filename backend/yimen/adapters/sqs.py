"""Jobs through SQS: one queue per kind of work (OCR, notices, batches), each with a dead-letter
queue (infra/sqs.yml). The outbox in DynamoDB hands committed jobs to `SqsJobQueue`; Lambda workers
read SQS batches through `process_batch`, which reports partial failures so only failed messages
come back, and `run_once`, which makes a second delivery of the same job change nothing."""

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from ..ports import Job, JobQueue

DONE_NS = "job_done"  # key-value namespace: dedupe_key -> when the job finished


class SqsJobQueue(JobQueue):
    def __init__(self, client, queue_urls: dict[str, str]):
        self.client, self.queue_urls = client, queue_urls

    def enqueue(self, job: Job) -> None:
        if job.kind not in self.queue_urls:
            raise KeyError(f"no queue configured for job kind {job.kind!r} (YIMEN_QUEUE_{job.kind.upper()})")
        body = {"kind": job.kind, "payload": job.payload, "dedupe_key": job.dedupe_key, "id": job.id}
        self.client.send_message(QueueUrl=self.queue_urls[job.kind], MessageBody=json.dumps(body, ensure_ascii=False))


def job_from_record(record: dict) -> Job:
    """An SQS record of a Lambda event -> Job (attempts from the receive count)."""
    body = json.loads(record["body"])
    attempts = int(record.get("attributes", {}).get("ApproximateReceiveCount", 1))
    return Job(kind=body["kind"], payload=body["payload"], dedupe_key=body["dedupe_key"],
               id=body.get("id") or record["messageId"], attempts=attempts)


def process_batch(event: dict, run: Callable[[Job], object]) -> dict:
    """Run each message; failed ones are reported (ReportBatchItemFailures) and SQS redelivers only
    those, up to the queue's maxReceiveCount, then moves them to the dead-letter queue."""
    failures = []
    for record in event.get("Records", []):
        try:
            run(job_from_record(record))
        except Exception as exc:
            # Type only: payloads may carry personal data.
            logging.getLogger("yimen.jobs").error("job %s failed: %s", record.get("messageId"), type(exc).__name__)
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def run_once(uow, job: Job, work: Callable[[Job], object], finished_at: str) -> bool:
    """Do `work` unless this job (by dedupe_key) finished before; False when skipped. `work` itself
    should be idempotent too (two deliveries can overlap); this makes the common redelivery free."""
    with uow() as unit:
        if unit.kv.get(DONE_NS, job.dedupe_key) is not None:
            return False
    work(job)
    with uow() as unit:
        unit.kv.put(DONE_NS, job.dedupe_key, {"kind": job.kind, "at": finished_at})
    return True


def relay_outbox(uow, queue: JobQueue, kinds, now: datetime, lease: timedelta = timedelta(minutes=15)) -> int:
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
