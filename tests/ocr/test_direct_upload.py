"""Photos sent straight to the blob store: form → upload → ID-photo check by upload_key → application
naming the checked photo. Here the embedded store's stand-in route; S3's form is checked in tests/contract."""

import io
import os
import random
import time

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.ocr import cardgen
from tests.workflow.helpers import application_body, submit
from yimen.services.applications.uploads import UPLOAD_PREFIX, UPLOAD_TTL_SECONDS


def card_jpeg(person) -> bytes:
    buffer = io.BytesIO()
    rng = random.Random(5)
    cardgen.to_rgb(cardgen.on_table(cardgen.draw_front(person, rng), rng)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def new_form(client, headers, content_type="image/jpeg"):
    response = client.post("/api/v1/uploads", json={"content_type": content_type}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def send(client, form, data: bytes):
    fields = {**form["fields"], "file": (io.BytesIO(data), "photo.jpg")}
    return client.post(form["url"].removeprefix("http://localhost"), data=fields, content_type="multipart/form-data")


def other_citizen(client):
    token = client.post("/api/v1/auth/wechat-login", json={"code": "another-citizen"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def person():
    return cardgen.make_person(random.Random(21))


def test_photo_goes_straight_to_the_store_then_is_checked_and_filed(client, citizen_headers, seeded, person):
    form = new_form(client, citizen_headers)
    assert form["url"] == "http://localhost/api/v1/uploads/direct" and form["max_bytes"] == 10 * 1024 * 1024
    assert "test-citizen-code" not in form["upload_key"]  # the folder does not reveal who uploaded
    assert send(client, form, card_jpeg(person)).status_code == 204

    checked = client.post(
        "/api/v1/ocr/idcard",
        headers=citizen_headers,
        json={"upload_key": form["upload_key"], "expected_name": person.name, "expected_id_number": person.id_number},
    )
    assert checked.status_code == 200, checked.get_json()
    result = checked.get_json()
    assert (result["id_number"], result["name"]) == (person.id_number, person.name)
    assert result["checks"]["name_matches_expected"] is True

    body = application_body(head_name=person.name, head_id=person.id_number)
    body["materials"]["id_photo"] = {"upload_key": result["photo_key"]}
    created = submit(client, citizen_headers, body, key="direct-0001")
    assert created.status_code == 201, created.get_json()
    again = submit(client, citizen_headers, body, key="direct-0001")  # weak network: the phone sends it twice
    assert again.status_code == 200 and again.get_json()["id"] == created.get_json()["id"]
    with seeded.uow() as uow:
        app = uow.applications.get(created.get_json()["id"])
    # the checked copy, once more re-encoded from its pixels like every material (no metadata can ride along)
    kept, checked = (
        Image.open(io.BytesIO(seeded.blobs.get(k))).convert("L")
        for k in (app.materials["id_photo"], result["photo_key"])
    )
    assert kept.size == checked.size and ImageStat.Stat(ImageChops.difference(kept, checked)).mean[0] < 2


def test_nobody_can_use_another_persons_upload(client, citizen_headers, person):
    form = new_form(client, citizen_headers)
    send(client, form, card_jpeg(person))
    stranger = other_citizen(client)
    for response in (
        client.post("/api/v1/ocr/idcard", headers=stranger, json={"upload_key": form["upload_key"]}),
        submit(
            client,
            stranger,
            {
                **application_body(),
                "materials": {**application_body()["materials"], "id_photo": {"upload_key": form["upload_key"]}},
            },
        ),
    ):
        assert response.status_code == 404
        error = response.get_json()["error"]
        assert error == {"code": "UPLOAD_NOT_FOUND", "message": "没有找到已上传的照片，请重新上传。"}
    missing = client.post("/api/v1/ocr/idcard", headers=citizen_headers, json={"upload_key": "uploads/../secrets.json"})
    assert missing.status_code == 404


def test_the_stand_in_enforces_the_form_like_s3(client, citizen_headers, services, monkeypatch):
    form = new_form(client, citizen_headers)
    moved = {**form, "fields": {**form["fields"], "key": "applications/someone/id_photo"}}
    refused = send(client, moved, b"\xff\xd8\xff photo")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "UPLOAD_FORM_INVALID"
    assert not services.blobs.exists("applications/someone/id_photo")

    too_big = send(client, form, b"\xff" * (10 * 1024 * 1024 + 1))
    assert too_big.status_code == 413 and "10MB" in too_big.get_json()["error"]["message"]
    empty = send(client, form, b"")
    assert empty.status_code == 413 and not services.blobs.exists(form["upload_key"])
    no_file = client.post("/api/v1/uploads/direct", data=form["fields"], content_type="multipart/form-data")
    assert no_file.status_code == 400 and no_file.get_json()["error"]["code"] == "MISSING_FILE"

    monkeypatch.setattr(time, "time", lambda: int(form["fields"]["expires"]) + 1)  # a form left overnight
    late = send(client, form, b"\xff\xd8\xff photo")
    assert late.status_code == 403 and late.get_json()["error"]["message"] == "上传凭证已过期，请重新选择照片上传。"


def test_forms_need_login_and_a_photo_type(client, citizen_headers):
    assert client.post("/api/v1/uploads", json={"content_type": "image/jpeg"}).status_code == 401
    pdf = client.post("/api/v1/uploads", json={"content_type": "application/pdf"}, headers=citizen_headers)
    assert pdf.status_code == 400 and pdf.get_json()["error"]["code"] == "UPLOAD_TYPE_UNSUPPORTED"


def test_local_files_are_sealed_on_disk(client, citizen_headers, services, person):
    form = new_form(client, citizen_headers)
    photo = card_jpeg(person)
    send(client, form, photo)
    on_disk = (services.config.blob_dir / form["upload_key"]).read_bytes()
    assert photo not in on_disk and not on_disk.startswith(b"\xff\xd8")
    assert services.blobs.get(form["upload_key"]) == photo


def test_old_uploads_expire_like_the_buckets_lifecycle_rule(services):
    services.blobs.put("uploads/ab/old.jpg", b"old")
    services.blobs.put("uploads/ab/new.jpg", b"new")
    services.blobs.put("applications/a1/id_photo", b"kept")
    week_ago = time.time() - UPLOAD_TTL_SECONDS - 60
    old = services.config.blob_dir / "uploads/ab/old.jpg"
    os.utime(old, (week_ago, week_ago))
    assert services.blobs.expire(UPLOAD_PREFIX, UPLOAD_TTL_SECONDS) == 1
    assert not services.blobs.exists("uploads/ab/old.jpg") and services.blobs.get("uploads/ab/new.jpg") == b"new"
    assert services.blobs.get("applications/a1/id_photo") == b"kept"


def test_a_raw_camera_photo_named_in_an_application_is_stored_without_its_location(
    client, citizen_headers, seeded, person
):
    exif = Image.Exif()
    exif[0x010E] = "GPS 31.2096N 107.5023E"
    buffer = io.BytesIO()
    Image.open(io.BytesIO(card_jpeg(person))).save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    form = new_form(client, citizen_headers)
    assert send(client, form, buffer.getvalue()).status_code == 204
    body = application_body(head_name=person.name, head_id=person.id_number)
    body["materials"]["id_photo"] = {"upload_key": form["upload_key"]}  # not the checked copy
    created = submit(client, citizen_headers, body, key="raw-photo-1")
    assert created.status_code == 201, created.get_json()
    with seeded.uow() as uow:
        stored = seeded.blobs.get(uow.applications.get(created.get_json()["id"]).materials["id_photo"])
    assert b"GPS" not in stored and not Image.open(io.BytesIO(stored)).getexif()
