"""OCR, in a function sized for the model: API Gateway routes POST /api/v1/ocr/idcard here (the
same Flask app); the API function invokes it to read the photo of an H5 application or a staff ID
check (adapters/ocr_lambda.py); and OCR jobs arrive from the ocr queue: a submitted application's
ID photo (the result is kept on the application) or a photo already in the bucket (kept by job)."""

from functions.api import handler as http_handler
from functions.runtime import services, sqs_handler

RESULT_NS = "ocr_result"


def _check(job) -> None:
    from yimen.adapters.ocr_rapid import shared_engine
    from yimen.domain.errors import YimenError
    from yimen.services.ocr.idcard_check import check_idcard

    s, p = services(), job.payload
    if "application_id" in p:  # a submitted application's ID photo: the result is kept on the case
        from yimen.services.applications.service import ApplicationService

        ApplicationService(s).check_submitted_photo(p["application_id"], shared_engine())
        return
    try:
        result = check_idcard(
            s.blobs.get(p["blob_key"]), shared_engine(), p.get("expected_name"), p.get("expected_id_number")
        )
    except YimenError as exc:  # an unusable or missing photo stays so: record why, don't retry
        result = {"error": {"code": exc.code, "message": exc.message}}
    with s.uow() as uow:
        uow.kv.put(RESULT_NS, job.dedupe_key, result)


_jobs = sqs_handler(_check)


def handler(event: dict, context) -> dict:
    from yimen.adapters.ocr_lambda import READ_EVENT

    if READ_EVENT in event:
        from yimen.adapters.ocr_lambda import read_event
        from yimen.adapters.ocr_rapid import shared_engine

        return read_event(event, shared_engine())
    return _jobs(event, context) if "Records" in event else http_handler(event, context)
