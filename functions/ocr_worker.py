"""OCR, in a function sized for the model: API Gateway routes POST /api/v1/ocr/idcard here (the
same Flask app); the API function invokes it to read the photo of an H5 application or a staff ID
check (adapters/ocr_lambda.py, answered by services/ocr/remote.py); and OCR jobs arrive from the ocr
queue: a submitted application's ID photo (the result is kept on the application) or a photo already
in the bucket (kept by job). The engine is bootstrap's: one model per container, loaded on the first read."""

from functions.api import handler as http_handler
from functions.runtime import services, sqs_handler
from yimen.domain.errors import YimenError
from yimen.ports_ocr import READ_EVENT
from yimen.services.ocr.idcard_check import check_idcard
from yimen.services.ocr.remote import answer_read

RESULT_NS = "ocr_result"


def _check(job) -> None:
    s, p = services(), job.payload
    if "application_id" in p:  # a submitted application's ID photo: the result is kept on the case
        s.id_checks.check_submitted(p["application_id"], s.ocr)
        return
    try:
        result = check_idcard(
            s.blobs.get(p["blob_key"]), s.images, s.ocr, p.get("expected_name"), p.get("expected_id_number")
        )
    except YimenError as exc:  # an unusable or missing photo stays so: record why, don't retry
        result = {"error": {"code": exc.code, "message": exc.message}}
    with s.uow() as uow:
        uow.kv.put(RESULT_NS, job.dedupe_key, result)


_jobs = sqs_handler(_check)


def handler(event: dict, context) -> dict:
    if READ_EVENT in event:
        return answer_read(event, services().images, services().ocr)
    return _jobs(event, context) if "Records" in event else http_handler(event, context)
