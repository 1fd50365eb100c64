"""OCR, in a function sized for the model: API Gateway routes POST /api/v1/ocr/idcard here (the
same Flask app), and OCR jobs arrive from the ocr queue: a submitted application's ID photo (the
result is kept on the application) or a photo already in the bucket (the result kept by job)."""

from functions.api import handler as http_handler
from functions.runtime import services, sqs_handler

RESULT_NS = "ocr_result"


def _check(job) -> None:
    from yimen.adapters.ocr_rapid import shared_engine
    from yimen.domain.errors import YimenError
    from yimen.services.idcard_check import check_idcard

    s, p = services(), job.payload
    if "application_id" in p:  # a submitted application's ID photo: the result is kept on the case
        from yimen.services.applications import ApplicationService

        ApplicationService(s).check_submitted_photo(p["application_id"], shared_engine())
        return
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
