"""One application from the citizen's phone to 备案 through HTTP, with the demo county's real staff roles;
then the green channel, and 补正 and back."""

import json
import sqlite3

from tests.workflow.helpers import act, application_body, case_page, decide, id_number, submit
from yimen.domain.disbursement import SlipStatus


def _notices(config) -> list[dict]:
    conn = sqlite3.connect(config.database)
    rows = conn.execute("SELECT payload FROM jobs WHERE kind = 'notice' ORDER BY id").fetchall()
    conn.close()
    return [json.loads(r[0]) for r in rows]


def _audit(services, app_id):
    with services.uow() as uow:
        return [e for e in uow.audit.for_object("application", app_id) if e.action != "view"]


def test_submit_to_filing_with_real_roles(client, citizen_headers, staff_client, seeded, config):
    response = submit(client, citizen_headers, application_body())
    assert response.status_code == 201, response.get_json()
    app_id = response.get_json()["id"]
    assert response.get_json()["stage"] == "受理"

    window = staff_client("window1")
    queue = window.get("/staff/cases/").get_data(as_text=True)
    assert app_id in queue and "受理环节" in queue
    # another township's window neither sees it in its queue nor can open it
    other = staff_client("window2")
    assert app_id not in other.get("/staff/cases/").get_data(as_text=True)
    assert other.get(f"/staff/cases/{app_id}").status_code == 403
    # a window clerk can't skip ahead: the approval form is not theirs
    page = case_page(window, app_id)
    assert "测试甲" not in page and "测**" in page  # names masked on the case page
    assert 'value="同意受理"' in page and 'value="不同意受理"' in page
    decide(window, app_id, "同意受理")

    checking = staff_client("checking")
    refused = act(checking, app_id, "decide", {"phrase": "核对完成"})
    assert refused.status_code == 409 and "请先生成家庭经济状况核对报告" in refused.get_data(as_text=True)
    assert act(checking, app_id, "check", {}).status_code == 303
    page = case_page(checking, app_id)
    assert "家庭经济状况核对报告" in page and "家庭月人均收入低于低保标准" in page
    decide(checking, app_id, "核对完成")

    supervise = staff_client("supervise1")
    assert act(window, app_id, "decide", {"phrase": "同意转审批"}).status_code == 403  # wrong role
    decide(supervise, app_id, "同意转审批")

    approver = staff_client("approver")
    page = case_page(approver, app_id)
    assert "重复救助检查与建议" in page and "审批：最低生活保障" in page
    response = act(
        approver, app_id, "items/dibao", {"phrase": "同意救助", "amount_yuan": "520.00", "monthly": "1", "months": "3"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]

    centre = staff_client("centre")
    decide(centre, app_id, "备案")

    detail = client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()
    assert detail["stage"] == "已办结" and detail["open"] is False
    assert [s["phrase"] for s in detail["timeline"] if s["phrase"]] == [
        "同意受理",
        "核对完成",
        "同意转审批",
        "同意救助",
        "备案",
    ]
    assert detail["items"][0]["decision"] == "同意救助" and detail["items"][0]["amount_fen"] == 52000
    assert all("window1" not in json.dumps(s) for s in detail["timeline"])  # no clerk logins shown to citizens

    events = _audit(seeded, app_id)
    assert [(e.action, e.phrase) for e in events if e.phrase] == [
        ("decide", "同意受理"),
        ("decide", "核对完成"),
        ("decide", "同意转审批"),
        ("decide_item:dibao", "同意救助"),
        ("decide", "备案"),
    ]
    assert events[0].action == "submit" and events[-1].to_state == "已办结"
    with seeded.uow() as uow:
        slips = uow.slips.list_by_status(SlipStatus.PENDING_REVIEW.value, limit=50).items
    mine = [s for s in slips if s.application_id == app_id]
    assert [(s.amount_fen, s.period) for s in mine] == [(52000, "2026-11"), (52000, "2026-12"), (52000, "2027-01")]
    events = [n["event"] for n in _notices(config) if n.get("household_id") == detail_household(seeded, app_id)]
    assert events == ["application_received", "accepted", "approved"]


def detail_household(services, app_id):
    with services.uow() as uow:
        return uow.applications.get(app_id).household_id


def test_green_channel_pays_first_and_keeps_paperwork_pending(client, citizen_headers, staff_client, seeded):
    body = application_body(head_name="火灾户", head_id=id_number("19600505", "56"), items=["linshi-jinan"])
    body["emergency"] = {"kind": "火灾", "description": "住房失火，衣物被褥全部烧毁"}
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    window = staff_client("window1")
    page = case_page(window, app_id)
    assert "住房失火" in page and "绿色通道" in page
    response = act(
        window,
        app_id,
        "green",
        {"item_code": "linshi-jinan", "amount_yuan": "2000", "reason": "火灾，先行发放应急救助"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]

    detail = client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()
    assert detail["green_channel"] == {
        "amount_fen": 200000,
        "paperwork_due": "2026-12-09",
        "paperwork_status": "手续待补办",
    }
    with seeded.uow() as uow:
        slip = uow.slips.list_by_status(SlipStatus.PENDING_REVIEW.value, limit=50).items
    assert [(s.amount_fen, s.item_code) for s in slip if s.application_id == f"{app_id}-green"] == [
        (200000, "linshi-jinan")
    ]
    queue = window.get("/staff/cases/").get_data(as_text=True)
    assert "绿色通道·手续待补办" in queue

    # the paperwork then goes through every stage; 备案 completes it
    decide(window, app_id, "同意受理")
    checking = staff_client("checking")
    act(checking, app_id, "check", {})
    decide(checking, app_id, "核对完成")
    decide(staff_client("supervise1"), app_id, "同意转审批")
    response = act(
        staff_client("approver"), app_id, "items/linshi-jinan", {"phrase": "同意救助", "amount_yuan": "1000"}
    )
    assert response.status_code == 303
    decide(staff_client("centre"), app_id, "备案")
    detail = client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()
    assert detail["green_channel"]["paperwork_status"] == "手续已补齐" and detail["stage"] == "已办结"
    with seeded.uow() as uow:
        slips = uow.slips.list_by_status(SlipStatus.PENDING_REVIEW.value, limit=50).items
    assert sorted(s.amount_fen for s in slips if s.application_id.startswith(app_id)) == [100000, 200000]


def test_correction_and_back(client, citizen_headers, staff_client, seeded, config):
    body = application_body(head_name="补正户", head_id=id_number("19580808", "78"))
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    window = staff_client("window1")
    refused = act(window, app_id, "decide", {"phrase": "退回补正"})
    assert refused.status_code == 400 and "必须填写理由" in refused.get_data(as_text=True)
    decide(window, app_id, "退回补正", "身份证照片不清晰，请重新拍摄")

    detail = client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()
    assert detail["stage"] == "补正" and detail["correction_requested"] is True
    assert detail["timeline"][-1]["reason"] == "身份证照片不清晰，请重新拍摄"
    notice = [n for n in _notices(config) if n["event"] == "needs_correction"][-1]
    assert notice["data"]["missing"] == "身份证照片不清晰，请重新拍摄" and notice["data"]["deadline"] == "2026-12-09"
    assert window.get("/staff/cases/").get_data(as_text=True).count(app_id) == 0  # not in the window's queue now

    from tests.workflow.helpers import png

    response = client.post(
        f"/api/v1/applications/{app_id}/resubmit",
        headers=citizen_headers,
        json={"note": "已重新拍摄", "materials": {"id_photo": png()}},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["stage"] == "受理"
    assert app_id in window.get("/staff/cases/").get_data(as_text=True)
    with seeded.uow() as uow:
        app = uow.applications.get(app_id)
    assert app.materials["id_photo"].endswith("/v2/id_photo") and app.stage_due.isoformat() == "2026-11-26"
    decide(window, app_id, "同意受理")
    assert client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()["stage"] == "核对"


def test_not_granted_item_and_department_limits(client, citizen_headers, staff_client, seeded, config):
    body = application_body(head_name="两项户", head_id=id_number("19550505", "66"), items=["dibao", "jiaoyu"])
    body["household"]["members"] = body["household"]["members"][:1]
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    decide(staff_client("window1"), app_id, "同意受理")
    checking = staff_client("checking")
    act(checking, app_id, "check", {})
    decide(checking, app_id, "核对完成")
    decide(staff_client("supervise1"), app_id, "同意转审批")
    approver = staff_client("approver")  # 民政局: decides 低保, not the education bureau's 教育资助
    other = act(approver, app_id, "items/jiaoyu", {"phrase": "不同意救助", "reason": "无在读学生"})
    assert other.status_code == 403 and "由县教育局审批" in other.get_data(as_text=True)
    refused = act(approver, app_id, "items/dibao", {"phrase": "不同意救助", "reason": "家庭人均收入高于低保标准"})
    assert refused.status_code == 303
    admin = staff_client("admin")
    assert act(admin, app_id, "items/jiaoyu", {"phrase": "不同意救助", "reason": "无在读学生"}).status_code == 303
    detail = client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()
    assert detail["stage"] == "备案" and [i["decision"] for i in detail["items"]] == ["不同意救助", "不同意救助"]
    not_approved = [n for n in _notices(config) if n["event"] == "not_approved"]
    assert [n["data"]["reason"] for n in not_approved] == ["家庭人均收入高于低保标准", "无在读学生"]
    assert "行政复议" in not_approved[0]["data"]["review_hint"]
