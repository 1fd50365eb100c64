"""Jobs through SQS: one queue per kind of work (OCR, notices, batches), each with a dead-letter
queue (infra/sqs.yml). The outbox in DynamoDB hands committed jobs to `SqsJobQueue`; Lambda workers
read SQS batches through `process_batch`, which reports partial failures so only failed messages
come back (services/jobs.py's `run_once` makes a second delivery of the same job change nothing and
notes each failure). Dead jobs are the DLQ's messages: `list_dead` peeks at them, `requeue_dead` moves them
back to their queue."""

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from yimen.ports import DeadJob, DeadLetters, Job, JobQueue

PEEK_SECONDS = 30  # dead letters being read or moved are hidden this long, in case the mover dies
WAIT_SECONDS = 1  # long polling: an empty answer means an empty queue, not an unlucky sample


class SqsJobQueue(JobQueue, DeadLetters):
    def __init__(self, client, queue_urls: Mapping[str, str]):
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
