"""Jobs through SQS: one queue per kind of work (OCR, notices, batches), each with a dead-letter
queue (infra/sqs.yml). The outbox in DynamoDB hands committed jobs to `SqsJobQueue`; Lambda workers
read SQS batches through `process_batch`, which reports partial failures so only failed messages
come back, and `run_once`, which makes a second delivery of the same job change nothing and notes
each failure. Dead jobs are the DLQ's messages: `list_dead` peeks at them, `requeue_dead` moves them
back to their queue."""

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from yimen.ports import DONE_NS, DeadJob, DeadLetters, Job, JobQueue

FAILED_NS = "job_failed"  # key-value namespace: dedupe_key -> the job's last failure (error, at, attempts)
PEEK_SECONDS = 30  # dead letters being read or moved are hidden this long, in case the mover dies
WAIT_SECONDS = 1  # long polling: an empty answer means an empty queue, not an unlucky sample


class SqsJobQueue(JobQueue, DeadLetters):
    def __init__(self, client, queue_urls: dict[str, str]):
        self.client, self.queue_urls = client, queue_urls
        self._dead_letter_urls: dict[str, str] = {}

    def enqueue(self, job: Job) -> None:
        if job.kind not in self.queue_urls:
            raise KeyError(f"no queue configured for job kind {job.kind!r} (YIMEN_QUEUE_{job.kind.upper()})")
        body = {"kind": job.kind, "payload": job.payload, "dedupe_key": job.dedupe_key, "id": job.id}
        self.client.send_message(QueueUrl=self.queue_urls[job.kind], MessageBody=json.dumps(body, ensure_ascii=False))

    def list_dead(self, kind: str, limit: int = 50) -> list[DeadJob]:
        """Peek: receive (hidden for a moment), then make every message visible again at once."""
        url = self.dead_letter_url(kind)
        seen: dict[str, dict] = {}
        while len(seen) < limit and (batch := self._receive(url, min(10, limit - len(seen)))):
            seen.update((m["MessageId"], m) for m in batch)
        self._release(url, list(seen.values()))
        return [_dead_job(m) for m in seen.values()][:limit]

    def requeue_dead(self, kind: str, now: datetime, job_id: str | None = None) -> int:
        """Move dead letters back to the kind's queue, ten at a time until the DLQ has none left: send,
        then delete what was sent. A new message starts with no receives, so attempts start over.
        job_id is the dedupe key; messages of other jobs are left in the DLQ."""
        url, moved = self.dead_letter_url(kind), 0
        kept: dict[str, dict] = {}
        while batch := [m for m in self._receive(url, 10) if m["MessageId"] not in kept]:
            wanted = [m for m in batch if job_id is None or _body(m).get("dedupe_key") == job_id]
            unsent = self._move(url, self.queue_urls[kind], wanted)
            kept.update((m["MessageId"], m) for m in batch if m not in wanted or m in unsent)
            moved += len(wanted) - len(unsent)
        self._release(url, list(kept.values()))
        return moved

    def dead_letter_url(self, kind: str) -> str:
        """The DLQ that the kind's queue names in its redrive policy (infra/sqs.yml), so the two can't drift."""
        if kind not in self._dead_letter_urls:
            attributes = self.client.get_queue_attributes(
                QueueUrl=self.queue_urls[kind], AttributeNames=["RedrivePolicy"]
            )["Attributes"]
            arn = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
            _, _, _, _, account, name = arn.split(":")
            self._dead_letter_urls[kind] = self.client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)[
                "QueueUrl"
            ]
        return self._dead_letter_urls[kind]

    def _receive(self, url: str, count: int) -> list[dict]:
        return self.client.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=count,
            VisibilityTimeout=PEEK_SECONDS,
            WaitTimeSeconds=WAIT_SECONDS,
            AttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
        ).get("Messages", [])

    def _move(self, source: str, target: str, messages: list[dict]) -> list[dict]:
        """Send to the target, delete from the source what was sent; returns what wasn't (it stays dead)."""
        if not messages:
            return []
        sent = self.client.send_message_batch(
            QueueUrl=target, Entries=[{"Id": str(n), "MessageBody": m["Body"]} for n, m in enumerate(messages)]
        ).get("Successful", [])
        done = [messages[int(entry["Id"])] for entry in sent]
        if done:
            self.client.delete_message_batch(
                QueueUrl=source,
                Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)],
            )
        return [m for m in messages if m not in done]

    def _release(self, url: str, messages: list[dict]) -> None:
        for start in range(0, len(messages), 10):
            self.client.change_message_visibility_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                    for n, m in enumerate(messages[start : start + 10])
                ],
            )


def _body(message: dict) -> dict:
    try:
        return json.loads(message["Body"])
    except ValueError:  # not one of ours: never matches a job id, shown as it is
        return {}


def _dead_job(message: dict) -> DeadJob:
    """SQS knows the tries (receives, peeks included) and when the job was queued; run_once's failure
    notes know more (see DynamoJobLeases.list_dead)."""
    body, attributes = _body(message), message.get("Attributes", {})
    sent = attributes.get("SentTimestamp")
    job = Job(
        kind=body.get("kind", ""),
        payload=body.get("payload") or {},
        dedupe_key=body.get("dedupe_key", ""),
        id=body.get("dedupe_key") or message["MessageId"],
        attempts=int(attributes.get("ApproximateReceiveCount", 0)),
    )
    return DeadJob(job, at=datetime.fromtimestamp(int(sent) / 1000, UTC) if sent else None)


def job_from_record(record: dict) -> Job:
    """An SQS record of a Lambda event -> Job (attempts from the receive count)."""
    body = json.loads(record["body"])
    attempts = int(record.get("attributes", {}).get("ApproximateReceiveCount", 1))
    return Job(
        kind=body["kind"],
        payload=body["payload"],
        dedupe_key=body["dedupe_key"],
        id=body.get("id") or record["messageId"],
        attempts=attempts,
    )


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


def type_only(exc: Exception) -> str:
    return type(exc).__name__


def run_once(
    uow, job: Job, work: Callable[[Job], object], finished_at: str, describe: Callable[[Exception], str] = type_only
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
