"""Notice delivery over real HTTP: wechatpy -> the bundled WeChat imitation."""

from datetime import UTC, datetime

import pytest

from tests.notices.sim import add_household
from yimen.adapters.wechat import WeChatGateway
from yimen.services.notices.outbox import NOTICE_JOB, fit, notify, render
from yimen.services.notices.worker import WorkerSettings, set_preferences

LONG_ITEM = "城乡居民最低生活保障金（含分类施保加发部分）"  # 23 characters: longer than thing's 20
PAID = {"item_name": LONG_ITEM, "amount_fen": 123456, "paid_on": "2026-11-20", "bank_card_masked": "**** **** 4321"}


def paid_notice(services, household, key="paid-1", data=PAID):
    with services.uow() as uow:
        notify(uow, "paid", household_id=household.id, data=data, dedupe_key=key)


def job_rows(services):
    with services.uow() as uow:
        return [dict(r) for r in uow.conn.execute("SELECT * FROM jobs ORDER BY id")]


def test_subscribe_message_payload_is_exact_and_cut_to_field_limits(services, sim):
    household = add_household(services, 1, openid="o-paid-1")
    paid_notice(services, household)

    assert services.notice_worker.run_once() == {"done": 1, "retry": 0, "dead": 0}

    (message,) = sim.messages()
    assert message == {
        "kind": "subscribe",
        "touser": "o-paid-1",
        "template_id": "yimen-subscribe-paid",
        "page": "pages/happiness/index",
        "data": {
            "thing1": {"value": "城乡居民最低生活保障金（含分类施保加发…"},
            "amount2": {"value": "1234.56元"},
            "date3": {"value": "2026年11月20日"},
            "thing4": {"value": "已打入尾号4321的银行卡"},
        },
    }
    assert len(message["data"]["thing1"]["value"]) == 20
    with services.uow() as uow:
        (record,) = uow.notice_log.list_for(f"household:{household.id}").items
    assert record.channel == "subscribe"
    assert record.text == (
        "您的城乡居民最低生活保障金（含分类施保加发部分）救助金1234.56元已于2026年11月20日"
        "打入您尾号4321的银行卡，请注意查收。"
    )


def test_every_event_renders_within_wechat_limits(services, sim):
    household = add_household(services, 2, openid="o-all-events")
    long = "因家庭人均收入高于当地最低生活保障标准且家庭财产状况不符合规定"
    events = {
        "application_received": {
            "item_name": "临时救助",
            "application_no": "YM20261125000123456789012345678901",
            "received_on": "2026-11-25",
        },
        "needs_correction": {
            "item_name": "临时救助",
            "application_no": "YM1",
            "missing": "户口簿首页、银行卡复印件、医疗费用发票原件",
            "deadline": "2026-12-05",
        },
        "accepted": {"item_name": "临时救助", "application_no": "YM1", "accepted_on": "2026-11-26"},
        "rejected": {"item_name": "临时救助", "application_no": "YM1", "reason": long},
        "approved": {"item_name": "最低生活保障", "application_no": "YM1", "amount_fen": 50000, "monthly": True},
        "not_approved": {"item_name": "最低生活保障", "application_no": "YM1", "reason": long},
    }
    for event, data in events.items():
        with services.uow() as uow:
            notify(uow, event, household_id=household.id, data=data, dedupe_key=event)

    assert services.notice_worker.run_once()["done"] == len(events)

    got = {m["template_id"].removeprefix("yimen-subscribe-"): m["data"] for m in sim.messages()}
    assert set(got) == set(events)
    assert got["application_received"]["character_string2"]["value"] == "YM20261125000123456789012345678901"[:32]
    assert got["needs_correction"]["thing2"]["value"] == "需补充：户口簿首页、银行卡复印件、医疗…"
    assert got["approved"]["amount3"]["value"] == "500.00元/月"
    assert got["rejected"]["phrase2"]["value"] == "不予受理"
    assert got["not_approved"]["thing3"]["value"] == long[:19] + "…"


def test_fit_cuts_each_type_to_its_limit():
    assert fit("thing1", "一" * 21) == "一" * 19 + "…"
    assert fit("thing1", "一" * 20) == "一" * 20
    assert fit("name2", "欧阳一二三四五六七八九") == "欧阳一二三四五六七…"
    assert fit("phrase3", "审批已经通过了") == "审批已经通"
    assert fit("thing4", "  ") == "无"


def test_http_500_is_retried_with_backoff_and_delivered_once(services, sim, clock):
    household = add_household(services, 3, openid="o-retry")
    paid_notice(services, household)
    sim.faults({"http_status": 500}, {"http_status": 500})
    worker = services.notice_worker

    assert worker.run_once() == {"done": 0, "retry": 1, "dead": 0}
    (job,) = job_rows(services)
    assert (job["status"], job["attempts"]) == ("pending", 1)
    assert worker.run_once()["retry"] == 0, "not due before the 30 s backoff"
    clock.advance(seconds=31)
    assert worker.run_once() == {"done": 0, "retry": 1, "dead": 0}
    clock.advance(seconds=59)
    assert worker.run_once()["retry"] == 0, "second backoff is 60 s"
    clock.advance(seconds=2)
    assert worker.run_once() == {"done": 1, "retry": 0, "dead": 0}
    assert worker.run_once() == {"done": 0, "retry": 0, "dead": 0}

    assert [m["touser"] for m in sim.messages()] == ["o-retry"]
    (job,) = job_rows(services)
    assert (job["status"], job["attempts"]) == ("done", 3)


def test_timeout_is_retried_and_delivered_once(services, sim, clock, config):
    household = add_household(services, 4, openid="o-timeout")
    paid_notice(services, household)
    # The imitation sleeps 3 s then fails; the client gives up after 1 s.
    sim.faults({"delay": 3, "http_status": 500})
    quick = WeChatGateway(config.wechat_appid, config.wechat_secret, config.wechat_api_base, timeout=1.0)
    worker = services.make_notice_worker(wechat=quick)

    assert worker.run_once()["retry"] == 1
    assert "Timeout" in job_rows(services)[0]["last_error"]
    clock.advance(seconds=31)
    assert worker.run_once()["done"] == 1
    assert [m["touser"] for m in sim.messages()] == ["o-timeout"]


def test_dead_letter_after_max_attempts(services, sim, clock):
    household = add_household(services, 5, openid="o-dead")
    paid_notice(services, household)
    sim.faults(*[{"http_status": 500}] * 3)
    worker = services.make_notice_worker(settings=WorkerSettings(max_attempts=3))
    for _ in range(3):
        worker.run_once()
        clock.advance(hours=1)
    assert worker.run_once() == {"done": 0, "retry": 0, "dead": 0}
    (job,) = job_rows(services)
    assert (job["status"], job["attempts"]) == ("dead", 3)
    assert sim.messages() == []


def test_same_dedupe_key_is_delivered_once(services, sim):
    household = add_household(services, 6, openid="o-dedupe")
    paid_notice(services, household, key="slip-abc")
    paid_notice(services, household, key="slip-abc", data={**PAID, "amount_fen": 1})
    worker = services.notice_worker
    worker.run_once()
    worker.run_once()
    (message,) = sim.messages()
    assert message["data"]["amount2"]["value"] == "1234.56元"


def test_refused_subscribe_falls_back_to_sms(services, sim, config):
    household = add_household(services, 7, openid="o-refuser", phone="13912345678")
    sim.refuse("o-refuser")
    paid_notice(services, household)

    assert services.notice_worker.run_once()["done"] == 1

    assert sim.messages() == []
    sms = (config.data_dir / "sms-outbox.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(sms) == 1
    assert '"phone": "13912345678"' in sms[0]
    assert "【一门】您的城乡居民最低生活保障金（含分类施保加发部分）救助金1234.56元" in sms[0]
    (job,) = job_rows(services)
    assert job["status"] == "done" and "43101" in job["last_error"]


def test_no_openid_goes_to_sms_and_no_contact_is_dead(services, sim, config):
    texted = add_household(services, 8, openid=None, phone="13700000008")
    unreachable = add_household(services, 9, openid=None, phone=None)
    paid_notice(services, texted, key="a")
    paid_notice(services, unreachable, key="b")
    assert services.notice_worker.run_once() == {"done": 1, "retry": 0, "dead": 1}
    assert "13700000008" in (config.data_dir / "sms-outbox.jsonl").read_text(encoding="utf-8")


def test_channel_order_per_user_and_official_account_template(services, sim, config):
    sms_first = add_household(services, 10, openid="o-sms-first", phone="13600000010")
    oa_user = add_household(services, 11, openid="o-mini-11")
    with services.uow() as uow:
        set_preferences(uow, "o-sms-first", ["sms", "subscribe"])
        set_preferences(uow, "o-mini-11", ["template", "subscribe"], oa_openid="o-oa-11")
    paid_notice(services, sms_first, key="x")
    paid_notice(services, oa_user, key="y")

    services.notice_worker.run_once()

    assert "13600000010" in (config.data_dir / "sms-outbox.jsonl").read_text(encoding="utf-8")
    (message,) = sim.messages()
    assert message == {
        "kind": "template",
        "touser": "o-oa-11",
        "template_id": "yimen-template-paid",
        "data": {
            "first": {"value": "救助金已拨付"},
            "keyword1": {"value": LONG_ITEM},
            "keyword2": {"value": "1234.56元"},
            "keyword3": {"value": "2026年11月20日"},
            "keyword4": {"value": "已打入尾号4321的银行卡"},
            "remark": {
                "value": "您的城乡居民最低生活保障金（含分类施保加发部分）救助金1234.56元已于2026年11月20日"
                "打入您尾号4321的银行卡，请注意查收。"
            },
        },
    }


def test_overdue_warning_reaches_staff_inbox(services, sim):
    with services.uow() as uow:
        notify(
            uow,
            "overdue",
            role="督办",
            area_code="511702001",
            data={"item_name": "临时救助", "application_no": "YM9", "stage": "入户核查", "days_overdue": 3},
            dedupe_key="overdue-YM9-入户核查",
        )
    services.notice_worker.run_once()
    with services.uow() as uow:
        (record,) = uow.notice_log.list_for("staff:督办@511702001").items
    assert record.channel == "inbox"
    assert record.text == "临时救助申请（编号YM9）在“入户核查”环节已超期3个工作日，请尽快办理。"
    assert sim.messages() == []


def test_notify_refuses_incomplete_data(services):
    with services.uow() as uow, pytest.raises(ValueError, match="paid_on"):
        notify(
            uow, "paid", openid="o", data={"item_name": "x", "amount_fen": 1, "bank_card_masked": "1"}, dedupe_key="k"
        )


def test_notice_commits_only_with_its_transaction(services, sim):
    household = add_household(services, 12, openid="o-rollback")
    with pytest.raises(RuntimeError), services.uow() as uow:
        notify(uow, "paid", household_id=household.id, data=PAID, dedupe_key="rolled-back")
        raise RuntimeError("the approval failed")
    with services.uow() as uow:
        assert uow.job_leases.counts(NOTICE_JOB) == {}


def test_backoff_grows_exponentially_and_is_capped(services, sim, clock):
    household = add_household(services, 13, openid="o-backoff")
    paid_notice(services, household)
    sim.faults(*[{"http_status": 500}] * 9)
    worker = services.make_notice_worker(settings=WorkerSettings(max_attempts=20))
    delays = []
    for _ in range(9):
        before = clock.now()
        worker.run_once()
        due = job_rows(services)[0]["run_after"]
        delays.append(round((_parse(due) - before).total_seconds()))
        clock.advance(seconds=delays[-1])
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def _parse(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def test_overdue_warning_before_the_deadline_says_it_is_due_soon():
    notice = render(
        "overdue",
        {
            "item_name": "最低生活保障",
            "application_no": "YM7",
            "stage": "审批",
            "days_overdue": 0,
            "due_on": "2026-12-02",
        },
    )
    assert notice.title == "办理时限提醒"
    assert notice.text == "最低生活保障申请（编号YM7）在“审批”环节即将到期（时限2026年12月2日），请尽快办理。"
