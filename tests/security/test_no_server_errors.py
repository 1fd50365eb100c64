"""Finding 8: bodies and amounts that gave 500s now get a plain-Chinese 400 and change nothing."""

import pytest

from tests.workflow.helpers import act, application_body, id_number, submit


@pytest.mark.parametrize("body", ["[1, 2]", '"withdraw"', "3", "null", "{bad json"])
def test_withdraw_with_a_body_that_is_no_object(client, citizen_headers, seeded, body):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    response = client.post(
        f"/api/v1/applications/{app_id}/withdraw", data=body, content_type="application/json", headers=citizen_headers
    )
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "BAD_JSON"
    assert client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()["stage"] == "受理"
    empty = client.post(f"/api/v1/applications/{app_id}/withdraw", headers=citizen_headers)
    assert empty.status_code == 200 and empty.get_json()["stage"] == "已撤回"


@pytest.mark.parametrize("path", ["/api/v1/applications", "/api/v1/auth/wechat-login", "/api/v1/uploads"])
@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_a_bad_request(client, citizen_headers, path, depth):
    body = "[" * depth + "]" * depth
    response = client.post(
        path, data=body, content_type="application/json", headers={**citizen_headers, "Idempotency-Key": "nested-0001"}
    )
    assert response.status_code == 400 and response.get_json()["error"]["message"]


@pytest.mark.parametrize("amount", ["Infinity", "-Infinity", "sNaN", "NaN", "1e30", "1e999999999"])
def test_odd_amounts_on_the_green_channel_are_refused_in_chinese(client, citizen_headers, staff_client, seeded, amount):
    body = application_body(head_name="火灾户", head_id=id_number("19600505", "56"), items=["linshi-jinan"])
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    response = act(
        staff_client("window1"), app_id, "green", {"item_code": "linshi-jinan", "amount_yuan": amount, "reason": "火灾"}
    )
    assert response.status_code == 400 and "金额" in response.get_data(as_text=True)
    with seeded.uow() as uow:
        assert uow.applications.get(app_id).green is None


def _green(client, citizen_headers, staff_client, seq: str, form: dict):
    body = application_body(head_name="火灾户", head_id=id_number("19600505", seq), items=["linshi-jinan"])
    app_id = submit(client, citizen_headers, body, key=f"green-{seq}").get_json()["id"]
    form = {"item_code": "linshi-jinan", "reason": "火灾", **form}
    return app_id, act(staff_client("window1"), app_id, "green", form)


def test_green_channel_is_capped_by_the_item_standard_and_the_county(client, citizen_headers, staff_client, seeded):
    app_id, over = _green(client, citizen_headers, staff_client, "61", {"amount_yuan": "1e30"})
    assert over.status_code == 400 and "过大" in over.get_data(as_text=True)
    app_id, over = _green(client, citizen_headers, staff_client, "62", {"amount_yuan": "20000.01"})
    assert over.status_code == 400 and "不能超过 20000.00 元" in over.get_data(as_text=True)


@pytest.mark.parametrize("config_overrides", [{"green_max_fen": 500_000}])  # a county capping below the standard
def test_green_channel_is_capped_by_the_county(client, citizen_headers, staff_client, seeded):
    app_id, over = _green(client, citizen_headers, staff_client, "63", {"amount_yuan": "5000.01"})
    assert over.status_code == 400 and "不能超过 5000.00 元" in over.get_data(as_text=True)
    with seeded.uow() as uow:
        assert uow.applications.get(app_id).green is None


def test_a_large_green_grant_needs_a_second_clerk(client, citizen_headers, staff_client, seeded):
    app_id, alone = _green(client, citizen_headers, staff_client, "64", {"amount_yuan": "8000"})
    assert alone.status_code == 400 and "须另一名工作人员复核签字" in alone.get_data(as_text=True)
    self_cosigned = act(
        staff_client("window1"),
        app_id,
        "green",
        {
            "item_code": "linshi-jinan",
            "reason": "火灾",
            "amount_yuan": "8000",
            "second_username": "window1",
            "second_pin": "yimen-demo-2026",
        },
    )
    assert self_cosigned.status_code == 400 and "另一名工作人员" in self_cosigned.get_data(as_text=True)
    wrong_pin = act(
        staff_client("window1"),
        app_id,
        "green",
        {
            "item_code": "linshi-jinan",
            "reason": "火灾",
            "amount_yuan": "8000",
            "second_username": "centre",
            "second_pin": "guess",
        },
    )
    assert wrong_pin.status_code == 401
    done = act(
        staff_client("window1"),
        app_id,
        "green",
        {
            "item_code": "linshi-jinan",
            "reason": "火灾",
            "amount_yuan": "8000",
            "second_username": "centre",
            "second_pin": "yimen-demo-2026",
        },
    )
    assert done.status_code == 303
    with seeded.uow() as uow:
        green = uow.applications.get(app_id)
    assert green.green.amount_fen == 800_000 and green.history[-1].signature["second_signer"] == "centre"
    _, small = _green(client, citizen_headers, staff_client, "65", {"amount_yuan": "2000"})
    assert small.status_code == 303  # up to 3000 元 one clerk decides
