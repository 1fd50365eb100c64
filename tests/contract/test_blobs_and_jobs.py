"""Blob store and job outbox/queue: same behaviour on both backends."""

import pytest

from yimen.domain.errors import NotFound
from yimen.ports import Job

PHOTO = bytes(range(256)) * 40  # binary, not text: every byte value must survive


def test_blob_round_trip_exists_and_delete(backend):
    blobs = backend.services.blobs
    blobs.put("idcards/h1/front.jpg", PHOTO, "image/jpeg")
    assert blobs.get("idcards/h1/front.jpg") == PHOTO
    assert blobs.exists("idcards/h1/front.jpg") and not blobs.exists("idcards/h1/back.jpg")
    blobs.put("idcards/h1/front.jpg", b"replaced", "image/jpeg")
    assert blobs.get("idcards/h1/front.jpg") == b"replaced"
    blobs.delete("idcards/h1/front.jpg")
    assert not blobs.exists("idcards/h1/front.jpg")
    blobs.delete("idcards/h1/front.jpg")  # deleting twice is fine


def test_missing_blob_is_not_found(backend):
    with pytest.raises(NotFound) as caught:
        backend.services.blobs.get("prints/none.pdf")
    assert caught.value.code == "BLOB_NOT_FOUND"


@pytest.mark.parametrize("key", ["../secrets.json", "a/../../b", "/etc/passwd"])
def test_blob_keys_cannot_escape_the_store(backend, key):
    with pytest.raises(ValueError):
        backend.services.blobs.put(key, b"x")


def test_jobs_commit_with_the_unit_of_work_once_per_dedupe_key(backend):
    with backend.uow() as uow:
        uow.jobs.enqueue(Job(kind="notice", payload={"event": "paid", "text": "已拨付"}, dedupe_key="notice:1"))
        uow.jobs.enqueue(Job(kind="notice", payload={"event": "paid", "text": "again"}, dedupe_key="notice:1"))
        uow.jobs.enqueue(Job(kind="ocr", payload={"blob": "idcards/h1/front.jpg"}, dedupe_key="ocr:h1"))
    with backend.uow() as uow:
        uow.jobs.enqueue(Job(kind="notice", payload={"event": "paid"}, dedupe_key="notice:1"))
    with pytest.raises(RuntimeError), backend.uow() as uow:
        uow.jobs.enqueue(Job(kind="notice", payload={"event": "rolled back"}, dedupe_key="notice:2"))
        raise RuntimeError("the change failed, so its notice must not go out")
    notices = backend.delivered("notice")
    assert [(j["dedupe_key"], j["payload"]) for j in notices] == [("notice:1", {"event": "paid", "text": "已拨付"})]
    assert [j["dedupe_key"] for j in backend.delivered("ocr")] == ["ocr:h1"]


def test_presigned_upload_form_takes_the_photo(backend):
    """Both stores take the form as issued. Enforcing its limits is the store's job: the local stand-in
    is tested in tests/ocr/test_direct_upload.py; moto does not enforce POST policies, so for S3 the policy
    document itself is checked in test_aws_only.py."""
    blobs = backend.services.blobs
    form = blobs.presigned_upload("uploads/u1/front.jpg", "image/jpeg", max_bytes=len(PHOTO))
    assert backend.post_form(form, PHOTO) in (200, 201, 204)
    assert blobs.get("uploads/u1/front.jpg") == PHOTO
