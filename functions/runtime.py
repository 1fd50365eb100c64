"""What every handler shares: the services, built once per Lambda container (a warm start reuses
them), and the SQS batch wrapper with partial-failure reporting and once-only jobs."""

import functools
import logging
from collections.abc import Callable

from yimen.adapters.logs import use_json_logs
from yimen.adapters.sqs import process_batch, run_once, type_only
from yimen.ports import Job

use_json_logs(logging.INFO)


@functools.cache
def services():
    from yimen.bootstrap import build_services
    from yimen.config import load_config

    return build_services(load_config())


def sqs_handler(work: Callable[[Job], object], describe: Callable[[Exception], str] = type_only):
    """A Lambda handler for an SQS event source (FunctionResponseTypes: ReportBatchItemFailures).
    `describe` words a failure for the dead-letter listing (see run_once)."""

    def handler(event: dict, context) -> dict:
        s = services()
        return process_batch(event, lambda job: run_once(s.uow, job, work, s.clock.now().isoformat(), describe))

    return handler
