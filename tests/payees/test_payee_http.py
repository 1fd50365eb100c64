"""Payee accounts over HTTP: the county's banks, an application that gives an account (or a wrong one),
the window correcting it on the household page (reason, audit, notice), the centre's missing-account
list, the export that says what it held back, and notices that tell the truth."""

import re

from tests.workflow.helpers import act, application_body, csrf_on, decide, id_number, submit
from yimen.domain.disbursement import SlipStatus
from yimen.services.notices.outbox import render

CARD = "6228480000000000018"  # a UnionPay number that passes the Luhn check


def _payee(**over) -> dict:
    return {"bank": "ABC", "account_number": "6228 4800 0000 0000 018", "holder_name": "测试乙", **over}


def test_banks_are_the_county_s_list(client):
    banks = client.get("/api/v1/banks").get_json()["items"]
    assert {"code": "ABC", "name": "中国农业银行"} in banks and len(banks) == 6
    assert "/api/v1/banks" in client.get("/api/openapi.json").get_json()["paths"]


def test_an_application_with_an_account_shows_it_masked_and_the_received_notice_names_the_time_limit(
    client, citizen_headers, services, seeded
):
    created = submit(client, citizen_headers, {**application_body(), "payee": _payee()})
    assert created.status_code == 201 and created.get_json()["warnings"] == []
    detail = client.get(f"/api/v1/applications/{created.get_json()['id']}", headers=citizen_headers).get_json()
    assert detail["payee"] == {
        "bank": "中国农业银行",
        "account_masked": "6228 **** **** 0018",
        "holder_name": "测**",
        "usable": True,
        "problem": None,
        "how": None,
    }
    assert detail["time_limits"] == [{"item_name": "最低生活保障", "days": 30}]
    with services.uow() as uow:
        household = uow.households.get(uow.applications.get(detail["id"]).household_id)
        job = next(j for j in _jobs(services) if j["event"] == "application_received")
    assert (household.bank_card, household.bank_code, household.payee_name) == (CARD, "ABC", "测试乙")
    text = render("application_received", job["data"]).text
    assert "最低生活保障30个工作日" in text and "7个工作日" not in text


def _jobs(services):
    import json
    import sqlite3

    with sqlite3.connect(services.config.database) as conn:
        return [json.loads(p) for (p,) in conn.execute("SELECT payload FROM jobs WHERE kind = 'notice' ORDER BY id")]


def test_a_wrong_account_is_refused_in_plain_words_and_nothing_is_saved(client, citizen_headers, services, seeded):
    for payee, code, words in (
        (_payee(holder_name="张三"), "PAYEE_HOLDER_NOT_MEMBER", "申请人本人或家庭成员"),
        (_payee(account_number="=1+2"), "PAYEE_ACCOUNT_DIGITS", "只能是数字"),
        (_payee(account_number="62284800000"), "PAYEE_ACCOUNT_LENGTH", "16 到 19 位"),
        (_payee(bank="花旗银行"), "PAYEE_BANK_UNKNOWN", "从列表中选择"),
    ):
        refused = submit(client, citizen_headers, {**application_body(), "payee": payee})
        assert refused.status_code == 400
        assert refused.get_json()["error"]["code"] == code and words in refused.get_json()["error"]["message"]
    with services.uow() as uow:
        assert uow.applications.list_for_applicant(services.wechat.code_to_openid("test-citizen-code")) == []
    doubtful = submit(client, citizen_headers, {**application_body(), "payee": _payee(account_number=CARD[:-1] + "7")})
    assert doubtful.status_code == 201 and [w["code"] for w in doubtful.get_json()["warnings"]] == ["PAYEE_LUHN"]


def test_the_older_bank_card_field_still_pays_the_head_of_household(client, citizen_headers, services, seeded):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    detail = client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()
    assert detail["payee"]["account_masked"] == "6222 **** **** 2333" and detail["payee"]["holder_name"] == "测**"


def _approve_dibao(client, citizen_headers, staff_client, body) -> str:
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    decide(staff_client("window1"), app_id, "同意受理")
    checking = staff_client("checking")
    act(checking, app_id, "check", {})
    decide(checking, app_id, "核对完成")
    decide(staff_client("supervise1"), app_id, "同意转审批")
    granted = act(
        staff_client("approver"),
        app_id,
        "items/dibao",
        {"phrase": "同意救助", "amount_yuan": "700.00", "monthly": "1", "months": "1"},
    )
    assert granted.status_code == 303
    return app_id


def test_no_account_means_the_approval_says_how_to_give_one_the_centre_lists_it_and_the_window_fixes_it(
    client, citizen_headers, staff_client, services
):
    body = application_body()
    del body["household"]["bank_card"]
    app_id = _approve_dibao(client, citizen_headers, staff_client, body)
    approved = next(j for j in _jobs(services) if j["event"] == "approved")
    said = render("approved", approved["data"]).text
    assert "还没有登记收款账户" in said and "到乡镇（街道）社会救助窗口登记" in said and "登记的银行卡" not in said

    auth, funds = services.auth, services.disbursement
    with services.uow() as uow:
        household_id = uow.applications.get(app_id).household_id
        slips = [
            s for s in uow.slips.list_by_status(SlipStatus.PENDING_REVIEW.value).items if s.application_id == app_id
        ]
    funds.act(auth.staff_actor("centre"), "review", [s.id for s in slips])
    funds.act(auth.staff_actor("finance"), "approve", [s.id for s in slips])

    centre = staff_client("centre")
    funds_page = centre.get("/staff/funds/").get_data(as_text=True)
    assert "缺少收款账户：1 户" in funds_page
    missing = centre.get("/staff/funds/payees/missing").get_data(as_text=True)
    assert "测**" in missing and "该户没有登记收款账户" in missing and "带本人身份证和一卡通" in missing

    finance = staff_client("finance")
    page = finance.get("/staff/funds/?status=待拨付").get_data(as_text=True)
    refused = finance.post("/staff/funds/batches/export", data={"csrf": csrf_on(page)})
    assert refused.status_code == 400 and "1 张因收款账户问题未能导出" in refused.get_data(as_text=True)

    window = staff_client("window1")
    file_page = window.get(f"/staff/households/{household_id}").get_data(as_text=True)
    assert "该户还没有登记收款账户" in file_page
    form = {
        "csrf": csrf_on(file_page),
        "bank": "ABC",
        "account_number": CARD,
        "holder_name": "张三",
        "reason": "持卡登记",
    }
    wrong = window.post(f"/staff/households/{household_id}/payee", data=form)
    assert wrong.status_code == 400 and "户名须是申请人本人或家庭成员" in wrong.get_data(as_text=True)
    assert f'value="{CARD}"' in wrong.get_data(as_text=True), "what was typed is kept"
    no_reason = window.post(
        f"/staff/households/{household_id}/payee", data={**form, "holder_name": "测试乙", "reason": " "}
    )
    assert no_reason.status_code == 400 and "请写明" in no_reason.get_data(as_text=True)
    saved = window.post(f"/staff/households/{household_id}/payee", data={**form, "holder_name": "测试乙"})
    assert saved.status_code == 303
    shown = window.get(saved.headers["Location"]).get_data(as_text=True)
    assert "收款账户已保存：中国农业银行 6228 **** **** 0018" in shown and CARD not in shown
    with services.uow() as uow:
        (event,) = [e for e in uow.audit.for_object("household", household_id) if e.action == "set_payee"]
    assert (event.actor, event.from_state, event.to_state, event.reason) == (
        "staff:window1",
        None,
        "6228 **** **** 0018",
        "持卡登记",
    )

    # A second change (a different card) tells the household: fraud shows up there first.
    again = window.post(
        f"/staff/households/{household_id}/payee",
        data={
            **form,
            "holder_name": "测试甲",
            "account_number": "6217000000000000012",
            "bank": "RCB",
            "reason": "原卡已销户，更正",
        },
    )
    assert again.status_code == 303
    changed = [j for j in _jobs(services) if j["event"] == "payee_changed"]
    assert [j["household_id"] for j in changed] == [household_id]
    assert (
        "收款账户已于2026年11月25日变更为示范县农村商业银行6217 **** **** 0012"
        in render("payee_changed", changed[0]["data"]).text
    )

    page = finance.get("/staff/funds/?status=待拨付").get_data(as_text=True)
    exported = finance.post("/staff/funds/batches/export", data={"csrf": csrf_on(page)})
    assert exported.status_code == 303
    report = finance.get(exported.headers["Location"]).get_data(as_text=True)
    assert "已生成代发批次：1 笔，合计 700.00 元。" in report and "6217 **** **** 0012" in report
    assert "缺少收款账户" not in centre.get("/staff/funds/").get_data(as_text=True)
    history = centre.get(f"/staff/funds/slips/{slips[0].id}").get_data(as_text=True)
    assert "示范县农村商业银行 6217 **** **** 0012" in history and "银行处理中" in history
    assert re.search(r"6217000000000000012", history) is None


def test_a_green_channel_grant_goes_out_at_once_in_a_batch_of_its_own(
    client, citizen_headers, staff_client, seeded, services
):
    body = {
        **application_body(head_name="火灾户", head_id=id_number("19600505", "56"), items=["linshi-jinan"]),
        "emergency": {"kind": "火灾", "description": "住房失火"},
        "payee": _payee(holder_name="火灾户"),
    }
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    granted = act(
        staff_client("window1"),
        app_id,
        "green",
        {"item_code": "linshi-jinan", "amount_yuan": "2000", "reason": "火灾，先行发放应急救助"},
    )
    assert granted.status_code == 303
    approved = next(j for j in _jobs(services) if j["event"] == "approved")
    assert "资金将打入您登记的收款账户6228 **** **** 0018" in render("approved", approved["data"]).text

    auth, funds = services.auth, services.disbursement
    with services.uow() as uow:  # the demo's own approved slips wait in the same queue
        (green,) = [
            s
            for s in uow.slips.list_by_status(SlipStatus.PENDING_REVIEW.value, limit=200).items
            if s.application_id == f"{app_id}-green"
        ]
    assert green.urgent
    funds.act(auth.staff_actor("centre"), "review", [green.id])
    funds.act(auth.staff_actor("finance"), "approve", [green.id])
    finance = staff_client("finance")
    page = finance.get("/staff/funds/?status=待拨付").get_data(as_text=True)
    assert "（绿色通道）" in page and 'id="export-selected"' in page
    own = finance.post("/staff/funds/batches/export", data={"csrf": csrf_on(page), "slip_id": [green.id]})
    assert own.status_code == 303
    report = finance.get(own.headers["Location"]).get_data(as_text=True)
    assert "已生成代发批次：1 笔，合计 2000.00 元。" in report and "6228 **** **** 0018" in report
