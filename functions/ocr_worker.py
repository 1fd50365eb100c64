"""OCR, in a function sized for the model: API Gateway routes POST /api/v1/ocr/idcard here (the
same Flask app), and OCR jobs arrive from the ocr queue (a photo already in the bucket)."""

from functions.api import handler as http_handler
from functions.runtime import services, sqs_handler

RESULT_NS = "ocr_result"


def _check(job) -> None:
    from yimen.adapters.ocr_rapid import shared_engine
    from yimen.domain.errors import YimenError
    from yimen.services.idcard_check import check_idcard

    s, p = services(), job.payload
    try:
        result = check_idcard(s.blobs.get(p["blob_key"]), shared_engine(), p.get("expected_name"),
                              p.get("expected_id_number"))
    except YimenError as exc:  # an unusable or missing photo stays so: record why, don't retry
        result = {"error": {"code": exc.code, "message": exc.message}}
    with s.uow() as uow:
        uow.kv.put(RESULT_NS, job.dedupe_key, result)


_jobs = sqs_handler(_check)


def handler(event: dict, context) -> dict:
    return _jobs(event, context) if "Records" in event else http_handler(event, context)
