"""An ID-photo check kept next to the checked copy of the photo, so a later application that names the
photo is held to the photo rule (domain/photo_rule.py) without reading the photo again: the API function
that takes applications has no OCR engine. The record lives in the uploader's own folder and expires with
the photo (uploads/ lifecycle); the blob store encrypts it at rest as it does the photo, which shows the
same name and number."""

import json

from yimen.domain import photo_rule
from yimen.domain.errors import NotFound
from yimen.domain.model import Actor
from yimen.ports import BlobStore
from yimen.services.applications.uploads import UPLOAD_PREFIX, scope

SUFFIX = ".check.json"  # never an upload's own ending: a presigned form pins .jpg/.png/.webp keys


def keep_check(blobs: BlobStore, photo_key: str, result: dict) -> None:
    record = {"name": result["name"], "id_number": result["id_number"], "warnings": result["warnings"]}
    blobs.put(photo_key + SUFFIX, json.dumps(record, ensure_ascii=False).encode(), "application/json")


def checked_findings(
    blobs: BlobStore, actor: Actor, photo_key: str, name: str, id_number: str
) -> list[photo_rule.PhotoWarning] | None:
    """The findings of this actor's checked photo against the applicant as submitted; None when the photo
    was never checked (then the OCR worker reads it after submission and the clerk sees what it found)."""
    if not photo_key.startswith(f"{UPLOAD_PREFIX}{scope(actor)}/"):
        return None
    try:
        record = json.loads(blobs.get(photo_key + SUFFIX))
    except NotFound:
        return None
    return photo_rule.against_applicant(record["warnings"], record["name"], record["id_number"], name, id_number)
