"""Citizen side: idempotent submit, safe status lookup, 协理员 mode, withdrawal, complaints, guarded photos."""

import pytest

from tests.workflow.helpers import application_body, case_page, id_number, png, submit
from yimen.domain.masking import mask_id_number, mask_name


def _login(client, code: str) -> dict:
    token = client.post("/api/v1/auth/wechat-login", json={"code": code}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _resident_form(person, village: str) -> dict:
    return {
        "village_code": village,
        "address": "东街社区1组",
        "members": [{"name": person.name, "id_number": person.id_number}],
    }


def test_submit_is_idempotent(client, citizen_headers, seeded):
    body = application_body()
    first = submit(client, citizen_headers, body, key="retry-key-42")
    again = submit(client, citizen_headers, body, key="retry-key-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(client.get("/api/v1/applications", headers=citizen_headers).get_json()["items"]) == 1
    with seeded.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.object_type == "application" and e.action == "submit"]
    assert len(events) == 1
    changed = {**body, "items": ["dibao", "yiliao"]}
    reused = submit(client, citizen_headers, changed, key="retry-key-42")
    assert reused.status_code == 409 and reused.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    missing = client.post("/api/v1/applications", json=body, headers=citizen_headers)
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"


def test_submit_validates_materials_and_items(client, citizen_headers, seeded):
    body = application_body()
    del body["materials"]["authorisation"]
    response = submit(client, citizen_headers, body, key="key-materials")
    assert response.status_code == 400 and "核对授权书" in response.get_json()["error"]["message"]
    body = application_body(items=["no-such-item"])
    assert submit(client, citizen_headers, body, key="key-items").get_json()["error"]["code"] == "UNKNOWN_ITEM"


def test_status_lookup_shows_only_the_stage_and_leaks_nothing(client, citizen_headers, seeded):
    head_id = id_number("19450303", "21")
    submit(client, citizen_headers, application_body(head_name="查询户", head_id=head_id), key="key-lookup")
    found = client.post("/api/v1/status-lookup", json={"id_number": head_id, "name": "查询户"})
    assert found.status_code == 200
    assert found.get_json() == {
        "found": True,
        "message": "查询到以下申请（仅显示办理环节）",
        "applications": [{"stage": "受理"}],
    }
    with seeded.uow() as uow:
        seeded_member = next(h for h in uow.households.iter_in_area("") if h.id.startswith("demo")).members[0]
    misses = [
        {"id_number": head_id, "name": "别人"},  # right ID, wrong name
        {"id_number": id_number("19450303", "99"), "name": "查询户"},  # valid ID nobody holds
        {"id_number": "123", "name": "查询户"},  # not an ID number at all
        {"id_number": seeded_member.id_number, "name": seeded_member.name},  # filed, but never applied
    ]
    answers = [client.post("/api/v1/status-lookup", json=m) for m in misses]
    assert {a.status_code for a in answers} == {200}
    assert len({a.get_data() for a in answers}) == 1  # byte-identical answers
    assert answers[0].get_json()["found"] is False


def test_status_lookup_is_rate_limited_per_id_number(client, seeded):
    target = {"id_number": id_number("19450303", "55"), "name": "某某"}
    codes = [client.post("/api/v1/status-lookup", json=target).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_assistant_applies_for_a_resident_who_can_see_and_withdraw(app, client, staff_client, seeded):
    resident = _login(client, "resident-code")
    assistant = _login(client, "assistant-code")
    resident_openid = seeded.wechat.code_to_openid("resident-code")
    with seeded.uow() as uow:
        household = next(uow.households.iter_in_area("990101001"))
        household.owner_openid = resident_openid
        uow.households.update(household)
    head = household.members[0]
    body = {
        "items": ["dibao"],
        "assistant": {
            "assistant_name": "村协理员 刘芳",
            "resident_id_number": head.id_number,
            "resident_name": head.name,
        },
        "household": _resident_form(head, household.village_code),
        "materials": application_body()["materials"],
    }
    refused = submit(client, assistant, body, key="assist-001")
    assert refused.status_code == 400 and "代办授权书" in refused.get_json()["error"]["message"]
    body["materials"]["assistant_authorisation"] = body["materials"]["authorisation"]
    created = submit(client, assistant, body, key="assist-003")
    assert created.status_code == 201, created.get_json()
    app_id = created.get_json()["id"]

    seen = client.get("/api/v1/applications", headers=resident).get_json()["items"]
    assert [a["id"] for a in seen] == [app_id]
    assert seen[0]["assistant"] == {
        "name": "村协理员 刘芳",
        "authorisation_signed_on": "2026-11-25",
        "revoked": False,
        "resident": None,
    }  # the resident is named only in the assistant's own list
    page = case_page(staff_client("window1"), app_id)
    assert "协理员代办：村协理员 刘芳" in page
    assert "待核验身份" in page and "代办授权书" in page  # the resident is on file: the window checks first

    withdrawn = client.post(f"/api/v1/applications/{app_id}/withdraw", headers=resident, json={"reason": "不需要了"})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["stage"] == "已撤回"
    assert withdrawn.get_json()["assistant"]["revoked"] is True
    # the authorisation is revoked: the assistant no longer sees the resident's application
    assert client.get(f"/api/v1/applications/{app_id}", headers=assistant).status_code == 404
    assert client.get("/api/v1/applications", headers=assistant).get_json()["items"] == []


def test_assistant_list_names_each_resident_masked(client, seeded):
    """The server, not the assistant's phone, says whom each 协理员 application was for: masked, grouped on /my."""
    assistant = _login(client, "assistant-code")
    with seeded.uow() as uow:
        households = list(uow.households.iter_in_area("990101001"))
    first = households[0].head
    second = next(m for h in households[1:] for m in h.members[1:])  # a resident who is not the head
    materials = {**application_body()["materials"], "assistant_authorisation": png()}
    for n, head in enumerate((first, second, first)):
        body = {
            "items": ["dibao"] if n < 2 else ["yiliao"],
            "materials": materials,
            "assistant": {
                "assistant_name": "村协理员 刘芳",
                "resident_id_number": head.id_number,
                "resident_name": head.name,
            },
            "household": _resident_form(head, households[0].village_code),
        }
        assert submit(client, assistant, body, key=f"assist-list-{n}").status_code == 201
    own = submit(
        client, assistant, application_body(head_name="刘芳", head_id=id_number("19800101", "77")), key="assist-own"
    )
    assert own.status_code == 201

    response = client.get("/api/v1/applications", headers=assistant)
    items = response.get_json()["items"]
    residents = [a["assistant"] and a["assistant"]["resident"] for a in items]
    masked = {
        "name": first.name[0] + "*" * (len(first.name) - 1),
        "id_number": first.id_number[:4] + "*" * 10 + first.id_number[-4:],
    }
    assert masked in residents and residents.count(masked) == 2
    assert {"name": mask_name(second.name), "id_number": mask_id_number(second.id_number)} in residents
    assert residents.count(None) == 1  # the assistant's own application names nobody
    assert all(
        a["assistant"]["name"] == "村协理员 刘芳" and a["assistant"]["revoked"] is False
        for a in items
        if a["assistant"]
    )
    text = response.get_data(as_text=True)
    for head in (first, second):
        assert head.id_number not in text and head.id_number[6:14] not in text and head.name not in text

    with client.session_transaction() as session:
        session["citizen_token"] = assistant["Authorization"].removeprefix("Bearer ")
    page = client.get("/my").get_data(as_text=True)
    assert "我代办的居民" in page and page.count('<section id="resident-') == 2
    assert masked["name"] in page and masked["id_number"] in page and "医疗救助" in page
    assert first.id_number not in page and second.id_number not in page and first.name not in page


def test_other_citizens_cannot_see_or_withdraw(client, citizen_headers, seeded):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    stranger = _login(client, "stranger-code")
    assert client.get(f"/api/v1/applications/{app_id}", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/applications/{app_id}/withdraw", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/applications/{app_id}").status_code == 401
    own = client.post(f"/api/v1/applications/{app_id}/withdraw", headers=citizen_headers, json={})
    assert own.get_json()["stage"] == "已撤回"
    again = client.post(f"/api/v1/applications/{app_id}/withdraw", headers=citizen_headers, json={})
    assert again.status_code == 409


def test_complaint_reaches_discipline_only(client, citizen_headers, staff_client, seeded):
    response = client.post(
        "/api/v1/complaints",
        headers=citizen_headers,
        json={"content": "村干部要求送礼才给办低保", "contact": "13900002222", "anonymous": True},
    )
    assert response.status_code == 201
    page = staff_client("discipline").get("/staff/cases/complaints").get_data(as_text=True)
    assert "村干部要求送礼才给办低保" in page and "匿名" in page and "13900002222" not in page
    assert staff_client("window1").get("/staff/cases/complaints").status_code == 403


@pytest.mark.parametrize(
    ("username", "status"), [("window1", 200), ("approver", 200), ("finance", 403), ("window2", 403)]
)
def test_id_photo_only_for_case_roles_in_area(client, citizen_headers, staff_client, username, status):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    response = staff_client(username).get(f"/staff/cases/{app_id}/materials/id_photo")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "image/png" and response.data.startswith(b"\x89PNG")
        assert response.headers["Cache-Control"] == "no-store"


def test_a_second_application_reuses_my_household_but_not_someone_elses(client, citizen_headers, seeded):
    first = submit(client, citizen_headers, application_body(), key="first-0001").get_json()
    second = submit(client, citizen_headers, application_body(items=["yiliao"]), key="second-001").get_json()
    with seeded.uow() as uow:
        households = {uow.applications.get(a["id"]).household_id for a in (first, second)}
    assert len(households) == 1
    stranger = _login(client, "stranger-code")
    taken = submit(client, stranger, application_body(), key="third-0001")
    assert taken.status_code == 201  # the same answer as for a new household (issue 18), but ...
    with seeded.uow() as uow:
        held = uow.applications.get(taken.get_json()["id"])
    assert held.household_id in households and "申请人尚未绑定该户" in held.identity_check  # ... held for the window
