"""The citizen's side: their messages and their channel order; and the queue-consumer entry point."""

import pytest

from tests.notices.sim import add_household
from yimen.ports import Job
from yimen.services.notices.channels import ChannelUnavailable
from yimen.services.notices.outbox import notify
from yimen.services.notices.worker import PREFS

PAID = {"item_name": "临时救助", "amount_fen": 30000, "paid_on": "2026-11-25", "bank_card_masked": "**** **** 7788"}


def test_citizen_sets_channel_order_and_reads_messages(services, client, citizen_headers, sim, config):
    prefs = client.get("/api/v1/me/notices/preferences", headers=citizen_headers).get_json()
    assert prefs == {"channels": ["subscribe", "template", "sms"], "official_account_linked": False}
    bad = client.put("/api/v1/me/notices/preferences", json={"channels": ["email"]}, headers=citizen_headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "BAD_CHANNELS"
    ok = client.put("/api/v1/me/notices/preferences", json={"channels": ["sms", "subscribe"]}, headers=citizen_headers)
    assert ok.get_json()["channels"] == ["sms", "subscribe"]

    openid = services.wechat.code_to_openid("test-citizen-code")
    household = add_household(services, 70, openid=openid, phone="13500000070")
    with services.uow() as uow:
        notify(uow, "paid", household_id=household.id, data=PAID, dedupe_key="api-paid")
    services.notice_worker.run_once()

    assert sim.messages() == [], "the citizen put SMS first"
    assert "13500000070" in (config.data_dir / "sms-outbox.jsonl").read_text(encoding="utf-8")
    items = client.get("/api/v1/me/notices", headers=citizen_headers).get_json()["items"]
    assert [(i["event"], i["channel"]) for i in items] == [("paid", "短信")]
    assert items[0]["text"] == "您的临时救助救助金300.00元已于2026年11月25日打入您尾号7788的银行卡，请注意查收。"
    assert client.get("/api/v1/me/notices").status_code == 401


def test_queue_consumer_raises_on_transient_failure_and_logs_on_success(services, sim):
    household = add_household(services, 71, openid="o-queued")
    job = Job(
        kind="notice",
        dedupe_key="notice:q1",
        payload={
            "event": "paid",
            "household_id": household.id,
            "openid": None,
            "role": None,
            "area_code": None,
            "data": PAID,
        },
    )
    worker = services.notice_worker
    sim.faults({"http_status": 500})
    with pytest.raises(ChannelUnavailable):
        worker.handle_queued(job)
    worker.handle_queued(job)
    assert [m["touser"] for m in sim.messages()] == ["o-queued"]
    with services.uow() as uow:
        assert [r.channel for r in uow.notice_log.list_for(f"household:{household.id}").items] == ["subscribe"]
        assert uow.kv.get(PREFS, "o-queued") is None
