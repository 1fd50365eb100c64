"""幸福清单, one quarter at a time (一季一送). The schedule fans out one job per township to the batch
queue (YIMEN_HAPPINESS_TOWNSHIPS); each job prints that township's lists in /tmp and publishes the
PDFs to the bucket under happiness/<quarter>/, skipping files already there, so a retry resumes."""

import os
import tempfile
from pathlib import Path

from functions.runtime import services, sqs_handler
from yimen.ports import Job


def schedule(event: dict, context) -> dict:
    from yimen.domain.happiness import Quarter

    s = services()
    quarter = str(Quarter.of(s.clock.today()))
    townships = [t for t in os.environ.get("YIMEN_HAPPINESS_TOWNSHIPS", "").split(",") if t]
    with s.uow() as uow:
        for township in townships:
            uow.jobs.enqueue(Job(kind="batch", payload={"task": "happiness_print", "quarter": quarter,
                                                        "township": township},
                                 dedupe_key=f"happiness:{quarter}:{township}"))
    return {"quarter": quarter, "townships": len(townships)}


def _print(job: Job) -> None:
    from yimen.domain.happiness import Quarter
    from yimen.services.happiness_print import collect, print_options, publish, run_print

    s, quarter, township = services(), Quarter.parse(job.payload["quarter"]), job.payload["township"]
    out = Path(tempfile.mkdtemp(prefix="happiness-"))
    by_village, _ = collect(s, quarter, township)
    run_print(by_village, out, quarter, print_options(township, quarter, "red", "A4"), progress=False)
    publish(out, s.blobs, f"happiness/{quarter}")


handler = sqs_handler(_print)
