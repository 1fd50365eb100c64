"""Dead notices: a notice that keeps failing at the WeChat imitation is given up, listed with the
recipient masked (CLI and staff console), put back once the cause is fixed and then delivered exactly
once; putting back a notice that was in fact delivered sends nothing."""

import re
from datetime import datetime

from click.testing import CliRunner

from tests.notices.sim import add_household
from tests.notices.test_delivery import job_rows, paid_notice
from yimen.domain.workdays import CHINA
from yimen.entrypoints.cli.main import main
from yimen.services.notices.dead import dead_notices, requeue
from yimen.services.notices.worker import NoticeWorker, WorkerSettings

OPENID, PHONE = "o-dead-notice-7781", "13912345678"


def _dead_notice(services, sim, clock, n: int = 41) -> NoticeWorker:
    """WeChat answers HTTP 500 three times running: with three tries allowed, the notice is dead."""
    household = add_household(services, n, openid=OPENID, phone=PHONE)
    paid_notice(services, household, key=f"dead-{n}")
    sim.faults(*[{"http_status": 500}] * 3)
    worker = services.make_notice_worker(settings=WorkerSettings(max_attempts=3))
    for tally in (
        {"done": 0, "retry": 1, "dead": 0},
        {"done": 0, "retry": 1, "dead": 0},
        {"done": 0, "retry": 0, "dead": 1},
    ):
        assert worker.run_once() == tally
        clock.advance(hours=1)
    return worker


def _shows_no_contact(text: str) -> None:
    assert OPENID not in text and PHONE not in text


def test_dead_notice_is_listed_masked_requeued_and_delivered_once(services, sim, clock):
    worker = _dead_notice(services, sim, clock)  # tried at 10:00, 11:00 and 12:00
    clock.advance(hours=1)  # 14:00: the WeChat outage is over

    (dead,) = dead_notices(uow=services.uow)
    assert (dead.event, dead.title, dead.attempts) == ("paid", "救助金已拨付", 3)
    assert dead.recipient == "测***** 户，手机 139****5678"
    assert dead.error == "HTTP 500"
    assert dead.at == datetime(2026, 11, 25, 12, 0, tzinfo=CHINA)
    _shows_no_contact(repr(dead))

    assert requeue("staff:centre", uow=services.uow, clock=services.clock) == 1
    (job,) = job_rows(services)
    assert (job["status"], job["attempts"], job["run_after"]) == ("pending", 0, "2026-11-25T06:00:00.000000Z")  # now
    assert dead_notices(uow=services.uow) == []
    assert worker.run_once() == {"done": 1, "retry": 0, "dead": 0}
    assert [m["touser"] for m in sim.messages()] == [OPENID]

    assert requeue("staff:centre", uow=services.uow, clock=services.clock) == 0
    assert worker.run_once() == {"done": 0, "retry": 0, "dead": 0}
    assert [m["touser"] for m in sim.messages()] == [OPENID]


def test_requeue_never_sends_a_delivered_notice_again(services, sim, clock):
    household = add_household(services, 42, openid="o-delivered-42")
    paid_notice(services, household, key="delivered-42")
    worker = services.notice_worker
    assert worker.run_once()["done"] == 1
    (job,) = job_rows(services)
    job_id = str(job["id"])

    assert requeue("staff:centre", job_id, uow=services.uow, clock=services.clock) == 0, (
        "a delivered notice is not dead"
    )
    # A second worker whose lease ran out gave the notice up after the first had delivered it.
    with services.uow() as uow:
        uow.job_leases.finish(job_id, "dead", run_after=clock.now(), error="errcode -1: system error")
    assert [d.id for d in dead_notices(uow=services.uow)] == [job_id]
    assert requeue("staff:centre", job_id, uow=services.uow, clock=services.clock) == 1

    assert worker.run_once() == {"done": 1, "retry": 0, "dead": 0}
    assert [m["touser"] for m in sim.messages()] == ["o-delivered-42"]
    (job,) = job_rows(services)
    assert (job["status"], job["last_error"]) == ("done", "already delivered, not sent again")


def test_cli_lists_and_requeues_dead_notices(services, sim, clock, config):
    _dead_notice(services, sim, clock)
    runner, data_dir = CliRunner(), ["--data-dir", str(config.data_dir)]

    listed = runner.invoke(main, ["notices", "dead", *data_dir])
    assert listed.exit_code == 0, listed.output
    assert re.search(
        r"^\[1\] 2026-11-25 12:00  救助金已拨付（paid）  收件人：测\*\*\*\*\* 户，手机 139\*\*\*\*5678  "
        r"已尝试 3 次$",
        listed.output,
        re.M,
    ), listed.output
    assert "    最后一次失败：HTTP 500" in listed.output and "共 1 条投递失败的通知。" in listed.output
    _shows_no_contact(listed.output)
    assert "已放弃（需人工处理）：1" in runner.invoke(main, ["notices", "status", *data_dir]).output

    unknown = runner.invoke(main, ["notices", "retry-dead", "--id", "99", *data_dir])
    assert unknown.exit_code == 1 and "没有编号为 99 的投递失败任务" in unknown.output
    done = runner.invoke(main, ["notices", "retry-dead", "--kind", "notice", "--id", "1", *data_dir])
    assert done.exit_code == 0 and done.output.strip() == "已重新排队 1 条，投递程序会尽快发送。"
    (job,) = job_rows(services)
    assert (job["status"], job["attempts"]) == ("pending", 0)
    again = runner.invoke(main, ["notices", "retry-dead", *data_dir])
    assert again.exit_code == 0 and again.output.strip() == "没有投递失败的任务。"
    assert runner.invoke(main, ["notices", "dead", *data_dir]).output.strip() == "共 0 条投递失败的通知。"
    with services.uow() as uow:
        (event,) = uow.audit.for_object("job", "1")
    assert (event.actor, event.action, event.from_state, event.to_state) == (
        "system:cli",
        "requeue_dead",
        "dead",
        "pending",
    )


def _csrf(client, page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_centre_sees_dead_notices_in_the_console_and_sends_them_again(seeded, staff_client, sim, clock):
    worker = _dead_notice(seeded, sim, clock)
    centre = staff_client("centre")
    page = centre.get("/staff/inbox/").get_data(as_text=True)
    assert "投递失败的通知" in page and "测***** 户，手机 139****5678" in page and "HTTP 500" in page
    assert "3 次" in page and 'name="job_id" value="1"' in page and "重新投递" in page
    _shows_no_contact(page)
    csrf = _csrf(centre, page)

    window = staff_client("window1")
    window_page = window.get("/staff/inbox/").get_data(as_text=True)
    assert "投递失败的通知" not in window_page
    forbidden = window.post("/staff/inbox/dead-notices/retry", data={"csrf": _csrf(window, window_page)})
    assert forbidden.status_code == 403 and "没有权限" in forbidden.get_data(as_text=True)  # a page, not JSON
    assert centre.post("/staff/inbox/dead-notices/retry", data={"job_id": "1"}).status_code == 400  # no token
    assert job_rows(seeded)[0]["status"] == "dead"

    response = centre.post("/staff/inbox/dead-notices/retry", data={"csrf": csrf, "job_id": "1"})
    assert response.status_code == 302
    after = centre.get(response.headers["Location"]).get_data(as_text=True)
    assert "已重新排队 1 条通知，稍后自动发送" in after and "没有投递失败的通知。" in after
    with seeded.uow() as uow:
        (event,) = uow.audit.for_object("job", "1")
    assert (event.actor, event.action, event.phrase, event.reason) == (
        "staff:centre",
        "requeue_dead",
        "重新投递",
        "1 条",
    )

    assert worker.run_once() == {"done": 1, "retry": 0, "dead": 0}
    assert [m["touser"] for m in sim.messages()] == [OPENID]
