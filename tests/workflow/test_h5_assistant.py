"""协理员 mode on the H5 apply page: a village assistant applies for a resident who cannot, the resident signs
on the assistant's phone, and the assistant finds the case under 我代办的居民."""

import io
import random

from tests.ocr import cardgen
from tests.workflow.helpers import png

VILLAGE = "990101002001"


def _login_page(client, code: str) -> None:
    token = client.post("/api/v1/auth/wechat-login", json={"code": code}).get_json()["token"]
    with client.session_transaction() as session:
        session["citizen_token"] = token
        session["csrf"] = "h5-form-token"  # what the apply page's hidden field carries


def _card(person) -> bytes:
    buffer = io.BytesIO()
    rng = random.Random(3)
    cardgen.to_rgb(cardgen.on_table(cardgen.draw_front(person, rng), rng)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def _form(person, **extra) -> dict:
    return {
        "csrf": "h5-form-token",
        "idempotency_key": "h5-assist-0001",
        "name": person.name,
        "id_number": person.id_number,
        "phone": "13900002222",
        "village_code": VILLAGE,
        "address": "青山村5组3号",
        "items": "dibao",
        "signature": "data:image/png;base64," + png(),
        "id_photo": (io.BytesIO(_card(person)), "card.jpg"),
        **extra,
    }


def test_assistant_applies_for_a_resident_and_lists_them(client, seeded):
    person = cardgen.make_person(random.Random(41))
    _login_page(client, "assistant-h5")
    missing = client.post("/apply", data=_form(person, assistant_mode="1"), content_type="multipart/form-data")
    page = missing.get_data(as_text=True)
    assert missing.status_code == 200 and 'id="error-assistant_name"' in page
    assert "代办申请需填写协理员姓名、被代办人身份证号和姓名" in page
    assert "已收到身份证照片" in page  # kept for the second try

    done = client.post(
        "/apply",
        data=_form(person, assistant_mode="1", assistant_name="村协理员 周敏"),
        content_type="multipart/form-data",
    )
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    app_id = done.headers["Location"].split("/my/")[1].split("?")[0]
    with seeded.uow() as uow:
        app = uow.applications.get(app_id)
        household = uow.households.get(app.household_id)
    assert app.assistant.name == "村协理员 周敏" and app.assistant.authorisation_key
    assert household.owner_openid is None and household.head.name == person.name  # the resident's, not the assistant's
    mine = client.get("/my").get_data(as_text=True)
    assert "我代办的居民" in mine and person.name[0] + "*" in mine and person.id_number not in mine
