"""Scheduled (EventBridge): the deadline scan (yellow/red warnings to the responsible role), then the
outbox relay, which hands SQS any job whose send after commit failed."""

from functions.runtime import services


def handler(event: dict, context) -> dict:
    from yimen.adapters.aws import client
    from yimen.adapters.sqs import SqsJobQueue, relay_outbox
    from yimen.services.applications.service import ApplicationService

    s = services()
    counts = ApplicationService(s).scan_deadlines()
    queue = SqsJobQueue(client(s.config.aws, "sqs"), s.config.queue_urls)
    relayed = relay_outbox(s.uow, queue, s.config.queue_urls, s.clock.now())
    return {"warnings": counts, "relayed": relayed}
