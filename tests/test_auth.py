"""Login through wechatpy over HTTP to the bundled imitation; staff passwords; area scoping."""

import hashlib
import re

from yimen.domain.model import Role


def test_wechat_login_goes_through_the_imitation_over_http(client, config):
    first = client.post("/api/v1/auth/wechat-login", json={"code": "abc"}).get_json()
    again = client.post("/api/v1/auth/wechat-login", json={"code": "abc"}).get_json()
    other = client.post("/api/v1/auth/wechat-login", json={"code": "xyz"}).get_json()
    expected = "o" + hashlib.sha256(f"{config.wechat_appid}:abc".encode()).hexdigest()[:27]
    assert first["openid"] == again["openid"] == expected
    assert other["openid"] != expected
    assert first["token"]


def test_invalid_wechat_code_is_refused_in_chinese(client):
    response = client.post("/api/v1/auth/wechat-login", json={"code": "invalid-code"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "WECHAT_CODE_INVALID"
    assert "重新进入" in response.get_json()["error"]["message"]


def test_bearer_token_is_required_and_checked(client, citizen_headers):
    assert client.get("/api/v1/me/households").status_code == 401
    bad = client.get("/api/v1/me/households", headers={"Authorization": "Bearer forged"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "TOKEN_INVALID"
    assert client.get("/api/v1/me/households", headers=citizen_headers).get_json() == {"items": []}


def test_staff_login_wrong_password(app, seeded):
    c = app.test_client()
    page = c.get("/staff/login").get_data(as_text=True)
    import re

    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = c.post("/staff/login", data={"username": "window1", "password": "wrong", "csrf": csrf})
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert c.get("/staff/").status_code == 302


def test_unknown_username_with_the_timing_decoys_password_is_a_plain_failed_login(app, seeded):
    """Unknown names are checked against a decoy hash (equal timing); its password opens nothing."""
    c = app.test_client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/staff/login").get_data(as_text=True)).group(1)
    form = {"username": "nobody-here", "password": "not-a-real-password", "csrf": csrf}
    response = c.post("/staff/login", data=form)
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert c.get("/staff/").status_code == 302


def test_staff_post_without_csrf_token_is_rejected(app, seeded):
    c = app.test_client()
    response = c.post("/staff/login", data={"username": "window1", "password": "yimen-demo-2026"})
    assert response.status_code == 400


def test_township_clerk_sees_only_own_township(staff_client, seeded):
    clerk = staff_client("window1")  # 城关镇 990101001
    with seeded.uow() as uow:
        own = next(uow.households.iter_in_area("990101001"))
        foreign = next(uow.households.iter_in_area("990101002"))
    assert clerk.get(f"/api/v1/households/{own.id}").status_code == 200
    denied = clerk.get(f"/api/v1/households/{foreign.id}")
    assert denied.status_code == 403
    assert denied.get_json()["error"]["code"] == "OUT_OF_AREA"
    assert clerk.get(f"/staff/households/{foreign.id}").status_code == 403
    listed = clerk.get("/api/v1/households?limit=200").get_json()["items"]
    assert listed and all(h["village_code"].startswith("990101001") for h in listed)
    assert foreign.id not in {h["id"] for h in listed}


def test_county_staff_sees_every_township(staff_client, seeded):
    centre = staff_client("centre")
    listed = centre.get("/api/v1/households?limit=200").get_json()["items"]
    assert {h["village_code"][:9] for h in listed} == {"990101001", "990101002", "990101003"}


def test_citizen_cannot_read_someone_elses_household(client, citizen_headers, seeded):
    with seeded.uow() as uow:
        household = next(uow.households.iter_in_area(""))
    response = client.get(f"/api/v1/households/{household.id}", headers=citizen_headers)
    assert response.status_code == 404


def test_demo_has_every_role(seeded):
    with seeded.uow() as uow:
        roles = {u.role for u in uow.staff.list_all()}
    assert roles == set(Role)
