"""The staff JSON API for the workflow: bearer login, the queue, `next` from the domain's rules, every step,
and the errors a client relies on (401, 403 outside area or role, 409 on a stale version)."""

from datetime import datetime

from tests.workflow.helpers import PASSWORD, application_body, id_number, submit

SIGNERS: dict[str, str] = {}  # Authorization header -> the clerk's name, which a signature must carry


def login(client, username: str) -> dict:
    response = client.post("/api/v1/staff/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"token", "expires_at", "name", "role", "area_code", "may"}
    SIGNERS[f"Bearer {body['token']}"] = body["name"]
    return {"Authorization": f"Bearer {body['token']}"}


def case(client, headers, app_id):
    response = client.get(f"/api/v1/staff/cases/{app_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def step(client, headers, app_id, **body):
    """One action with the version just read and the clerk's signature."""
    body = {
        "version": case(client, headers, app_id)["version"],
        "typed_name": SIGNERS[headers["Authorization"]],
        "pin": PASSWORD,
        **body,
    }
    return client.post(f"/api/v1/staff/cases/{app_id}/actions", json=body, headers=headers)


def ok(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_every_step_through_the_api_with_next_from_the_rules(client, citizen_headers, seeded):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    window = login(client, "window1")
    queue = client.get("/api/v1/staff/cases", headers=window).get_json()["items"]
    assert app_id in [row["id"] for row in queue] and {row["stage"] for row in queue} == {"受理"}
    view = case(client, window, app_id)
    assert view["household"]["head_name"] == "测**" and "1950" not in view["household"]["head_id_number"]
    assert view["next"][0] == {
        "step": "decide",
        "phrases": ["同意受理", "不同意受理", "退回补正"],
        "reason_required": ["不同意受理", "退回补正"],
        "signature_required": ["同意受理", "不同意受理", "退回补正"],
    }
    steps = {s["step"]: s for s in view["next"]}
    assert set(steps) == {"decide", "green", "id_check", "propose"}  # the advice proposes likely aid not asked for
    assert steps["propose"]["item_codes"] and "dibao" not in steps["propose"]["item_codes"]
    missing = step(client, window, app_id, step="decide", phrase="不同意受理")
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "REASON_REQUIRED"
    assert ok(step(client, window, app_id, step="decide", phrase="同意受理"))["stage"] == "核对"

    checking = login(client, "checking")
    assert case(client, checking, app_id)["next"][0] == {
        "step": "decide",
        "phrases": ["生成核对报告"],
        "reason_required": [],
        "signature_required": [],
    }
    early = step(client, checking, app_id, step="decide", phrase="核对完成")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "NO_CHECK_REPORT"
    view = ok(
        client.post(
            f"/api/v1/staff/cases/{app_id}/actions",
            headers=checking,
            json={"step": "decide", "phrase": "生成核对报告", "version": case(client, checking, app_id)["version"]},
        )
    )
    assert "家庭月人均收入低于低保标准" in str(view["check_report"])
    assert view["next"][0]["phrases"] == ["核对完成", "生成核对报告"]
    assert ok(step(client, checking, app_id, step="decide", phrase="核对完成"))["stage"] == "督办"

    assert ok(step(client, login(client, "supervise1"), app_id, step="decide", phrase="同意转审批"))["stage"] == "审批"
    approver = login(client, "approver")
    assert [s for s in case(client, approver, app_id)["next"] if s["step"] == "decide_item"] == [
        {
            "step": "decide_item",
            "item_code": "dibao",
            "phrases": ["同意救助", "不同意救助"],
            "reason_required": ["不同意救助"],
            "signature_required": ["同意救助", "不同意救助"],
        }
    ]
    no_amount = step(client, approver, app_id, step="decide_item", item_code="dibao", phrase="同意救助")
    assert no_amount.status_code == 400 and no_amount.get_json()["error"]["code"] == "BAD_AMOUNT"
    view = ok(
        step(
            client,
            approver,
            app_id,
            step="decide_item",
            item_code="dibao",
            phrase="同意救助",
            amount_fen=70000,
            monthly=True,
            months=2,
        )
    )
    assert view["stage"] == "备案" and view["items"][0]["amount_fen"] == 70000
    centre = login(client, "centre")
    assert case(client, centre, app_id)["next"] == [
        {"step": "decide", "phrases": ["备案"], "reason_required": [], "signature_required": ["备案"]},
        {"step": "id_check", "phrases": [], "reason_required": [], "signature_required": []},
    ]
    view = ok(step(client, centre, app_id, step="decide", phrase="备案"))
    assert view["stage"] == "已办结" and view["next"] == []
    assert [s["phrase"] for s in view["timeline"] if s["phrase"]] == [
        "同意受理",
        "核对完成",
        "同意转审批",
        "同意救助",
        "备案",
    ]
    with seeded.uow() as uow:
        phrases = [e.phrase for e in uow.audit.for_object("application", app_id) if e.phrase]
        logins = [e for e in uow.audit.iter_all() if e.action == "login" and e.object_id == "centre"]
    assert phrases == ["同意受理", "核对完成", "同意转审批", "同意救助", "备案"]
    assert logins, "an API login is audited like a console login"


def test_errors_401_403_409(client, citizen_headers, seeded, clock):
    app_id = submit(client, citizen_headers, application_body(head_id=id_number("19480303", "21"))).get_json()["id"]
    assert client.get("/api/v1/staff/cases").status_code == 401
    bad = client.post("/api/v1/staff/login", json={"username": "window1", "password": "wrong"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "LOGIN_FAILED"
    # a citizen's token is not a staff token
    assert client.get("/api/v1/staff/cases", headers=citizen_headers).get_json()["error"]["code"] == "TOKEN_INVALID"

    other = login(client, "window2")  # 青山乡: the case is in 城关镇
    assert app_id not in [r["id"] for r in client.get("/api/v1/staff/cases", headers=other).get_json()["items"]]
    response = client.get(f"/api/v1/staff/cases/{app_id}", headers=other)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "OUT_OF_AREA"
    window = login(client, "window1")
    version = case(client, window, app_id)["version"]
    wrong_role = step(client, login(client, "checking"), app_id, step="decide", phrase="同意受理")
    assert wrong_role.status_code == 403 and wrong_role.get_json()["error"]["code"] == "ROLE_REQUIRED"
    assert "decide" not in {s["step"] for s in case(client, login(client, "checking"), app_id)["next"]}

    ok(step(client, window, app_id, step="decide", phrase="同意受理"))
    stale = client.post(
        f"/api/v1/staff/cases/{app_id}/actions",
        headers=window,
        json={
            "step": "decide",
            "phrase": "退回补正",
            "reason": "照片不清",
            "version": version,
            "typed_name": SIGNERS[window["Authorization"]],
            "pin": PASSWORD,
        },
    )
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "STALE_VERSION"
    too_late = step(client, window, app_id, step="green", item_code="dibao", amount_fen=100, reason="火灾")
    assert too_late.status_code == 409 and too_late.get_json()["error"]["code"] == "GREEN_NOT_ALLOWED"
    twice = client.post(
        f"/api/v1/staff/cases/{app_id}/actions",
        headers=window,
        json={"step": "propose", "item_code": "dibao", "version": case(client, window, app_id)["version"]},
    )
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "ALREADY_REQUESTED"
    bad_step = step(client, window, app_id, step="teleport")
    assert bad_step.status_code == 400 and bad_step.get_json()["error"]["code"] == "BAD_STEP"
    assert client.get("/api/v1/staff/cases?stage=天上", headers=window).get_json()["error"]["code"] == "BAD_STAGE"

    clock.advance(hours=9)  # tokens are read against the service clock: a working day's token has expired
    later = client.get("/api/v1/staff/cases", headers=window)
    assert later.status_code == 401 and later.get_json()["error"]["code"] == "TOKEN_EXPIRED"


def test_approver_next_follows_department_and_green_channel(client, citizen_headers, seeded):
    body = application_body(head_name="火灾户", head_id=id_number("19600505", "57"), items=["linshi-jinan"])
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    window = login(client, "window1")
    green = next(s for s in case(client, window, app_id)["next"] if s["step"] == "green")
    assert green["item_codes"] == ["linshi-jinan"] and green["reason_required"] == ["绿色通道"]
    view = ok(
        step(
            client,
            window,
            app_id,
            step="green",
            item_code="linshi-jinan",
            amount_fen=200000,
            reason="火灾，先行发放应急救助",
        )
    )
    assert view["green_channel"]["amount_fen"] == 200000 and "green" not in {s["step"] for s in view["next"]}
    assert isinstance(datetime.fromisoformat(view["submitted_at"]), datetime)
