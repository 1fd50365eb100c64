"""Notice queue consumer: sends each status/payment notice through the first channel that reaches
the person and logs it (services/notice_worker.py). Failures come back via SQS, then the DLQ."""

from functions.runtime import services, sqs_handler


def _deliver(job) -> None:
    from yimen.services.notice_worker import NoticeWorker

    NoticeWorker(services()).handle_queued(job)


handler = sqs_handler(_deliver)
