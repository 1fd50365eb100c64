"""One rule for which ID-photo findings hold a submission back (domain/photo_rule.py), on the H5 form and on
the JSON API the mini-program uses; photos read by the real OCR engine, nothing patched."""

import io
import random

import pytest

from tests.ocr import cardgen
from tests.workflow.helpers import application_body, png, submit
from tests.workflow.test_h5_assistant import _card, _form, _login_page
from yimen.domain import photo_rule
from yimen.domain.errors import ValidationError

GREY = {"code": "GREYSCALE_COPY", "message": "这张照片是黑白的，像是复印件。请拍摄身份证原件的彩色照片。"}
SOFT = {"code": "IMAGE_BLURRY", "message": "照片有些模糊，请仔细核对识别结果，看不清时请重拍。"}


def test_only_the_blocking_findings_hold_a_submission_until_confirmed():
    photo_rule.require_confirmed([SOFT], confirmed=False)  # shown, never blocking
    photo_rule.require_confirmed([GREY, SOFT], confirmed=True)
    with pytest.raises(ValidationError) as held:
        photo_rule.require_confirmed([SOFT, GREY], confirmed=False)
    assert held.value.code == "PHOTO_NOT_CONFIRMED"
    assert held.value.message == GREY["message"] + "如核对无误，请确认后再提交。"
    assert held.value.details == {"warnings": [GREY]}


def test_a_photo_checked_earlier_is_compared_with_the_applicant_as_submitted():
    checked_then = [SOFT, {"code": "EXPECTED_NAME_MISMATCH", "message": "填写的姓名与身份证照片上的姓名不一致。"}]
    # she fixed a typo in her name after taking the photo: only the soft photo remains
    assert photo_rule.against_applicant(
        checked_then, "王秀英", "511722195603120029", "王秀英", "511722195603120029"
    ) == [SOFT]
    found = photo_rule.against_applicant([], "王秀英", "511722195603120029", "王秀兰", "511722195603120029")
    assert [w["code"] for w in found] == ["EXPECTED_NAME_MISMATCH"]


@pytest.fixture
def person():
    return cardgen.make_person(random.Random(41))


def other_name(name: str) -> str:
    return name[0] + ("芳" if name[-1] != "芳" else "兰")


def test_h5_holds_a_photo_that_shows_another_name_until_the_person_confirms(client, seeded, person):
    _login_page(client, "photo-rule-h5")
    typed = other_name(person.name)
    held = client.post("/apply", data=_form(person, name=typed), content_type="multipart/form-data")
    page = held.get_data(as_text=True)
    assert held.status_code == 200 and 'id="error-id_photo"' in page
    assert "填写的姓名与身份证照片上的姓名不一致。如核对无误，请确认后再提交。" in page
    assert 'name="photo_confirmed"' in page
    assert client.get("/api/v1/applications", headers=_bearer(client, "photo-rule-h5")).get_json()["items"] == []

    done = client.post(
        "/apply", data=_form(person, name=typed, photo_confirmed="1"), content_type="multipart/form-data"
    )
    assert done.status_code == 302 and "/my/" in done.headers["Location"]


def _bearer(client, code: str) -> dict:
    token = client.post("/api/v1/auth/wechat-login", json={"code": code}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _checked_photo(client, headers, person) -> str:
    """The mini-program's way: the photo is checked first; the application names the checked copy."""
    body = {"image": (io.BytesIO(_card(person)), "card.jpg"), "expected_name": person.name}
    response = client.post("/api/v1/ocr/idcard", data=body, headers=headers, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    assert not photo_rule.blocking(response.get_json()["warnings"])
    return response.get_json()["photo_key"]


def _body(person, photo_key: str, name: str) -> dict:
    body = application_body(head_name=name, head_id=person.id_number)
    body["materials"]["id_photo"] = {"upload_key": photo_key}
    return body


def test_the_api_holds_the_same_photo_until_confirmed_and_saves_nothing_meanwhile(client, seeded, person):
    headers = _bearer(client, "photo-rule-api")
    key = _checked_photo(client, headers, person)
    body = _body(person, key, other_name(person.name))  # the name changed after the photo was checked

    held = submit(client, headers, body, key="photo-rule-1")
    error = held.get_json()["error"]
    assert held.status_code == 400 and error["code"] == "PHOTO_NOT_CONFIRMED"
    assert error["message"] == "填写的姓名与身份证照片上的姓名不一致。如核对无误，请确认后再提交。"
    assert [w["code"] for w in error["details"]["warnings"]] == ["EXPECTED_NAME_MISMATCH"]
    assert client.get("/api/v1/applications", headers=headers).get_json()["items"] == []

    done = submit(client, headers, {**body, "photo_confirmed": True}, key="photo-rule-2")
    assert done.status_code == 201, done.get_json()


def test_the_api_takes_a_matching_checked_photo_and_one_never_checked_as_before(client, seeded, person):
    headers = _bearer(client, "photo-rule-api-ok")
    key = _checked_photo(client, headers, person)
    assert submit(client, headers, _body(person, key, person.name), key="photo-rule-3").status_code == 201
    unchecked = application_body(head_name=other_name(person.name), head_id=person.id_number)
    unchecked["materials"]["id_photo"] = png()  # read by the OCR worker after submission, shown to the clerk
    assert submit(client, headers, unchecked, key="photo-rule-4").status_code == 201
