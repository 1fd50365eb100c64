"""What every handler shares: the services, built once per Lambda container (a warm start reuses
them), and the SQS batch wrapper with partial-failure reporting and once-only jobs."""

import functools
from collections.abc import Callable

from yimen.bootstrap import Services, build_services, load_config, sqs_batch, use_lambda_logs
from yimen.ports import Job
from yimen.services.jobs import run_once, type_only

use_lambda_logs()


@functools.cache
def services() -> Services:
    return build_services(load_config())


def sqs_handler(work: Callable[[Job], object], describe: Callable[[Exception], str] = type_only):
    """A Lambda handler for an SQS event source (FunctionResponseTypes: ReportBatchItemFailures).
    `describe` words a failure for the dead-letter listing (see run_once)."""

    def handler(event: dict, context) -> dict:
        s = services()
        return sqs_batch(event, lambda job: run_once(s.uow, job, work, s.clock.now().isoformat(), describe))

    return handler
