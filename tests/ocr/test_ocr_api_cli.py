"""POST /api/v1/ocr/idcard and `yimen ocr-idcard`, end to end with the real engine."""

import io
import json

from click.testing import CliRunner
from PIL import Image

from yimen.entrypoints.cli.ocr import ocr_idcard_command


def upload(client, data: bytes, headers=None, **form):
    body = {"image": (io.BytesIO(data), "card.jpg"), **form}
    return client.post("/api/v1/ocr/idcard", data=body, headers=headers or {}, content_type="multipart/form-data")


def jpeg_with_location(path) -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "GPS 31.2096N 107.5023E"
    buf = io.BytesIO()
    Image.open(path).convert("RGB").save(buf, "JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()


def test_citizen_upload_returns_fields_checks_and_stores_a_clean_copy(client, citizen_headers, sample_files, services):
    sample, path = sample_files["table-1"]
    person = sample.person
    response = upload(
        client,
        jpeg_with_location(path),
        citizen_headers,
        expected_name=person.name,
        expected_id_number=person.id_number,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["id_number"], body["name"], body["gender"]) == (person.id_number, person.name, person.gender)
    assert body["birth_date"] == person.birth.isoformat() and body["address"] == person.address
    assert body["checks"]["name_matches_expected"] is True and body["warnings"] == []
    stored = services.blobs.get(body["photo_key"])
    assert b"GPS" not in stored and not Image.open(io.BytesIO(stored)).getexif()


def test_back_side_gets_the_standard_error_format(client, citizen_headers, sample_files):
    _, path = sample_files["back-0"]
    response = upload(client, path.read_bytes(), citizen_headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "IDCARD_BACK_SIDE"
    assert "人像面" in response.get_json()["error"]["message"]


def test_upload_needs_login_an_image_and_a_real_photo(client, citizen_headers):
    assert upload(client, b"\xff\xd8\xff").status_code == 401
    missing = client.post("/api/v1/ocr/idcard", data={}, headers=citizen_headers)
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "MISSING_IMAGE"
    fake = upload(client, b"<html>not a photo</html>", citizen_headers)
    assert fake.status_code == 400 and fake.get_json()["error"]["code"] == "IMAGE_TYPE_UNSUPPORTED"
    huge = upload(client, b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024 + 1), citizen_headers)
    assert huge.status_code == 413 and "error" in huge.get_json()


def test_staff_may_check_a_photo_too(staff_client, sample_files):
    clerk = staff_client("window1")
    sample, path = sample_files["rot180-0"]
    response = upload(clerk, path.read_bytes())
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["id_number"] == sample.person.id_number


def test_cli_prints_plain_chinese_and_masks_the_number(sample_files):
    sample, path = sample_files["id_gender_mismatch-0"]
    result = CliRunner().invoke(ocr_idcard_command, [str(path)])
    assert result.exit_code == 1  # a warning was found
    assert f"姓名：{sample.person.name}" in result.output
    assert sample.person.id_number not in result.output
    assert sample.person.id_number[-4:] in result.output and "性别" in result.output
    assert "ID_GENDER_MISMATCH" in result.output


def test_cli_json_for_scripts_and_error_exit_code(sample_files):
    sample, path = sample_files["plain-1"]
    ok = CliRunner().invoke(ocr_idcard_command, [str(path), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["id_number"] == sample.person.id_number
    _, receipt = sample_files["receipt-0"]
    bad = CliRunner().invoke(ocr_idcard_command, [str(receipt), "--json"])
    assert bad.exit_code == 2 and json.loads(bad.output)["error"]["code"] == "NOT_AN_IDCARD"
