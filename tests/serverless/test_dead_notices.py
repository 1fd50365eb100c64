"""Dead notices in the serverless path: the notifier fails until SQS moves the message to the DLQ,
staff see it (recipient masked, the notifier's own words for the failure) and put it back; it is then
delivered once, and a dead copy of a notice delivered meanwhile is put back without a second message."""

import json

import pytest

from tests.aws_support import client
from tests.notices.sim import add_household
from yimen.adapters import sqs
from yimen.domain.model import Actor, Role
from yimen.services.notices.dead import dead_notices, requeue_for
from yimen.services.notices.outbox import notify

CENTRE = Actor(kind="staff", id="centre", name="县救助中心", role=Role.CENTRE, area_code="990101")
OPENID, PHONE = "o-lambda-dead-5521", "13812349876"
PAID = {"item_name": "临时救助", "amount_fen": 50000, "paid_on": "2026-11-25", "bank_card_masked": "**** **** 0007"}


@pytest.fixture(autouse=True)
def _short_polls(monkeypatch):
    monkeypatch.setattr(sqs, "WAIT_SECONDS", 0)  # moto answers from one server (see tests/contract)


def _run_notifier(stack) -> int:
    """Lambda's poller: hand the notifier what the queue has until it has nothing; how many batches."""
    from functions import notifier

    queue, url, rounds = client("sqs", stack.endpoint), stack.queues["notice"], 0
    while found := queue.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0, AttributeNames=["All"]
    ).get("Messages", []):
        event = {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m["Attributes"],
                }
                for m in found
            ]
        }
        failed = {f["itemIdentifier"] for f in notifier.handler(event, None)["batchItemFailures"]}
        for m in found:
            if m["MessageId"] not in failed:
                queue.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        rounds += 1
    return rounds


def _paid_notice(key: str) -> None:
    from functions.runtime import services

    household = add_household(services(), 51, openid=OPENID, phone=PHONE)
    with services().uow() as uow:
        notify(uow, "paid", household_id=household.id, data=PAID, dedupe_key=key)


def test_dead_letter_is_listed_masked_put_back_and_delivered_once(lambda_env, stack, sim):
    from functions.runtime import services

    _paid_notice("lambda-dead-1")
    sim.faults(*[{"http_status": 500}] * 5)
    assert _run_notifier(stack) == 5  # five failed receives, then SQS moves it to the dead-letter queue

    (dead,) = dead_notices(uow=services().uow)
    assert (dead.title, dead.recipient, dead.error, dead.attempts) == (
        "救助金已拨付",
        "测***** 户，手机 138****9876",
        "HTTP 500",
        5,
    )
    assert OPENID not in repr(dead) and PHONE not in repr(dead) and dead.id == "notice:lambda-dead-1"
    assert sim.messages() == []

    assert requeue_for(CENTRE, uow=services().uow, clock=services().clock) == 1
    assert dead_notices(uow=services().uow) == []
    _run_notifier(stack)
    assert [m["touser"] for m in sim.messages()] == [OPENID]
    assert requeue_for(CENTRE, uow=services().uow, clock=services().clock) == 0
    with services().uow() as uow:
        (event,) = uow.audit.for_object("job", "notice")
    assert (event.actor, event.action, event.reason) == ("staff:centre", "requeue_dead", "1 条")


def test_a_dead_copy_of_a_delivered_notice_is_put_back_without_a_second_message(lambda_env, stack, sim):
    from functions.runtime import services

    _paid_notice("lambda-dup-1")
    queue = client("sqs", stack.endpoint)
    body = queue.receive_message(QueueUrl=stack.queues["notice"], VisibilityTimeout=0)["Messages"][0]["Body"]
    queue.send_message(QueueUrl=stack.dead_letters["notice"], MessageBody=body)  # a copy that ended up dead
    _run_notifier(stack)
    assert [m["touser"] for m in sim.messages()] == [OPENID]

    assert [d.id for d in dead_notices(uow=services().uow)] == ["notice:lambda-dup-1"]
    assert requeue_for(CENTRE, "notice:lambda-dup-1", uow=services().uow, clock=services().clock) == 1
    _run_notifier(stack)
    assert [m["touser"] for m in sim.messages()] == [OPENID], "delivered before: not sent again"
    assert queue.receive_message(QueueUrl=stack.dead_letters["notice"]).get("Messages", []) == []
    assert json.loads(body)["dedupe_key"] == "notice:lambda-dup-1"
