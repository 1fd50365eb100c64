"""Notice queue consumer: sends each status/payment notice through the first channel that reaches
the person and logs it (services/notices/worker.py). Failures come back via SQS, then the DLQ, from
where staff put them back (services/notices/dead.py) once the cause is fixed."""

from functions.runtime import services, sqs_handler
from yimen.services.notices.worker import failure_text


def _deliver(job) -> None:
    services().notice_worker.handle_queued(job)


def _describe(exc: Exception) -> str:
    return failure_text(exc)


handler = sqs_handler(_deliver, _describe)
