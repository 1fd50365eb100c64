"""Direct uploads. The phone asks for a form, sends the photo straight to the blob store (S3's presigned
POST, or its local stand-in), then names the upload key in later requests: the ID-photo check and the
application. Keys sit under the uploader's own scope, so nobody can claim another person's upload.
Uploads are working copies, gone after 7 days; what an application keeps is copied."""

import hashlib
import uuid

from yimen.domain.errors import NotFound, ValidationError
from yimen.domain.model import Actor
from yimen.ports import BlobStore

MAX_PHOTO_BYTES = 10 * 1024 * 1024  # every photo, however it arrives
UPLOAD_PREFIX = "uploads/"
UPLOAD_TTL_SECONDS = 7 * 24 * 3600  # infra/s3.yml's lifecycle rule; `yimen serve` sweeps the local folder
FORM_SECONDS = 600  # long enough for a slow 3G upload of a 10 MB photo
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def scope(actor: Actor) -> str:
    """A folder per person that does not reveal the openid or staff id it stands for."""
    return hashlib.sha256(f"{actor.kind}:{actor.id}".encode()).hexdigest()[:24]


def new_key(actor: Actor, content_type: str, label: str = "photo") -> str:
    return f"{UPLOAD_PREFIX}{scope(actor)}/{label}-{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"


def upload_form(blobs: BlobStore, actor: Actor, content_type: str) -> dict:
    if content_type not in EXTENSIONS:
        raise ValidationError("UPLOAD_TYPE_UNSUPPORTED", "只能上传JPG、PNG或WebP格式的照片。")
    key = new_key(actor, content_type)
    form = blobs.presigned_upload(key, content_type, MAX_PHOTO_BYTES, FORM_SECONDS)
    return {
        "upload_key": key,
        "url": form["url"],
        "fields": form["fields"],
        "max_bytes": MAX_PHOTO_BYTES,
        "expires_in": FORM_SECONDS,
    }


def take(blobs: BlobStore, actor: Actor, key: object) -> bytes:
    """The bytes of an upload this actor made; the same answer for someone else's key as for none."""
    if not isinstance(key, str) or not key.startswith(f"{UPLOAD_PREFIX}{scope(actor)}/") or ".." in key:
        raise NotFound("UPLOAD_NOT_FOUND", "没有找到已上传的照片，请重新上传。")
    try:
        return blobs.get(key)
    except NotFound as exc:
        raise NotFound("UPLOAD_NOT_FOUND", "没有找到已上传的照片，请重新上传。") from exc
