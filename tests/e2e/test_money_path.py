"""Issue 12's "done means": money reaches a brand-new household, driven over HTTP against `yimen serve`
without a browser, on SQLite and on the DynamoDB/S3/SQS column (moto's server), where a fault lands in the
middle of an export of more than 100 slips. One payment, one paid notice, balanced reconcile reports, an
intact audit chain. The payment files and the notice text are kept under test-artifacts/money-path/<backend>/
so they can be shown."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from tests.aws_support import DUMMY_CREDENTIALS, create_stack
from tests.e2e.money_path import FIRST_CARD, HEAD, SECOND_CARD, Driver, line_of, result_file
from tests.net import free_port, wait_until_up
from yimen.domain.workdays import CHINA

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
    server = subprocess.Popen(
        [str(YIMEN), "serve", "--data-dir", str(data_dir), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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
    fixed = d.json(
        "PUT",
        f"/api/v1/staff/households/{household_id}/payee",
        "window1",
        json={
            "bank": "ABC",
            "account_number": SECOND,
            "holder_name": HEAD,
            "reason": "户主持一卡通原件到窗口更正：原账户已销户",
        },
    )
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
        ("6217 **** **** 4567", "failed"),
        ("6228 **** **** 0123", "paid"),
    ]
    paid = d.wait_for_notice("paid")
    assert len(paid) == 1 and "700.00" in paid[0]["text"] and "尾号0123" in paid[0]["text"], paid
    messages = requests.get(d.base + "/wx-sim/_sim/messages", timeout=10).json()["messages"]
    assert (
        len(
            [
                m
                for m in messages
                if m.get("touser") == d.openid
                and "0123" in json.dumps(m, ensure_ascii=False)
                and "已打入" in json.dumps(m, ensure_ascii=False)
            ]
        )
        == 1
    )
    return {
        "payment-1.csv": pay1,
        "payment-2.csv": pay2,
        "paid-notice.txt": paid[0]["text"] + "\n",
        "report-1.json": report1,
        "report-2.json": report2,
        "slip-history.json": history,
    }


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


# ---------------------------------------------------------------- the DynamoDB/S3/SQS column


class FaultProxy:
    """A loopback HTTP proxy in front of moto's server. Armed, it refuses the second DynamoDB transaction
    that claims slips, the way DynamoDB refuses a transaction whose condition no longer holds
    (TransactionCanceledException, ConditionalCheckFailed): a fault in the middle of an export."""

    def __init__(self, upstream: str):
        self.upstream, self.armed, self.claims_seen, self.fired = upstream, False, 0, 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.refuse(self.headers.get("X-Amz-Target", ""), body):
                    return self._reply(400, proxy.cancelled(body), {"Content-Type": "application/x-amz-json-1.0"})
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                upstream = requests.request(
                    self.command,
                    proxy.upstream + self.path,
                    data=body,
                    headers=headers,
                    timeout=60,
                    allow_redirects=False,
                )
                skip = ("content-length", "transfer-encoding", "connection", "content-encoding")
                self._reply(
                    upstream.status_code,
                    upstream.content,
                    {k: v for k, v in upstream.headers.items() if k.lower() not in skip},
                )

            def _reply(self, status: int, content: bytes, headers: dict):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def refuse(self, target: str, body: bytes) -> bool:
        if not self.armed or not target.endswith(".TransactWriteItems"):
            return False
        items = json.loads(body)["TransactItems"]
        if not any(
            next(iter(i.values())).get("Item", {}).get("PK", {}).get("S", "").startswith("SLIP#") for i in items
        ):
            return False
        self.claims_seen += 1
        if self.claims_seen < 2:
            return False
        self.armed, self.fired = False, self.fired + 1
        return True

    @staticmethod
    def cancelled(body: bytes) -> bytes:
        count = len(json.loads(body)["TransactItems"])
        reasons = [{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}] + [
            {"Code": "None"}
        ] * (count - 1)
        return json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                "message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
                "[ConditionalCheckFailed]",
                "CancellationReasons": reasons,
            }
        ).encode()

    def stop(self):
        self.server.shutdown()


def _seed_other_households(config_overrides: dict, data_dir: Path, count: int) -> list[str]:
    """Other households' aid, filed straight into the store as slips finance has approved (reviewing a
    hundred slips through the API proves nothing the own slip doesn't): the export then holds > 100 slips."""
    from tests.notices.sim import add_household
    from yimen.bootstrap import build_services
    from yimen.config import load_config
    from yimen.domain.disbursement import Slip, SlipStatus

    services = build_services(load_config(data_dir, **config_overrides))
    ids = []
    for n in range(count):
        household = add_household(services, 500 + n, phone=None, bank_card=f"6217990100{n:09d}")
        slip = Slip(
            application_id=f"other-{n}",
            household_id=household.id,
            region_code=household.village_code,
            item_code="linshi",
            item_name="临时救助",
            department="民政局",
            amount_fen=30000 + n,
            period=None,
            due_on=datetime.now(CHINA).date(),
            status=SlipStatus.APPROVED,
        )
        with services.uow() as uow:
            uow.slips.add(slip)
        ids.append(slip.id)
    return ids


@contextlib.contextmanager
def moto_server():
    """moto's server in a process of its own (tests/e2e/moto_one_backup.py: one table backup per transaction)."""
    port = free_port()
    env = {**os.environ, **DUMMY_CREDENTIALS}
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("moto_one_backup.py")), "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/moto-api/")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # moto's threaded server may hold on to a keep-alive connection
            server.kill()
            server.wait(timeout=10)


def test_money_reaches_a_new_household_on_dynamodb_with_a_fault_mid_export(tmp_path, monkeypatch):
    for name, value in DUMMY_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with moto_server() as endpoint:
        _dynamodb_path(tmp_path, create_stack(endpoint), monkeypatch)


def _notifier(stack, data_dir: Path, base: str, monkeypatch):
    """What the notifier Lambda does in production: the notices `yimen serve` handed to SQS are received
    and delivered by functions/notifier.py (to the WeChat imitation that `yimen serve` hosts)."""
    import functions.notifier
    from functions.runtime import services
    from tests.serverless.conftest import sqs_event

    for name, value in {
        **stack.env(),
        "YIMEN_DATA_DIR": str(data_dir),
        "YIMEN_PUBLIC_BASE_URL": base,
        "YIMEN_WECHAT_API_BASE": base + "/wx-sim/",
    }.items():
        monkeypatch.setenv(name, value)
    services.cache_clear()

    def deliver() -> None:
        bodies = [m["Body"] for m in stack.drain("notice")]
        if bodies:
            assert functions.notifier.handler(sqs_event(bodies), None) == {"batchItemFailures": []}

    return deliver


def _dynamodb_path(tmp_path: Path, stack, monkeypatch) -> None:
    proxy = FaultProxy(stack.endpoint)
    env = _env(**{**stack.env(), "YIMEN_AWS_ENDPOINT_URL": proxy.url})
    try:
        with served(tmp_path, env) as base:
            d = Driver(base, deliver=_notifier(stack, tmp_path, base, monkeypatch))
            for username in STAFF:
                d.staff(username)
            app_id, household_id = d.citizen_applies()
            d.every_staff_step(app_id, 70000)
            slip_id = _approve_slip(d, app_id)
            others = _seed_other_households(stack.config(), tmp_path, 100)

            # a fault in the second claiming transaction of a 101-slip export: nothing is left half-done
            proxy.armed = True
            refused = d.json("POST", "/api/v1/staff/batches/export", "finance", 409)
            assert proxy.fired == 1 and refused["error"]["code"] == "EXPORT_UNDONE"
            assert "没有任何拨付单被导出" in refused["error"]["message"]
            assert d.slips("银行处理中", "finance") == []
            assert {s["id"] for s in d.slips("待拨付", "finance")} == {*others, slip_id}
            # the export retried takes every slip once; then the same path as on SQLite
            files = _pay_with_one_correction(d, slip_id, household_id, others)
        _keep("dynamodb", {**files, "conflicts-retried.json": d.retries})
        _one_platform_payment(stack.config(), tmp_path, household_id)
        _audit_intact(tmp_path, env)
    finally:
        proxy.stop()
