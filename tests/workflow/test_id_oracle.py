"""Issue 18 finding 1: the apply answers must not tell whether an ID number is on file, and nobody acts on a
household on file before the window has checked who applied."""

import pytest

from tests.workflow.helpers import act, application_body, case_page, decide, id_number, png, submit


def _login(client, code: str) -> dict:
    token = client.post("/api/v1/auth/wechat-login", json={"code": code}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _shape(response) -> tuple[int, dict]:
    """The answer with what differs between any two submissions (ids, times) taken out."""
    body = response.get_json()
    body.pop("id", None)
    body.pop("submitted_at", None)
    for step in body.get("timeline", []):
        step.pop("at")
    return response.status_code, body


def _on_file(seeded):
    with seeded.uow() as uow:
        household = next(h for h in uow.households.iter_in_area("990101001") if len(h.members) > 1)
    return household


def _body(name: str, number: str, *, assistant: bool, resident_name: str | None = None) -> dict:
    body = application_body(head_name=name, head_id=number)
    if assistant:
        body["materials"]["assistant_authorisation"] = png()
        body["assistant"] = {
            "assistant_name": "村协理员 刘芳",
            "resident_id_number": number,
            "resident_name": resident_name or name,
        }
    return body


@pytest.mark.parametrize("assistant", [False, True], ids=["own", "assistant"])
def test_answers_do_not_depend_on_whether_the_number_is_on_file(client, seeded, assistant):
    filed = _on_file(seeded)
    head, member = filed.head, filed.members[1]
    prober = _login(client, "prober-code")
    fresh = id_number("19610707", "88")
    tries = {
        "new": _body("新来户", fresh, assistant=assistant),
        "head on file, right name": _body(head.name, head.id_number, assistant=assistant),
        "head on file, wrong name": _body("冒名者", head.id_number, assistant=assistant),
        "second member on file": _body("新来户", id_number("19620808", "89"), assistant=assistant),
    }
    tries["second member on file"]["household"]["members"][1] = {"name": "别人", "id_number": member.id_number}
    tries["new"]["household"]["members"][1]["id_number"] = id_number("19630909", "90", "4")
    answers = {
        what: submit(client, prober, body, key=f"oracle-{n}-{assistant}")
        for n, (what, body) in enumerate(tries.items())
    }
    shapes = {what: _shape(r) for what, r in answers.items()}
    assert shapes["new"][0] == 201, shapes["new"]
    for what, shape in shapes.items():
        assert shape == shapes["new"], what

    listed = client.get("/api/v1/applications", headers=prober).get_json()["items"]
    assert len(listed) == 4
    text = client.get("/api/v1/applications", headers=prober).get_data(as_text=True)
    assert head.id_number not in text and member.id_number not in text  # nothing of the file comes back
    for what in ("head on file, right name", "second member on file"):
        household = client.get(f"/api/v1/households/{filed.id}", headers=prober)
        assert household.status_code == 404, what
    with seeded.uow() as uow:
        held = [uow.applications.get(a.get_json()["id"]) for a in answers.values()]
    assert [a.identity_check is not None for a in held] == [False, True, True, True]
    assert all(a.household_id == filed.id for a in held[1:])
    assert "申报姓名与档案不一致" in held[2].identity_check and "申报姓名与档案一致" in held[1].identity_check


def test_the_window_checks_identity_before_the_case_moves_on(client, seeded, staff_client):
    filed = _on_file(seeded)
    prober = _login(client, "prober-code")
    app_id = submit(client, prober, _body("冒名者", filed.head.id_number, assistant=True)).get_json()["id"]
    window = staff_client("window1")
    page = case_page(window, app_id)
    assert "待核验身份" in page and "申报姓名与档案不一致" in page and 'name="identity_verified"' in page
    refused = act(window, app_id, "decide", {"phrase": "同意受理"})
    assert refused.status_code == 400 and "已核验身份" in refused.get_data(as_text=True)
    with seeded.uow() as uow:
        assert uow.applications.get(app_id).stage.value == "受理"
    decide(window, app_id, "不同意受理", "代办授权书签名与档案不符")
    assert client.get(f"/api/v1/applications/{app_id}", headers=prober).get_json()["stage"] == "不予受理"

    genuine = submit(
        client, prober, _body(filed.head.name, filed.head.id_number, assistant=True), key="genuine-0001"
    ).get_json()["id"]
    accepted = act(window, genuine, "decide", {"phrase": "同意受理", "identity_verified": "1"})
    assert accepted.status_code == 303
    with seeded.uow() as uow:
        app = uow.applications.get(genuine)
        events = [e.action for e in uow.audit.for_object("application", genuine)]
    assert app.stage.value == "核对" and app.identity_check is None and "identity_verified" in events
