"""Finding 4: staff login throttling and lockout per account and per address, failed logins audited,
signing-PIN tries limited, logout ends the session on the server, the typed signature name checked."""

import re

from tests.conftest import login_staff
from tests.workflow.helpers import PASSWORD, application_body, case_page, csrf_on, submit, version_on

WRONG = "wrong-password"


def _try(app, username: str, password: str, address: str = "10.0.0.1"):
    c = app.test_client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/staff/login").get_data(as_text=True)).group(1)
    return c.post(
        "/staff/login",
        data={"username": username, "password": password, "csrf": csrf},
        environ_base={"REMOTE_ADDR": address},
    )


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(app, seeded, clock):
    codes = [_try(app, "window1", WRONG).status_code for _ in range(5)]
    assert codes == [401] * 5
    locked = _try(app, "window1", PASSWORD, address="10.0.0.99")  # another address: the account is locked
    assert locked.status_code == 429 and "登录失败次数过多" in locked.get_data(as_text=True)
    assert _try(app, "window2", PASSWORD).status_code == 302  # other accounts are not affected
    clock.advance(minutes=16)
    assert _try(app, "window1", PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_locked(app, seeded):
    for n in range(20):
        assert _try(app, f"nobody{n}", WRONG, address="10.9.9.9").status_code == 401
    refused = _try(app, "window3", PASSWORD, address="10.9.9.9")
    assert refused.status_code == 429
    assert _try(app, "window3", PASSWORD, address="10.9.9.10").status_code == 302


def test_failed_logins_are_audited_without_the_typed_name_of_unknown_accounts(app, seeded):
    _try(app, "window1", WRONG, address="10.1.1.1")
    _try(app, "hunter2-typed-as-name", WRONG, address="10.1.1.1")
    with seeded.uow() as uow:
        failed = [e for e in uow.audit.iter_all() if e.action == "login_failed"]
    assert [(e.actor, e.object_id) for e in failed] == [("address:10.1.1.1", "window1"), ("address:10.1.1.1", "-")]


def test_logout_ends_the_session_on_the_server(app, seeded):
    clerk = login_staff(app.test_client(), "window1")
    with clerk.session_transaction() as session:
        stolen = dict(session)  # e.g. a copy of the cookie taken before logout
    csrf = csrf_on(clerk.get("/staff/").get_data(as_text=True))
    assert clerk.post("/staff/logout", data={"csrf": csrf}).status_code == 302
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen)
    assert replay.get("/staff/").status_code == 302  # back to the login page
    assert replay.get("/api/v1/households").status_code == 401


def _decide_form(clerk, app_id: str, **overrides) -> dict:
    page = case_page(clerk, app_id)
    return {
        "csrf": csrf_on(page),
        "version": version_on(page),
        "phrase": "同意受理",
        "typed_name": "城关镇受理窗口",
        "pin": PASSWORD,
        **overrides,
    }


def test_signing_pin_guesses_are_limited_and_audited(client, citizen_headers, staff_client, seeded):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    clerk = staff_client("window1")
    form = _decide_form(clerk, app_id, pin="guess")
    codes = [clerk.post(f"/staff/cases/{app_id}/decide", data=form).status_code for _ in range(5)]
    assert codes == [401] * 5
    right = clerk.post(f"/staff/cases/{app_id}/decide", data={**form, "pin": PASSWORD})
    assert right.status_code == 429 and "签名密码错误次数过多" in right.get_data(as_text=True)
    with seeded.uow() as uow:
        assert uow.applications.get(app_id).stage.value == "受理"
        assert sum(e.action == "signing_pin_failed" for e in uow.audit.iter_all()) == 5


def test_typed_signature_name_must_be_the_signers(client, citizen_headers, staff_client, seeded):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    clerk = staff_client("window1")
    someone_else = _decide_form(clerk, app_id, typed_name="县救助中心 周主任")
    other = clerk.post(f"/staff/cases/{app_id}/decide", data=someone_else)
    assert other.status_code == 400 and "本人账号登记的姓名" in other.get_data(as_text=True)
    own = clerk.post(f"/staff/cases/{app_id}/decide", data=_decide_form(clerk, app_id))
    assert own.status_code == 303


def test_the_staff_api_login_shares_the_lockout(app, seeded):
    c = app.test_client()

    def login(password: str):
        return c.post(
            "/api/v1/staff/login",
            json={"username": "window2", "password": password},
            environ_base={"REMOTE_ADDR": "10.2.2.2"},
        )

    assert [login(WRONG).status_code for _ in range(5)] == [401] * 5
    locked = login(PASSWORD)
    assert locked.status_code == 429 and locked.get_json()["error"]["code"] == "LOGIN_LOCKED"
    assert _try(app, "window2", PASSWORD).status_code == 429  # the console too: one account, one lock


def test_staff_api_logout_ends_the_token_on_the_server(app, seeded):
    c = app.test_client()
    token = c.post("/api/v1/staff/login", json={"username": "window3", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/v1/staff/cases", headers=headers).status_code == 200
    assert c.post("/api/v1/staff/logout", headers=headers).status_code == 204
    ended = c.get("/api/v1/staff/cases", headers=headers)
    assert ended.status_code == 401 and ended.get_json()["error"]["code"] == "SESSION_ENDED"
