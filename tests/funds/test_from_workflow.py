"""The whole road: a citizen applies, staff approve 低保 for 3 months, the first month is paid through
the bank, and the citizen's WeChat receives every notice once, in order."""

from tests.workflow.helpers import act, application_body, decide, submit
from yimen.domain.disbursement import SlipStatus


def test_application_to_paid_notice(client, citizen_headers, staff_client, seeded, services, sim):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    decide(staff_client("window1"), app_id, "同意受理")
    checking = staff_client("checking")
    act(checking, app_id, "check", {})
    decide(checking, app_id, "核对完成")
    decide(staff_client("supervise1"), app_id, "同意转审批")
    granted = act(
        staff_client("approver"),
        app_id,
        "items/dibao",
        {"phrase": "同意救助", "amount_yuan": "520.00", "monthly": "1", "months": "3"},
    )
    assert granted.status_code == 303

    auth, funds = services.auth, services.disbursement
    with services.uow() as uow:
        slips = [
            s for s in uow.slips.list_by_status(SlipStatus.PENDING_REVIEW.value).items if s.application_id == app_id
        ]
    funds.act(auth.staff_actor("centre"), "review", [s.id for s in slips])
    funds.act(auth.staff_actor("finance"), "approve", [s.id for s in slips])
    exported = funds.export_batch(auth.staff_actor("finance"))
    batch, payment_file = exported.batch, exported.payment_file
    assert [line.amount_fen for line in batch.lines] == [52000], "only November is due"
    assert ",6222000011112222333," in payment_file
    funds.import_results(
        auth.staff_actor("finance"),
        f"batch_id,line_id,amount_fen,result,paid_on\n{batch.id},00001,52000,paid,2026-11-26\n".encode(),
    )
    services.notice_worker.run_once()

    openid = services.wechat.code_to_openid("test-citizen-code")
    mine = [m for m in sim.messages() if m["touser"] == openid]
    assert [m["template_id"] for m in mine] == [
        "yimen-subscribe-application_received",
        "yimen-subscribe-accepted",
        "yimen-subscribe-approved",
        "yimen-subscribe-paid",
    ]
    assert mine[2]["data"]["amount3"] == {"value": "520.00元/月"}
    assert mine[3]["data"] == {
        "thing1": {"value": "最低生活保障（2026年11月）"},
        "amount2": {"value": "520.00元"},
        "date3": {"value": "2026年11月26日"},
        "thing4": {"value": "已打入尾号2333的银行卡"},
    }
    with services.uow() as uow:
        household_id = uow.applications.get(app_id).household_id
        platform = [r for r in uow.aid_records.list_for_household(household_id) if r.source == "platform"]
    assert [(r.amount_fen, r.period, r.source_ref) for r in platform] == [(52000, "2026-11", slips[0].id)]
