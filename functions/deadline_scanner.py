"""Scheduled (EventBridge): the deadline scan (yellow/red warnings to the responsible role), then the
outbox relay, which hands SQS any job whose send after commit failed."""

from functions.runtime import services
from yimen.services.jobs import relay_outbox


def handler(event: dict, context) -> dict:
    s = services()
    counts = s.deadlines.scan()
    relayed = relay_outbox(s.uow, s.relay_queue, s.config.queue_urls, s.clock.now())
    return {"warnings": counts, "relayed": relayed}
