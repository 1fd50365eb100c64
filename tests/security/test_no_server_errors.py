"""Finding 8: bodies and amounts that gave 500s now get a plain-Chinese 400 and change nothing."""

import pytest

from tests.workflow.helpers import act, application_body, id_number, submit


@pytest.mark.parametrize("body", ["[1, 2]", '"withdraw"', "3", "null", "{bad json"])
def test_withdraw_with_a_body_that_is_no_object(client, citizen_headers, seeded, body):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    response = client.post(f"/api/v1/applications/{app_id}/withdraw", data=body, content_type="application/json",
                           headers=citizen_headers)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "BAD_JSON"
    assert client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()["stage"] == "受理"
    empty = client.post(f"/api/v1/applications/{app_id}/withdraw", headers=citizen_headers)
    assert empty.status_code == 200 and empty.get_json()["stage"] == "已撤回"


@pytest.mark.parametrize("path", ["/api/v1/applications", "/api/v1/auth/wechat-login", "/api/v1/uploads"])
@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_a_bad_request(client, citizen_headers, path, depth):
    body = "[" * depth + "]" * depth
    response = client.post(path, data=body, content_type="application/json",
                           headers={**citizen_headers, "Idempotency-Key": "nested-0001"})
    assert response.status_code == 400 and response.get_json()["error"]["message"]


@pytest.mark.parametrize("amount", ["Infinity", "-Infinity", "sNaN", "NaN", "1e30", "1e999999999"])
def test_odd_amounts_on_the_green_channel_are_refused_in_chinese(client, citizen_headers, staff_client, seeded,
                                                                 amount):
    body = application_body(head_name="火灾户", head_id=id_number("19600505", "56"), items=["linshi-jinan"])
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    response = act(staff_client("window1"), app_id, "green", {"item_code": "linshi-jinan", "amount_yuan": amount,
                                                              "reason": "火灾"})
    assert response.status_code == 400 and "金额" in response.get_data(as_text=True)
    with seeded.uow() as uow:
        assert uow.applications.get(app_id).green is None
