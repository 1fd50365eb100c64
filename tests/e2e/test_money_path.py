"""Issue 12's "done means": money reaches a brand-new household, driven over HTTP against `yimen serve`
without a browser. One payment, one paid notice, balanced reconcile reports, an intact audit chain. The
payment files and the notice text are kept under test-artifacts/money-path/<backend>/ so they can be shown."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import requests

from tests.e2e.money_path import FIRST_CARD, HEAD, SECOND_CARD, Driver, line_of, result_file
from tests.net import free_port, wait_until_up
from yimen.adapters.clock import CHINA

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "money-path"
YIMEN = Path(sys.executable).with_name("yimen")
STAFF = ("window1", "checking", "supervise1", "approver", "centre", "finance")
FIRST, SECOND = FIRST_CARD.replace(" ", ""), SECOND_CARD


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(YIMEN), *args], env=env, capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def served(data_dir: Path, env: dict):
    """The demo county's staff and regions (no households), then `yimen serve` as a user runs it."""
    seeded = _run(["demo-data", "--households", "0", "--data-dir", str(data_dir)], env)
    assert seeded.returncode == 0, seeded.stderr
    port = free_port()
    log = (data_dir / "serve.log").open("w")
    server = subprocess.Popen([str(YIMEN), "serve", "--data-dir", str(data_dir), "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", 60)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIMEN_")}
    return {**env, **extra}


def _approve_slip(d: Driver, app_id: str) -> str:
    """The case's one slip (低保, 700 元, this month): reviewed by the centre, approved by finance."""
    mine = [s for s in d.slips("待中心审核") if s["application_id"] == app_id]
    assert [(s["amount_fen"], s["item_code"]) for s in mine] == [(70000, "dibao")]
    d.review_and_approve([mine[0]["id"]])
    return mine[0]["id"]


def _pay_with_one_correction(d: Driver, slip_id: str, household_id: str, others: list[str] = ()) -> dict:
    """From the approved slip to the paid notice; `others` are further approved slips in the first batch."""
    today = datetime.now(CHINA).date().isoformat()  # the bank's date, as the served clock reads it
    first = d.export()
    assert first["lines"] == 1 + len(others) and first["held_back"] == []
    pay1 = d.payment_file(first["batch_id"])
    line = line_of(pay1, FIRST)
    assert (line["holder_name"], line["amount_fen"], line["amount_yuan"]) == (HEAD, "70000", "700.00")
    counts = d.import_results(result_file(pay1, {line["line_id"]: "账户已销户"}, today))
    assert (counts["paid"], counts["failed"]) == (len(others), 1)
    report1 = d.report(first["batch_id"])
    assert report1["balanced"] is True and report1["failed"] == {"count": 1, "fen": 70000}
    assert report1["exported"]["fen"] == report1["paid"]["fen"] + report1["failed"]["fen"]

    # the closed account is never used again: the centre sees the household on the missing-account list
    assert d.json("GET", "/api/v1/staff/payees/missing", "centre")["items"][0]["household_id"] == household_id
    d.review_and_approve([slip_id])
    held = d.export(expect=400)["error"]["details"]["held_back"]
    assert [(h["slip_id"], "账户已销户" in h["reason"]) for h in held] == [(slip_id, True)]
    fixed = d.json("PUT", f"/api/v1/staff/households/{household_id}/payee", "window1",
                   json={"bank": "ABC", "account_number": SECOND, "holder_name": HEAD,
                         "reason": "户主持一卡通原件到窗口更正：原账户已销户"})
    assert fixed["account_masked"] == "6228 **** **** 0123"
    assert d.json("GET", "/api/v1/staff/payees/missing", "centre")["items"] == []

    second = d.export()
    assert second["lines"] == 1 and second["held_back"] == []
    pay2 = d.payment_file(second["batch_id"])
    assert line_of(pay2, SECOND)["amount_fen"] == "70000" and FIRST not in pay2
    assert d.import_results(result_file(pay2, {}, today))["paid"] == 1
    assert d.import_results(result_file(pay2, {}, today))["already_imported"] is True  # a re-sent file: nothing
    report2 = d.report(second["batch_id"])
    assert report2["balanced"] is True and report2["paid"] == {"count": 1, "fen": 70000}
    assert d.json("POST", "/api/v1/staff/batches/export", "finance", 400)["error"]["code"] == "NOTHING_TO_PAY"

    history = d.json("GET", f"/api/v1/staff/slips/{slip_id}", "centre")
    assert history["status"] == "已拨付"
    assert [(a["account_masked"], a["result"]) for a in history["attempts"]] == [
        ("6217 **** **** 4567", "failed"), ("6228 **** **** 0123", "paid")]
    paid = d.wait_for_notice("paid")
    assert len(paid) == 1 and "700.00" in paid[0]["text"] and "尾号0123" in paid[0]["text"], paid
    messages = requests.get(d.base + "/wx-sim/_sim/messages", timeout=10).json()["messages"]
    assert len([m for m in messages if m.get("touser") == d.openid and "0123" in json.dumps(m, ensure_ascii=False)
                and "已打入" in json.dumps(m, ensure_ascii=False)]) == 1
    return {"payment-1.csv": pay1, "payment-2.csv": pay2, "paid-notice.txt": paid[0]["text"] + "\n",
            "report-1.json": report1, "report-2.json": report2, "slip-history.json": history}


def _keep(backend: str, files: dict) -> None:
    folder = ARTIFACTS / backend
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=2)
        (folder / name).write_text(text, encoding="utf-8")


def _one_platform_payment(config_overrides: dict, data_dir: Path, household_id: str) -> None:
    from yimen.bootstrap import build_services
    from yimen.config import load_config

    services = build_services(load_config(data_dir, **config_overrides))
    with services.uow() as uow:
        records = [r for r in uow.aid_records.list_for_household(household_id) if r.source == "platform"]
    assert [(r.amount_fen, r.item_code) for r in records] == [(70000, "dibao")]


def _audit_intact(data_dir: Path, env: dict) -> None:
    verified = _run(["audit", "verify", "--data-dir", str(data_dir)], env)
    assert verified.returncode == 0 and "审计链完整" in verified.stdout, verified.stdout + verified.stderr


def test_money_reaches_a_new_household_on_sqlite(tmp_path):
    env = _env()
    with served(tmp_path, env) as base:
        d = Driver(base)
        for username in STAFF:
            d.staff(username)
        app_id, household_id = d.citizen_applies()
        d.every_staff_step(app_id, 70000)
        files = _pay_with_one_correction(d, _approve_slip(d, app_id), household_id)
    _keep("sqlite", {**files, "conflicts-retried.json": d.retries})
    _one_platform_payment({}, tmp_path, household_id)
    _audit_intact(tmp_path, env)
