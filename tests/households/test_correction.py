"""补正 through the JSON API: what the clerk asked, then just one member's income changed and audited."""

from tests.workflow.helpers import application_body, decide, submit


def test_resubmit_changes_one_income_and_returns_to_the_stage_that_asked(client, citizen_headers, staff_client, seeded):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    decide(staff_client("window1"), app_id, "退回补正", "务农收入请按实际填写")
    detail = client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()
    assert detail["correction_reason"] == "务农收入请按实际填写"
    file = client.get(f"/api/v1/applications/{app_id}/household", headers=citizen_headers).get_json()
    assert [m["monthly_income_fen"] for m in file["members"]] == [{"务农": 20000}, {}]
    assert file["members"][0]["name"].endswith("*")

    empty = client.post(f"/api/v1/applications/{app_id}/resubmit", headers=citizen_headers, json={})
    assert empty.status_code == 400 and empty.get_json()["error"]["code"] == "NOTHING_CORRECTED"
    bad = client.post(
        f"/api/v1/applications/{app_id}/resubmit",
        headers=citizen_headers,
        json={"incomes": [{"member": 5, "monthly_income_fen": {"务农": 1}}]},
    )
    assert bad.status_code == 400 and "家庭成员不正确" in bad.get_json()["error"]["message"]
    done = client.post(
        f"/api/v1/applications/{app_id}/resubmit",
        headers=citizen_headers,
        json={"incomes": [{"member": 0, "monthly_income_fen": {"务农": 12000}}]},
    )
    assert done.status_code == 200 and done.get_json()["stage"] == "受理"
    with seeded.uow() as uow:
        app = uow.applications.get(app_id)
        household = uow.households.get(app.household_id)
        edits = [e.reason for e in uow.audit.for_object("household", household.id) if e.action == "edit"]
    assert household.members[0].monthly_income_fen == {"务农": 12000}
    assert edits == ["补正：成员 测** 月收入：务农 200.00 元 → 务农 120.00 元"]


def test_a_file_kept_by_the_window_is_not_changed_from_a_phone(client, seeded, staff_client):
    with seeded.uow() as uow:
        filed = next(h for h in uow.households.iter_in_area("990101001") if len(h.members) > 1)
    token = client.post("/api/v1/auth/wechat-login", json={"code": "stranger-fix"}).get_json()["token"]
    stranger = {"Authorization": f"Bearer {token}"}
    body = application_body(head_name=filed.head.name, head_id=filed.head.id_number)
    app_id = submit(client, stranger, body).get_json()["id"]  # held for the window: not hers to edit
    decide(staff_client("window1"), app_id, "退回补正", "请补交户口簿")
    assert client.get(f"/api/v1/applications/{app_id}/household", headers=stranger).status_code == 404
    refused = client.post(
        f"/api/v1/applications/{app_id}/resubmit",
        headers=stranger,
        json={"incomes": [{"member": 0, "monthly_income_fen": {"务农": 1}}]},
    )
    assert refused.status_code == 403
    with seeded.uow() as uow:
        assert uow.households.get(filed.id).members[0].monthly_income_fen == filed.members[0].monthly_income_fen
