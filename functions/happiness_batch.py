"""幸福清单, one quarter at a time (一季一送). The schedule fans out one job per township to the batch
queue (YIMEN_HAPPINESS_TOWNSHIPS); each job prints a chunk of that township's villages and publishes
them under happiness/<quarter>/ (services/happiness/batch.py), then queues the next chunk with the
village to start from, so no job comes near Lambda's 15 minutes and a job cut short resumes."""

import os

from functions.runtime import services, sqs_handler
from yimen.ports import Job

CHUNK_SECONDS = "480"  # work per chunk: well inside the function's 900 s, leaving room for the last village


def schedule(event: dict, context) -> dict:
    from yimen.domain.happiness import Quarter

    s = services()
    quarter = str(Quarter.of(s.clock.today()))
    townships = [t for t in os.environ.get("YIMEN_HAPPINESS_TOWNSHIPS", "").split(",") if t]
    with s.uow() as uow:
        for township in townships:
            uow.jobs.enqueue(
                Job(
                    kind="batch",
                    payload={"task": "happiness_print", "quarter": quarter, "township": township},
                    dedupe_key=f"happiness:{quarter}:{township}",
                )
            )
    return {"quarter": quarter, "townships": len(townships)}


def _print(job: Job) -> None:
    from yimen.domain.happiness import Quarter
    from yimen.services.happiness.batch import print_chunk
    from yimen.services.happiness.pdf import Printer

    s, p = services(), job.payload
    seconds = float(os.environ.get("YIMEN_HAPPINESS_CHUNK_SECONDS", CHUNK_SECONDS))
    chunk = print_chunk(
        Quarter.parse(p["quarter"]),
        p["township"],
        p.get("cursor"),
        seconds,
        uow=s.uow,
        clock=s.clock,
        blobs=s.blobs,
        printer=Printer(s.pdf, s.qr),
        public_base_url=s.config.public_base_url,
    )
    if chunk.next_village:
        with s.uow() as uow:
            uow.jobs.enqueue(
                Job(
                    kind="batch",
                    payload={**p, "cursor": chunk.next_village},
                    dedupe_key=f"happiness:{p['quarter']}:{p['township']}:{chunk.next_village}",
                )
            )


handler = sqs_handler(_print)
