"""ID-card photo check: the applicant (or a clerk) uploads the front side, gets the fields and warnings."""

from flask import Blueprint, g, jsonify, request

from yimen.domain.errors import ValidationError
from yimen.entrypoints.web.common import api_doc, json_body, login_required, rate_limit, services
from yimen.ports_ocr import OcrEngine, Picture
from yimen.services.applications.uploads import new_key, take
from yimen.services.ocr.checked import keep_check
from yimen.services.ocr.idcard_check import check_image
from yimen.services.ocr.photos import load_upload, photo_slot

bp = Blueprint("api_ocr", __name__, url_prefix="/api/v1")


def ocr_engine() -> OcrEngine:
    """The engine bootstrap chose: the OCR function's in the API Lambda, else this process's own."""
    return services().ocr


def check_photo(image: Picture, expected_name: str | None, expected_id_number: str | None) -> dict:
    """The ID-photo check with this process's engine."""
    return check_image(image, ocr_engine(), expected_name, expected_id_number)


@bp.post("/ocr/idcard")
@api_doc(
    "识别并检查身份证人像面照片（multipart：image；或 JSON：upload_key，照片已直传；"
    "可选 expected_name、expected_id_number）",
    auth="any",
    tags=("ocr",),
)
@login_required("citizen", "staff")
@rate_limit("ocr-idcard", limit=20, per_seconds=60)
def ocr_idcard():
    data, fields = _photo_and_fields()
    with photo_slot():  # decode, read and re-encode in one slot: a burst waits as bytes, not as pixels
        clean = load_upload(data, services().images)
        result = check_photo(clean.image, fields.get("expected_name") or None, fields.get("expected_id_number") or None)
        # Keep only the re-encoded copy (no EXIF, no location); the original bytes are never stored or served.
        # It sits in the uploader's own folder, so the application can name it instead of sending it again.
        jpeg = clean.jpeg_bytes()
    key = new_key(g.actor, "image/jpeg", "idcard")
    services().blobs.put(key, jpeg, "image/jpeg")
    keep_check(services().blobs, key, result)  # the application naming this photo is held to the photo rule
    return jsonify({**result, "photo_key": key})


def _photo_and_fields() -> tuple[bytes, dict]:
    if request.is_json:
        body = json_body()
        return take(services().blobs, g.actor, body.get("upload_key")), body
    upload = request.files.get("image")
    if upload is None:
        raise ValidationError("MISSING_IMAGE", "请选择一张身份证照片上传（字段名 image）。")
    return upload.read(), request.form
