"""The 幸福码 end to end: a QR image decodes to a URL that opens the list; the owner sees it whole,
others masked; rotating kills the old code; unknown and revoked codes look the same; rate limits."""

import io
import re
from urllib.parse import urlsplit

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from tests.happiness.conftest import scan_qr, token_of
from yimen.adapters.qr import QrcodeEncoder
from yimen.services.happiness.lists import TOKEN_NS, ensure_token, new_token

BASE = "https://yimen.example.gov.cn"


@pytest.fixture
def household(seeded):
    """A demo household with aid records, and its live token."""
    with seeded.uow() as uow:
        for h in uow.households.iter_in_area(""):
            if uow.aid_records.list_for_household(h.id):
                return h, ensure_token(uow, h.id, "2026-11-25T10:00:00")
    raise AssertionError("demo seed has no household with aid")


def decode_png(png: bytes) -> str:
    return scan_qr(cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE))


def test_qr_image_decodes_to_a_page_showing_the_masked_list(client, household):
    h, token = household
    response = client.get(f"/api/v1/happiness/{token}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    url = decode_png(response.data)
    assert url == f"{BASE}/h/{token}"
    page = client.get(urlsplit(url).path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "幸福清单" in html and "帮扶明细" in html and "以上信息如有疑问请联系" in html
    assert h.head.name[0] + "*" in html and h.head.name not in html
    assert h.head.id_number not in html and h.head.id_number[-4:] not in html
    assert "县民政局" in html and "按月发放低保金" in html
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_token_is_random_and_not_the_household(household):
    h, token = household
    assert len(token) == 24 and h.id not in token
    assert all(m.id_number not in token for m in h.members)
    assert len({new_token() for _ in range(1000)}) == 1000


def _login(client, code: str) -> tuple[dict, str]:
    body = client.post("/api/v1/auth/wechat-login", json={"code": code}).get_json()
    return {"Authorization": f"Bearer {body['token']}"}, body["openid"]


def _make_owner(services, household_id: str, openid: str) -> None:
    with services.uow() as uow:
        h = uow.households.get(household_id)
        h.owner_openid = openid
        uow.households.update(h)


def test_owner_sees_unmasked_others_masked(client, seeded, household):
    h, token = household
    owner_headers, openid = _login(client, "owner-code")
    stranger_headers, _ = _login(client, "stranger-code")
    _make_owner(seeded, h.id, openid)
    own = client.get(f"/h/{token}", headers=owner_headers).get_data(as_text=True)
    assert h.head.name in own and h.head.id_number in own and "请勿转发" in own
    other = client.get(f"/h/{token}", headers=stranger_headers).get_data(as_text=True)
    assert h.head.name not in other and h.head.id_number not in other and "部分隐去" in other


def test_mine_returns_the_owners_lists_unmasked(client, seeded, household):
    h, token = household
    headers, openid = _login(client, "owner-code")
    _make_owner(seeded, h.id, openid)
    body = client.get("/api/v1/happiness/mine", headers=headers).get_json()
    assert len(body["lists"]) == 1
    entry = body["lists"][0]
    assert entry["url"] == f"{BASE}/h/{token}"
    assert entry["list"]["head_name"] == h.head.name
    assert entry["list"]["members"][0]["id_number"] == h.head.id_number
    assert entry["list"]["masked"] is False
    total = sum(r["amount_fen"] for r in entry["list"]["records"])
    assert entry["list"]["grand_total"]["amount_fen"] == total > 0
    assert client.get("/api/v1/happiness/mine").status_code == 401


def console(staff_client, username: str):
    """A logged-in clerk with the CSRF token the console pages carry (login starts a new session)."""
    clerk = staff_client(username)
    clerk.csrf = re.search(r'name="csrf" value="([^"]+)"', clerk.get("/staff/").get_data(as_text=True)).group(1)
    return clerk


def test_rotation_kills_the_old_code(client, staff_client, seeded, household):
    h, old = household
    assert client.get(f"/h/{old}").status_code == 200
    clerk = console(staff_client, "window1" if h.village_code.startswith("990101001") else "centre")
    response = clerk.post(f"/staff/households/{h.id}/happiness-token/rotate", data={"csrf": clerk.csrf})
    assert response.status_code == 200
    new = token_of(re.search(r"<code>([^<]+)</code>", response.get_data(as_text=True)).group(1))
    assert new != old
    dead = client.get(f"/h/{old}")
    assert dead.status_code == 404
    assert client.get(f"/api/v1/happiness/{old}/qr.png").status_code == 404
    assert client.get(f"/h/{new}").status_code == 200
    with seeded.uow() as uow:
        assert uow.kv.get(TOKEN_NS, old) is None
        events = uow.audit.for_object("household", h.id)
    assert events[-1].action == "happiness_token_rotated" and old not in repr(events[-1])
    # A revoked code and a code that never existed are indistinguishable.
    never = client.get(f"/h/{new_token()}")
    assert never.status_code == 404 and never.get_data() == dead.get_data()
    assert "无效或已停用" in dead.get_data(as_text=True)


def test_rotation_needs_staff_in_the_area_and_csrf(app, staff_client, seeded, household):
    h, _ = household
    outsider = next(
        u
        for u, c in (("window1", "990101001"), ("window2", "990101002"), ("window3", "990101003"))
        if not h.village_code.startswith(c)
    )
    clerk = console(staff_client, outsider)
    assert clerk.post(f"/staff/households/{h.id}/happiness-token/rotate", data={"csrf": clerk.csrf}).status_code == 403
    assert clerk.post(f"/staff/households/{h.id}/happiness-token/rotate", data={}).status_code == 400
    anonymous = app.test_client().post(f"/staff/households/{h.id}/happiness-token/rotate")
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]
    auditor = console(staff_client, "discipline")
    assert (
        auditor.post(f"/staff/households/{h.id}/happiness-token/rotate", data={"csrf": auditor.csrf}).status_code == 403
    )


@pytest.mark.parametrize("config_overrides", [{"happiness_rate_limit": 5}])
def test_guessing_is_rate_limited(client, household):
    _, token = household
    statuses = [client.get(f"/h/{new_token()}").status_code for _ in range(5)]
    assert statuses == [404] * 5
    assert client.get(f"/h/{token}").status_code == 429  # even the right code, once over the limit
    assert client.get(f"/api/v1/happiness/{token}/qr.png").status_code == 429


@pytest.mark.parametrize("config_overrides", [{"public_base_url": "http://yimen.example.gov.cn"}])
def test_service_refuses_plain_http_public_urls(services, household):
    _, token = household
    with pytest.raises(Exception, match="https"):
        services.happiness.qr_for_token(token)


def test_staff_reprints_one_sheet_in_area_only(staff_client, seeded, household):
    h, _ = household
    clerk = console(staff_client, "centre")
    response = clerk.get(f"/staff/households/{h.id}/happiness.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text().replace("\n", "")
    assert "幸福清单" in text and h.head.name in text and h.head.id_number not in text
    outsider = next(
        u for u, c in (("window1", "990101001"), ("window2", "990101002")) if not h.village_code.startswith(c)
    )
    assert console(staff_client, outsider).get(f"/staff/households/{h.id}/happiness.pdf").status_code == 403
    with seeded.uow() as uow:
        assert uow.audit.for_object("household", h.id)[-1].action == "happiness_sheet_printed"


@pytest.mark.parametrize("token", ["UUA4ycoZSlt1QWFi_7gNShlZ", new_token(), new_token()])
def test_qr_codes_scan_for_any_token(token):
    """The token that once made the classic detector fail stays in the set; two fresh ones join it."""
    assert decode_png(QrcodeEncoder().png(f"{BASE}/h/{token}")) == f"{BASE}/h/{token}"
