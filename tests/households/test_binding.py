"""A resident already on file binds her WeChat to her household: the window's one-time code, or ID number +
name + a code texted to the phone on file (same answer whether or not the number is on file; rate-limited)."""

import re

from tests.workflow.helpers import application_body, csrf_on, id_number, submit


def _login(client, code: str) -> dict:
    token = client.post("/api/v1/auth/wechat-login", json={"code": code}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _household(seeded):
    with seeded.uow() as uow:
        return next(h for h in uow.households.iter_in_area("990101001") if h.phone)


def test_window_code_binds_once(client, staff_client, seeded):
    h = _household(seeded)
    window = staff_client("window1")
    page = window.get(f"/staff/households/{h.id}").get_data(as_text=True)
    issued = window.post(f"/staff/households/{h.id}/binding-code", data={"csrf": csrf_on(page)})
    code = re.search(r"一次性绑定码：(\d{4} \d{4})", issued.get_data(as_text=True)).group(1)
    resident = _login(client, "resident-window")
    wrong = client.post("/api/v1/binding/code", json={"code": "0000 0000"}, headers=resident)
    assert wrong.status_code == 400 and wrong.get_json()["error"]["code"] == "BINDING_CODE_INVALID"
    bound = client.post("/api/v1/binding/code", json={"code": code}, headers=resident)
    assert bound.status_code == 200 and bound.get_json()["household"]["id"] == h.id
    assert bound.get_json()["household"]["members"][0]["id_number"] == h.head.id_number  # her own, unmasked
    again = client.post("/api/v1/binding/code", json={"code": code}, headers=_login(client, "someone-else"))
    assert again.status_code == 400  # one time only
    with seeded.uow() as uow:
        actions = [e.action for e in uow.audit.for_object("household", h.id)]
        stored = uow.households.get(h.id)
    assert "binding_code_issued" in actions and "bound" in actions
    assert stored.owner_openid == seeded.wechat.code_to_openid("resident-window")
    assert staff_client("finance").post(
        f"/staff/households/{h.id}/binding-code", data={"csrf": csrf_on(page)}
    ).status_code in (400, 403)


def test_sms_binding_same_answer_on_file_or_not_then_apply(client, seeded):
    h = _household(seeded)
    resident = _login(client, "resident-sms")
    sent_before = len(seeded.sms.sent())
    asks = [
        {"id_number": h.head.id_number, "name": h.head.name},
        {"id_number": h.head.id_number, "name": "别人"},
        {"id_number": id_number("19700101", "66"), "name": "无档案"},
        {"id_number": "123", "name": "乱填"},
    ]
    answers = [client.post("/api/v1/binding/sms", json=a, headers=resident) for a in asks]
    assert {a.status_code for a in answers} == {200} and len({a.get_data() for a in answers}) == 1
    texts = seeded.sms.sent()[sent_before:]
    assert [t["phone"] for t in texts] == [h.phone]  # only the matching one was texted, to the phone on file
    code = re.search(r"验证码 (\d{6})", texts[0]["text"]).group(1)

    other = f"{(int(code) + 1) % 10**6:06d}"
    wrong = client.post(
        "/api/v1/binding/sms/confirm",
        headers=resident,
        json={"id_number": h.head.id_number, "name": h.head.name, "code": other},
    )
    stranger = client.post(
        "/api/v1/binding/sms/confirm",
        headers=resident,
        json={"id_number": id_number("19700101", "66"), "name": "无档案", "code": code},
    )
    assert wrong.status_code == stranger.status_code == 400 and wrong.get_data() == stranger.get_data()
    ok = client.post(
        "/api/v1/binding/sms/confirm",
        headers=resident,
        json={"id_number": h.head.id_number, "name": h.head.name, "code": code},
    )
    assert ok.status_code == 200 and ok.get_json()["household"]["id"] == h.id

    body = application_body(head_name=h.head.name, head_id=h.head.id_number)
    body.pop("household")
    body["household_id"] = h.id
    created = submit(client, resident, body, key="bound-apply-1")
    assert created.status_code == 201
    with seeded.uow() as uow:
        app = uow.applications.get(created.get_json()["id"])
    assert app.household_id == h.id and app.identity_check is None  # proved: no window check needed


def test_sms_requests_are_rate_limited_per_number(client, seeded):
    h = _household(seeded)
    resident = _login(client, "resident-flood")
    codes = [
        client.post(
            "/api/v1/binding/sms", json={"id_number": h.head.id_number, "name": h.head.name}, headers=resident
        ).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_sms_code_allows_only_a_few_guesses(client, seeded):
    h = _household(seeded)
    resident = _login(client, "resident-guess")
    client.post("/api/v1/binding/sms", json={"id_number": h.head.id_number, "name": h.head.name}, headers=resident)
    code = re.search(r"验证码 (\d{6})", seeded.sms.sent()[-1]["text"]).group(1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(
            "/api/v1/binding/sms/confirm",
            headers=resident,
            json={"id_number": h.head.id_number, "name": h.head.name, "code": wrong},
        )
    late = client.post(
        "/api/v1/binding/sms/confirm",
        headers=resident,
        json={"id_number": h.head.id_number, "name": h.head.name, "code": code},
    )
    assert late.status_code == 400  # the code is gone after five wrong tries


def test_bound_resident_follows_an_assistants_case_and_revokes_the_authorisation(client, staff_client, seeded):
    h = _household(seeded)
    assistant = _login(client, "assistant-revoke")
    body = application_body(head_name=h.head.name, head_id=h.head.id_number)
    body["household"]["members"] = body["household"]["members"][:1]
    body["household"]["village_code"] = h.village_code
    body["materials"]["assistant_authorisation"] = body["materials"]["authorisation"]
    body["assistant"] = {
        "assistant_name": "村协理员 周敏",
        "resident_id_number": h.head.id_number,
        "resident_name": h.head.name,
    }
    app_id = submit(client, assistant, body, key="assist-revoke-1").get_json()["id"]

    resident = _login(client, "resident-revoke")
    assert client.post(f"/api/v1/applications/{app_id}/revoke-assistant", headers=resident).status_code == 404
    window = staff_client("window1")
    page = window.get(f"/staff/households/{h.id}").get_data(as_text=True)
    issued = window.post(f"/staff/households/{h.id}/binding-code", data={"csrf": csrf_on(page)})
    code = re.search(r"一次性绑定码：(\d{4} \d{4})", issued.get_data(as_text=True)).group(1)
    assert client.post("/api/v1/binding/code", json={"code": code}, headers=resident).status_code == 200
    mine = client.get("/api/v1/applications", headers=resident).get_json()["items"]
    assert app_id in [a["id"] for a in mine]  # she follows the case the assistant filed for her

    with client.session_transaction() as session:
        session["citizen_token"] = resident["Authorization"].removeprefix("Bearer ")
    timeline = client.get(f"/my/{app_id}").get_data(as_text=True)
    assert 'id="revoke-assistant"' in timeline and "村协理员 周敏" in timeline
    assert client.post(f"/my/{app_id}/revoke-assistant", data={"csrf": csrf_on(timeline)}).status_code == 302
    detail = client.get(f"/api/v1/applications/{app_id}", headers=resident).get_json()
    assert detail["assistant"]["revoked"] is True and detail["stage"] == "受理"  # the case goes on
    assert client.get(f"/api/v1/applications/{app_id}", headers=assistant).status_code == 404
    again = client.post(f"/api/v1/applications/{app_id}/revoke-assistant", headers=resident)
    assert again.status_code == 409
