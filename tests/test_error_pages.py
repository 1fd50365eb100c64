"""Pages, not JSON: browsers get a Chinese page with a way back; API clients keep {"error": {code, message}};
an ended login goes to the sign-in page; an unexpected failure shows a reference number that the log carries
without any personal data. Also the /wx-sim/ page and the one public base address."""

import json
import logging
import re
import sqlite3

from yimen.config import load_config, remember_public_base_url

HTML = {"Accept": "text/html,application/xhtml+xml"}


def test_out_of_area_is_a_page_for_the_browser_and_json_for_the_api(staff_client, seeded):
    clerk = staff_client("window1")
    with seeded.uow() as uow:
        foreign = next(uow.households.iter_in_area("990101002"))
    page = clerk.get(f"/staff/households/{foreign.id}", headers=HTML)
    text = page.get_data(as_text=True)
    assert page.status_code == 403 and page.mimetype == "text/html"
    assert "没有权限" in text and "该户不在您的管辖范围内" in text and 'href="/staff/"' in text
    assert "OUT_OF_AREA" not in text
    api = clerk.get(f"/api/v1/households/{foreign.id}")
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "OUT_OF_AREA"


def test_unknown_pages_and_cases(client, staff_client):
    missing = client.get("/no-such-page", headers=HTML)
    assert missing.status_code == 404 and "找不到这个页面" in missing.get_data(as_text=True)
    assert 'href="/"' in missing.get_data(as_text=True)
    case = staff_client("window1").get("/staff/cases/0000000000000000", headers=HTML)
    assert case.status_code == 404 and "找不到该申请" in case.get_data(as_text=True)
    assert client.get("/api/v1/no-such-thing").get_json()["error"]["code"] == "NOT_FOUND"


def test_a_citizen_page_with_an_ended_login_goes_to_sign_in(client):
    with client.session_transaction() as session:
        session["citizen_token"] = "forged"
    answer = client.get("/my", headers=HTML)
    assert answer.status_code == 302 and answer.location.startswith("/login?next=/my")


def test_too_many_requests_is_a_page(client, services):
    limiter = client.application.extensions["yimen"].rate_limiter
    for _ in range(30):  # thirty questions already asked from this address this minute
        limiter.check("policy-ask", "127.0.0.1", 30, 60)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/ask").get_data(as_text=True)).group(1)
    page = client.post("/ask", data={"question": "低保怎么申请", "csrf": csrf}, headers=HTML)
    assert page.status_code == 429 and page.headers["Retry-After"] == "60"
    assert "操作太频繁" in page.get_data(as_text=True)


def test_a_damaged_record_gives_a_reference_number_logged_without_personal_data(staff_client, seeded, caplog):
    with seeded.uow() as uow:
        household = next(uow.households.iter_in_area("990101001"))
    name = household.head.name
    with sqlite3.connect(seeded.config.database) as conn:  # a record damaged in the store itself
        doc = json.loads(conn.execute("SELECT doc FROM households WHERE id = ?", (household.id,)).fetchone()[0])
        doc["members"][0]["relation"] = f"损坏的值{name}"
        conn.execute("UPDATE households SET doc = ? WHERE id = ?", (json.dumps(doc), household.id))
    clerk = staff_client("window1")
    with caplog.at_level(logging.ERROR, logger="yimen"):
        page = clerk.get(f"/staff/households/{household.id}", headers=HTML)
        api = clerk.get(f"/api/v1/households/{household.id}")
    text = page.get_data(as_text=True)
    reference = re.search(r'id="error-reference">([0-9A-F]{8})<', text).group(1)
    assert page.status_code == 500 and "系统出了点问题" in text and 'href="/staff/"' in text
    assert api.status_code == 500 and api.get_json()["error"]["details"]["reference"] != reference
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"ref={reference}" in logged and "/staff/households/<household_id>" in logged
    assert name not in logged and household.id not in logged


def test_wechat_imitation_has_a_page(client):
    page = client.get("/wx-sim/")
    assert page.status_code == 200 and "本地微信接口模拟" in page.get_data(as_text=True)


def test_one_public_base_url_for_every_command(tmp_path, monkeypatch):
    monkeypatch.delenv("YIMEN_PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("YIMEN_WECHAT_API_BASE", raising=False)
    assert load_config(tmp_path).public_base_url == "http://127.0.0.1:8000"
    remember_public_base_url(tmp_path, "http://127.0.0.1:8123/")  # what `yimen serve --port 8123` does
    config = load_config(tmp_path)
    assert config.public_base_url == "http://127.0.0.1:8123"
    assert config.wechat_api_base == "http://127.0.0.1:8123/wx-sim/"
    monkeypatch.setenv("YIMEN_PUBLIC_BASE_URL", "https://yimen.example.gov.cn/")
    assert load_config(tmp_path).public_base_url == "https://yimen.example.gov.cn"


def test_household_page_title_is_plain(staff_client, seeded):
    with seeded.uow() as uow:
        household = next(uow.households.iter_in_area("990101001"))
    page = staff_client("window1").get(f"/staff/households/{household.id}").get_data(as_text=True)
    assert re.search(r"<title>(.*?)</title>", page, re.S).group(1) == "一户一档 · 一门 社会救助"
