"""Shared steps for the workflow tests: a citizen's form, staff console forms read from the HTML."""

import base64
import io
import re

from PIL import Image

from yimen.services.demo.county import id_check_digit

VILLAGE = "990101001001"  # 示范县 城关镇 东街社区
PASSWORD = "yimen-demo-2026"


def png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def id_number(birth: str, seq: str, gender_digit: str = "3") -> str:
    first17 = f"990101{birth}{seq}{gender_digit}"
    return first17 + id_check_digit(first17)


def application_body(head_name: str = "测试甲", head_id: str | None = None, items=("dibao",)) -> dict:
    return {
        "items": list(items),
        "household": {
            "village_code": VILLAGE,
            "address": "示范县城关镇东街社区3组8号",
            "phone": "13900001111",
            "bank_card": "6222000011112222333",
            "housing": "危房",
            "assets_fen": 0,
            "members": [
                {
                    "name": head_name,
                    "id_number": head_id or id_number("19500101", "12"),
                    "relation": "户主",
                    "work_capacity": "部分劳动能力",
                    "monthly_income_fen": {"务农": 20000},
                },
                {
                    "name": "测试乙",
                    "id_number": id_number("19520202", "34", "4"),
                    "relation": "配偶",
                    "work_capacity": "无劳动能力",
                    "disability_type": "肢体",
                    "disability_grade": 2,
                },
            ],
        },
        "materials": {"id_photo": png(), "application_letter": png(), "authorisation": png()},
    }


def submit(client, headers, body: dict, key: str = "key-0001"):
    return client.post("/api/v1/applications", json=body, headers={**headers, "Idempotency-Key": key})


def case_page(staff, app_id: str) -> str:
    response = staff.get(f"/staff/cases/{app_id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def csrf_on(page: str) -> str:
    # read from the page: logging in starts a new session, so the login form's token is gone
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def signer_on(page: str) -> str:
    """The logged-in clerk's own name, which a signature must carry (shown at the top of every page)."""
    return re.search(r'<p class="muted">([^<（]+)（', page).group(1)


def act(staff, app_id: str, path: str, form: dict, version: str | None = None, typed_name: str | None = None):
    """Post one console form the way the case page does: its version and CSRF token, and a signature."""
    page = case_page(staff, app_id)
    data = {
        "csrf": csrf_on(page),
        "version": version or version_on(page),
        "typed_name": typed_name or signer_on(page),
        "pin": PASSWORD,
        **form,
    }
    return staff.post(f"/staff/cases/{app_id}/{path}", data=data)


def decide(staff, app_id: str, phrase: str, reason: str = ""):
    response = act(staff, app_id, "decide", {"phrase": phrase, "reason": reason})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response
