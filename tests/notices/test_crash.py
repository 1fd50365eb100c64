"""Kill the delivery worker with SIGKILL in the middle of a batch, restart it: nothing lost, nothing twice."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from tests.notices.sim import add_household
from yimen.entrypoints.workers import start_notice_worker
from yimen.services.notices.outbox import NOTICE_JOB, notify
from yimen.services.notices.worker import WorkerSettings

YIMEN = str(Path(sys.executable).parent / "yimen")


def _deliver(config, wechat_imitation):
    env = {**os.environ, "YIMEN_WECHAT_API_BASE": wechat_imitation.url + "/wx-sim/"}
    return subprocess.Popen(
        [YIMEN, "notices", "deliver", "--once", "--lease-seconds", "1", "--data-dir", str(config.data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_worker_killed_mid_batch_loses_and_duplicates_nothing(services, sim, config, wechat_imitation):
    openids = [f"o-crash-{n}" for n in range(10)]
    households = [add_household(services, 100 + n, openid=openid) for n, openid in enumerate(openids)]
    with services.uow() as uow:
        for n, household in enumerate(households):
            notify(
                uow,
                "paid",
                household_id=household.id,
                dedupe_key=f"crash-{n}",
                data={
                    "item_name": "临时救助",
                    "amount_fen": 10000 + n,
                    "paid_on": "2026-11-25",
                    "bank_card_masked": "**** **** 0001",
                },
            )
    # Three messages go through, the fourth hangs at the imitation (and then fails): kill it there.
    sim.faults({}, {}, {}, {"delay": 3, "http_status": 500})

    first = _deliver(config, wechat_imitation)
    _wait_for(lambda: len(sim.messages()) == 3)
    time.sleep(0.3)  # the fourth request is now in flight
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL
    before = sim.messages()
    sim.reset()  # drops the hanging fault even if the killed worker never got to send its fourth message

    with services.uow() as uow:
        counts = uow.job_leases.counts(NOTICE_JOB)
    assert counts == {"done": 3, "running": 7}, "killed mid-batch: three done, the rest still leased"

    time.sleep(1.1)  # the dead worker's lease runs out
    second = _deliver(config, wechat_imitation)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert "已投递 7 条" in out

    received = Counter(m["touser"] for m in before + sim.messages())
    assert received == Counter(openids), "each person exactly once"
    with services.uow() as uow:
        assert uow.job_leases.counts(NOTICE_JOB) == {"done": 10}


def test_local_worker_thread_delivers_and_stops(services, sim):
    household = add_household(services, 200, openid="o-thread")
    with services.uow() as uow:
        notify(
            uow,
            "paid",
            household_id=household.id,
            dedupe_key="thread-1",
            data={"item_name": "临时救助", "amount_fen": 100, "paid_on": "2026-11-25", "bank_card_masked": "1"},
        )
    stop = start_notice_worker(services, WorkerSettings(poll_seconds=0.05))
    try:
        _wait_for(lambda: len(sim.messages()) == 1)
    finally:
        stop.set()
    assert sim.messages()[0]["touser"] == "o-thread"


def test_two_workers_at_once_never_send_the_same_notice(services, sim):
    households = [add_household(services, 300 + n, openid=f"o-pair-{n}") for n in range(24)]
    with services.uow() as uow:
        for n, household in enumerate(households):
            notify(
                uow,
                "paid",
                household_id=household.id,
                dedupe_key=f"pair-{n}",
                data={"item_name": "临时救助", "amount_fen": 100, "paid_on": "2026-11-25", "bank_card_masked": "1"},
            )
    tallies = []
    workers = [
        threading.Thread(
            target=lambda: tallies.append(services.make_notice_worker(settings=WorkerSettings(batch=3)).run_once())
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(t["done"] for t in tallies) == 24
    assert Counter(m["touser"] for m in sim.messages()) == Counter(f"o-pair-{n}" for n in range(24))
