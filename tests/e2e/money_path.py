"""The whole money path over real HTTP, as a county's own system would drive it: a citizen from WeChat login to
an application with a payee account, every staff step through the staff JSON API, slip review, export, a
bank result file that fails the line, the account corrected, a second export that pays it, the paid notice.
Used by tests/e2e/test_money_path.py against `yimen serve` on SQLite and on DynamoDB/S3/SQS."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from tests.workflow.helpers import PASSWORD, application_body, id_number
from yimen.services.demo.county import staff_accounts

NAMES = {username: display for username, display, *_ in staff_accounts()}  # a signature names its signer
HEAD = "钱小满"
FIRST_CARD, SECOND_CARD = "6217 9901 0000 1234 567", "6228480099990000123"


def result_file(payment_csv: str, failed: dict[str, str], paid_on: str) -> str:
    """The bank's result file (docs/bank-batch-format.md) for a payment file: every line paid but `failed`."""
    rows = list(csv.DictReader(io.StringIO(payment_csv.lstrip("\ufeff"))))
    out = ["batch_id,line_id,amount_fen,result,reason,paid_on"]
    for row in rows:
        reason = failed.get(row["line_id"])
        out.append(
            ",".join(
                [
                    row["batch_id"],
                    row["line_id"],
                    row["amount_fen"],
                    "失败" if reason else "成功",
                    reason or "",
                    "" if reason else paid_on,
                ]
            )
        )
    return "\r\n".join(out) + "\r\n"


def line_of(payment_csv: str, account: str) -> dict:
    rows = [r for r in csv.DictReader(io.StringIO(payment_csv.lstrip("\ufeff"))) if r["bank_card"] == account]
    assert len(rows) == 1, f"expected the account exactly once in the payment file, found {len(rows)}"
    return rows[0]


@dataclass
class Driver:
    base: str
    tokens: dict[str, dict] = field(default_factory=dict)
    http: requests.Session = field(default_factory=requests.Session)
    retries: list[tuple[str, str]] = field(default_factory=list)
    deliver: Callable[[], None] | None = None  # runs the notice queue's consumer where no local worker does

    # ------------------------------------------------------------ plumbing

    def call(self, method: str, path: str, who: str | None = None, expect: int | None = 200, **kwargs):
        headers = {**(self.tokens[who] if who else {}), **kwargs.pop("headers", {})}
        response = self.http.request(method, self.base + path, headers=headers, timeout=300, **kwargs)
        assert expect is None or response.status_code == expect, (
            method,
            path,
            response.status_code,
            response.text[:800],
        )
        return response

    def json(self, method: str, path: str, who: str | None = None, expect: int = 200, **kwargs) -> dict:
        return self.call(method, path, who, expect, **kwargs).json()

    def retried(self, method: str, path: str, who: str, expect: int, **kwargs) -> dict:
        """What the 409 message asks a client to do ("请刷新后重试"): an all-or-nothing call that lost a race
        (on DynamoDB every audited write moves one chain head, so a background job's event can win) changed
        nothing and is simply sent again. Counted, so a test can tell."""
        for _ in range(3):
            response = self.call(method, path, who, None, **kwargs)
            code = response.json().get("error", {}).get("code") if response.status_code == 409 else None
            if code not in ("STALE_VERSION", "EXPORT_UNDONE"):
                break
            self.retries.append((path, code))
        assert response.status_code == expect, (method, path, response.status_code, response.text[:800])
        return response.json()

    def staff(self, username: str) -> None:
        body = self.json("POST", "/api/v1/staff/login", json={"username": username, "password": PASSWORD})
        assert body["expires_at"] and len(body["token"]) > 20
        self.tokens[username] = {"Authorization": f"Bearer {body['token']}"}

    # ------------------------------------------------------------ citizen

    def citizen_applies(self) -> tuple[str, str]:
        """A brand-new WeChat user applies for 低保 with the household's 一卡通 account; (application, household)."""
        login = self.json("POST", "/api/v1/auth/wechat-login", json={"code": "money-path-new-citizen"})
        self.tokens["citizen"] = {"Authorization": f"Bearer {login['token']}"}
        self.openid = login["openid"]
        banks = self.json("GET", "/api/v1/banks")["items"]
        body = application_body(head_name=HEAD, head_id=id_number("19580315", "66"))
        body["household"].pop("bank_card")
        body["payee"] = {"bank": banks[0]["code"], "account_number": FIRST_CARD, "holder_name": HEAD}
        app = self.json(
            "POST", "/api/v1/applications", "citizen", 201, json=body, headers={"Idempotency-Key": "money-path-0001"}
        )
        assert app["stage"] == "受理"
        return app["id"], self.case(app["id"], "window1")["household"]["id"]

    def my_notices(self) -> list[dict]:
        return self.json("GET", "/api/v1/me/notices", "citizen")["items"]

    # ------------------------------------------------------------ workflow

    def case(self, app_id: str, who: str) -> dict:
        return self.json("GET", f"/api/v1/staff/cases/{app_id}", who)

    def act(self, app_id: str, who: str, step: str, **fields) -> dict:
        """Take a step the case offers this clerk now (`next`), with the version just read. A 409 STALE_VERSION
        (the OCR worker keeps its reading of the ID photo on the case meanwhile) means: read again, retry."""
        for _ in range(3):
            case = self.case(app_id, who)
            offered = [
                s
                for s in case["next"]
                if s["step"] == step
                and fields.get("phrase") in s["phrases"]
                and s.get("item_code") in (None, fields.get("item_code"))
            ]
            assert offered, f"{who} is not offered {step} {fields} on {case['stage']}: {case['next']}"
            signing = (
                {"typed_name": NAMES[who], "pin": PASSWORD}
                if fields.get("phrase") in offered[0]["signature_required"]
                else {}
            )
            response = self.call(
                "POST",
                f"/api/v1/staff/cases/{app_id}/actions",
                who,
                None,
                json={"step": step, "version": case["version"], **signing, **fields},
            )
            if response.status_code != 409 or response.json()["error"]["code"] != "STALE_VERSION":
                break
            self.retries.append((f"cases/{step}", "STALE_VERSION"))
        assert response.status_code == 200, (step, fields, response.status_code, response.text[:800])
        return response.json()

    def every_staff_step(self, app_id: str, amount_fen: int) -> dict:
        queue = self.json("GET", "/api/v1/staff/cases", "window1")["items"]
        assert app_id in [row["id"] for row in queue]
        assert self.act(app_id, "window1", "decide", phrase="同意受理")["stage"] == "核对"
        report = self.act(app_id, "checking", "decide", phrase="生成核对报告")
        assert report["stage"] == "核对" and report["check_report"]
        assert self.act(app_id, "checking", "decide", phrase="核对完成")["stage"] == "督办"
        assert self.act(app_id, "supervise1", "decide", phrase="同意转审批")["stage"] == "审批"
        approved = self.act(
            app_id,
            "approver",
            "decide_item",
            item_code="dibao",
            phrase="同意救助",
            amount_fen=amount_fen,
            monthly=True,
            months=1,
        )
        assert approved["stage"] == "备案"
        done = self.act(app_id, "centre", "decide", phrase="备案")
        assert done["stage"] == "已办结" and done["next"] == []
        return done

    # ------------------------------------------------------------ money

    def slips(self, status: str, who: str = "centre") -> list[dict]:
        items, cursor = [], ""
        while True:
            page = self.json("GET", "/api/v1/staff/slips", who, params={"status": status, "cursor": cursor or None})
            items += page["items"]
            if not page["next_cursor"]:
                return items
            cursor = page["next_cursor"]

    def slip_action(self, who: str, action: str, slip_ids: list[str], chunk: int = 40) -> None:
        for start in range(0, len(slip_ids), chunk):
            self.retried(
                "POST",
                "/api/v1/staff/slips/actions",
                who,
                200,
                json={"action": action, "slip_ids": slip_ids[start : start + chunk]},
            )

    def review_and_approve(self, slip_ids: list[str]) -> None:
        self.slip_action("centre", "review", slip_ids)
        self.slip_action("finance", "approve", slip_ids)

    def export(self, expect: int = 201) -> dict:
        return self.retried("POST", "/api/v1/staff/batches/export", "finance", expect)

    def payment_file(self, batch_id: str) -> str:
        response = self.call("GET", f"/api/v1/staff/batches/{batch_id}/payment.csv", "finance")
        assert response.headers["Content-Type"].startswith("text/csv")
        return response.content.decode("utf-8-sig")

    def import_results(self, text: str) -> dict:
        return self.json(
            "POST",
            "/api/v1/staff/batches/import",
            "finance",
            files={"file": ("result.csv", text.encode("utf-8"), "text/csv")},
        )

    def report(self, batch_id: str) -> dict:
        return self.json("GET", f"/api/v1/staff/batches/{batch_id}", "centre")

    def wait_for_notice(self, event: str, seconds: float = 90) -> list[dict]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.deliver:
                self.deliver()
            found = [n for n in self.my_notices() if n["event"] == event]
            if found:
                return found
            time.sleep(0.5)
        raise AssertionError(f"no {event} notice within {seconds} s: {self.my_notices()}")
