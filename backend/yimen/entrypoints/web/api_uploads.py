"""Direct uploads: a form to send a photo straight to the blob store, and (embedded default only) the
route that stands in for S3 receiving that form."""

from flask import Blueprint, abort, g, jsonify, request

from yimen.domain.errors import ValidationError
from yimen.entrypoints.web.common import api_doc, json_body, login_required, rate_limit, services
from yimen.services.applications.uploads import upload_form

bp = Blueprint("api_uploads", __name__, url_prefix="/api/v1")


@bp.post("/uploads")
@api_doc(
    "申请直传表单：照片直接传到文件存储（S3 预签名 POST），再用 upload_key 识别或提交",
    auth="any",
    body={"content_type": "string"},
    tags=("ocr",),
)
@login_required("citizen", "staff")
@rate_limit("upload-form", limit=30, per_seconds=60)
def new_upload():
    form = upload_form(services().blobs, g.actor, str(json_body().get("content_type") or "image/jpeg"))
    if form["url"].startswith("/"):  # the local stand-in answers on this server
        form["url"] = request.host_url.rstrip("/") + form["url"]
    return jsonify(form), 201


@bp.post("/uploads/direct")
@api_doc("本地文件存储接收直传表单（multipart：表单字段 + file），仅嵌入式部署", tags=("ocr",))
@rate_limit("upload-direct", limit=30, per_seconds=60)
def direct_upload():
    accept = getattr(services().blobs, "accept_upload", None)
    if accept is None:  # on S3 the form goes to the bucket, never here
        abort(404)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("MISSING_FILE", "没有收到照片，可能网络中断了，请重新上传。")
    accept(request.form, upload.read())
    return "", 204
