"""Dead jobs, and putting them back once the cause is fixed: the outbox's dead rows (SQLite) and SQS's
dead-letter queue (with run_once's failure notes in DynamoDB) answer the same port,
uow.job_leases.list_dead / requeue_dead."""

import json
from datetime import datetime, timedelta

import pytest

from tests.aws_support import client, create_stack, moto_endpoint
from tests.contract.conftest import Backend
from yimen.adapters import sqs
from yimen.bootstrap import build_services
from yimen.config import load_config
from yimen.domain.workdays import CHINA
from yimen.ports import FixedClock, Job
from yimen.services.jobs import run_once

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=CHINA)
TRIES = 5  # infra/sqs.yml: the notice queue's maxReceiveCount


@pytest.fixture(autouse=True)
def _short_polls(monkeypatch):
    """moto answers from one server, so an empty short poll there is an empty queue (real SQS samples
    servers, hence the adapter's long polls, which would make each call here wait for a second)."""
    monkeypatch.setattr(sqs, "WAIT_SECONDS", 0)


def _enqueue(backend: Backend, keys) -> None:
    with backend.uow() as uow:
        for key in keys:
            uow.jobs.enqueue(Job(kind="notice", payload={"event": "paid", "n": key}, dedupe_key=f"notice:{key}"))


def _fail_until_dead(backend: Backend, error: str) -> None:
    """Every notice fails until it is given up, as each backend's worker does it."""
    if backend.stack:
        _fail_in_lambda(backend, error)
        return
    for attempt in range(1, TRIES + 1):
        with backend.uow() as uow:
            jobs = uow.job_leases.claim("notice", NOW, NOW + timedelta(minutes=5), 100)
        with backend.uow() as uow:
            for job in jobs:
                uow.job_leases.finish(job.id, "dead" if attempt == TRIES else "pending", run_after=NOW, error=error)


def _fail_in_lambda(backend: Backend, error: str) -> None:
    """The notifier's SQS batches, failing: after maxReceiveCount receives SQS moves each to the DLQ."""
    queue, url, s = client("sqs", backend.stack.endpoint), backend.stack.queues["notice"], backend.services

    def broken(job):
        raise RuntimeError(error)

    while found := queue.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0, AttributeNames=["All"]
    ).get("Messages", []):
        event = {
            "Records": [{"messageId": m["MessageId"], "body": m["Body"], "attributes": m["Attributes"]} for m in found]
        }
        sqs.process_batch(event, lambda job: run_once(s.uow, job, broken, s.clock.now().isoformat(), str))


def _due(backend: Backend) -> list[tuple[str, int]]:
    """Jobs waiting to be run, taken and done: (dedupe key, attempts counting this one)."""
    if backend.stack:
        return sorted(
            (json.loads(m["Body"])["dedupe_key"], int(m["Attributes"]["ApproximateReceiveCount"]))
            for m in backend.stack.drain("notice")
        )
    with backend.uow() as uow:
        jobs = uow.job_leases.claim("notice", NOW, NOW + timedelta(minutes=5), 100)
        for job in jobs:
            uow.job_leases.finish(job.id, "done")
    return sorted((j.dedupe_key, j.attempts) for j in jobs)


def _dead(backend: Backend, limit: int = 50) -> list:
    with backend.uow() as uow:
        return sorted(uow.job_leases.list_dead("notice", limit), key=lambda d: d.job.dedupe_key)


def _requeue(backend: Backend, job_id: str | None = None) -> int:
    with backend.uow() as uow:
        return uow.job_leases.requeue_dead("notice", NOW, job_id)


def check_dead_jobs_are_listed_and_put_back(backend: Backend) -> None:
    _enqueue(backend, ["a", "b"])
    _fail_until_dead(backend, "HTTP 502")
    dead = _dead(backend)
    assert [(d.job.kind, d.job.dedupe_key, d.job.payload, d.job.attempts, d.error, d.at) for d in dead] == [
        ("notice", "notice:a", {"event": "paid", "n": "a"}, TRIES, "HTTP 502", NOW),
        ("notice", "notice:b", {"event": "paid", "n": "b"}, TRIES, "HTTP 502", NOW),
    ]
    assert [d.job.id for d in _dead(backend)] == [d.job.id for d in dead], "listing leaves the dead where they are"
    assert _due(backend) == []

    assert _requeue(backend, "no-such-job") == 0
    assert _requeue(backend, dead[0].job.id) == 1
    assert [d.job.dedupe_key for d in _dead(backend)] == ["notice:b"]
    assert _due(backend) == [("notice:a", 1)], "back in line, attempts from zero"
    assert _requeue(backend) == 1
    assert _requeue(backend) == 0
    assert _dead(backend) == [] and _due(backend) == [("notice:b", 1)]


def test_dead_jobs_are_listed_and_put_back(backend):
    check_dead_jobs_are_listed_and_put_back(backend)


def test_requeue_moves_every_dead_job_batch_after_batch(backend):
    keys = [f"k{n:02d}" for n in range(23)]  # more than one SQS batch (10) twice over
    _enqueue(backend, keys)
    _fail_until_dead(backend, "HTTP 503")
    assert len(_dead(backend, limit=5)) == 5
    assert _requeue(backend) == 23
    assert _dead(backend) == []
    assert _due(backend) == [(f"notice:{key}", 1) for key in keys]


def test_a_worker_over_dynamodb_without_queues_keeps_dead_jobs_in_the_outbox(tmp_path):
    stack = create_stack(moto_endpoint())
    config = load_config(tmp_path, **{**stack.config(), "queue_urls": {}})
    check_dead_jobs_are_listed_and_put_back(Backend("dynamodb-outbox", build_services(config, clock=FixedClock(NOW))))
