"""The staff JSON API for the money path: slips, review and approval, export with held_back, the payment
file, a result file that fails a line, correcting the account, a second batch that pays it, the report."""

import csv
import io
from dataclasses import replace
from datetime import date

from tests.notices.sim import add_household
from yimen.services.funds.slips import create_slips

PASSWORD = "yimen-demo-2026"


def _login(client, username):
    token = client.post("/api/v1/staff/login", json={"username": username, "password": PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _slips(services, count, without_account=()):
    out = []
    for n in range(count):
        household = add_household(services, 80 + n, openid=f"o-api-{n}")
        with services.uow() as uow:
            if n in without_account:
                uow.households.update(replace(household, bank_card=None, bank_name=None))
            out.append(
                create_slips(
                    uow,
                    application_id=f"api-{n}",
                    household_id=household.id,
                    item_code="linshi",
                    item_name="临时救助",
                    department="民政局",
                    amount_fen=60000 + n,
                    monthly=False,
                    months=1,
                    start=date(2026, 11, 25),
                )[0]
            )
    return out


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _result_file(payment_csv: str, failed: dict[str, str]) -> bytes:
    rows = list(csv.DictReader(io.StringIO(payment_csv.lstrip("\ufeff"))))
    lines = ["batch_id,line_id,amount_fen,result,reason,paid_on"]
    for row in rows:
        reason = failed.get(row["line_id"])
        lines.append(
            f"{row['batch_id']},{row['line_id']},{row['amount_fen']},{'失败' if reason else '成功'},"
            f"{reason or ''},{'' if reason else '2026-11-26'}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def _import(client, finance, content: bytes) -> dict:
    return _ok(
        client.post(
            "/api/v1/staff/batches/import",
            headers=finance,
            data={"file": (io.BytesIO(content), "result.csv")},
            content_type="multipart/form-data",
        )
    )


def test_money_path_through_the_api(client, seeded):
    slips = _slips(seeded, 3, without_account={2})
    ids = [s.id for s in slips]
    centre, finance, window = _login(client, "centre"), _login(client, "finance"), _login(client, "window1")

    listed = _ok(client.get("/api/v1/staff/slips?status=待中心审核", headers=centre))["items"]
    assert {row["id"] for row in listed} >= set(ids)
    row = next(r for r in listed if r["id"] == ids[0])
    assert row["amount_fen"] == 60000 and row["name_masked"] == "测*****" and row["due_on"] == "2026-11-25"
    wrong = client.post("/api/v1/staff/slips/actions", headers=centre, json={"action": "approve", "slip_ids": ids})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "ROLE_REQUIRED"
    done = _ok(client.post("/api/v1/staff/slips/actions", headers=centre, json={"action": "review", "slip_ids": ids}))
    assert {d["status"] for d in done["items"]} == {"待财政审批"}
    no_reason = client.post(
        "/api/v1/staff/slips/actions", headers=finance, json={"action": "send_back", "slip_ids": ids[:1]}
    )
    assert no_reason.get_json()["error"]["code"] == "REASON_REQUIRED"
    _ok(client.post("/api/v1/staff/slips/actions", headers=finance, json={"action": "approve", "slip_ids": ids}))

    export = _ok(client.post("/api/v1/staff/batches/export", headers=finance), 201)
    assert export["lines"] == 2 and export["total_fen"] == 120001
    assert [(h["slip_id"], h["reason"]) for h in export["held_back"]] == [(ids[2], "该户没有登记收款账户")]
    missing = _ok(client.get("/api/v1/staff/payees/missing", headers=centre))["items"]
    assert [(m["slip_ids"], m["reason"]) for m in missing] == [([ids[2]], "该户没有登记收款账户")]
    assert "窗口登记" in missing[0]["what_to_do"]

    payment = client.get(f"/api/v1/staff/batches/{export['batch_id']}/payment.csv", headers=finance)
    assert payment.status_code == 200 and payment.mimetype == "text/csv"
    text = payment.get_data(as_text=True)
    assert "6217000000000000080" in text and "6217000000000000081" in text  # the bank needs the full number
    # full account numbers are finance's: the centre may not download them
    assert client.get(f"/api/v1/staff/batches/{export['batch_id']}/payment.csv", headers=centre).status_code == 403
    first_line = next(
        r["line_id"] for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["bank_card"].endswith("080")
    )
    counts = _import(client, finance, _result_file(text, {first_line: "账户已销户"}))
    assert (counts["paid"], counts["failed"], counts["already_imported"]) == (1, 1, False)
    report = _ok(client.get(f"/api/v1/staff/batches/{export['batch_id']}", headers=centre))
    assert report["balanced"] is True and report["failed"] == {"count": 1, "fen": 60000}
    assert report["exported"] == {"count": 2, "fen": 120001} and report["lines"][0]["account_masked"]

    # the failed account is held back until someone corrects it, with the bank's reason
    missing = _ok(client.get("/api/v1/staff/payees/missing", headers=centre))["items"]
    closed = next(m for m in missing if ids[0] in m["slip_ids"])
    assert "账户已销户" in closed["reason"] and "更正" in closed["what_to_do"]
    household_id = slips[0].household_id
    bad = client.put(
        f"/api/v1/staff/households/{household_id}/payee",
        headers=window,
        json={
            "bank": "ABC",
            "account_number": "6228 4800 1234 5678 90",
            "holder_name": "别人",
            "reason": "持一卡通原件更正，原账户已销户",
        },
    )
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "PAYEE_HOLDER_NOT_MEMBER"
    fixed = _ok(
        client.put(
            f"/api/v1/staff/households/{household_id}/payee",
            headers=window,
            json={
                "bank": "ABC",
                "account_number": "6228 4800 1234 5678 90",
                "holder_name": "测试080号",
                "reason": "持一卡通原件更正，原账户已销户",
            },
        )
    )
    assert fixed["account_masked"] == "6228 **** **** 7890" and fixed["bank"] == "中国农业银行"
    other_area = client.put(
        f"/api/v1/staff/households/{household_id}/payee",
        headers=_login(client, "window2"),
        json={
            "bank": "ABC",
            "account_number": "6228480012345678907",
            "holder_name": "测试080号",
            "reason": "试图改别处的账户",
        },
    )
    assert other_area.status_code == 403 and other_area.get_json()["error"]["code"] == "OUT_OF_AREA"

    _ok(client.post("/api/v1/staff/slips/actions", headers=centre, json={"action": "review", "slip_ids": ids[:1]}))
    _ok(client.post("/api/v1/staff/slips/actions", headers=finance, json={"action": "approve", "slip_ids": ids[:1]}))
    second = _ok(client.post("/api/v1/staff/batches/export", headers=finance, json={}), 201)
    assert second["lines"] == 1 and [h["slip_id"] for h in second["held_back"]] == [ids[2]]
    text = client.get(f"/api/v1/staff/batches/{second['batch_id']}/payment.csv", headers=finance).get_data(as_text=True)
    assert "622848001234567890" in text and "6217000000000000080" not in text
    assert _import(client, finance, _result_file(text, {}))["paid"] == 1
    again = _import(client, finance, _result_file(text, {}))
    assert again["already_imported"] is True and again["paid"] == 0

    history = _ok(client.get(f"/api/v1/staff/slips/{ids[0]}", headers=centre))
    assert history["status"] == "已拨付"
    assert [(a["account_masked"], a["result"]) for a in history["attempts"]] == [
        ("6217 **** **** 0080", "failed"),
        ("6228 **** **** 7890", "paid"),
    ]
    with seeded.uow() as uow:
        paid = [r for r in uow.aid_records.list_for_household(household_id) if r.source == "platform"]
    assert [(r.amount_fen, r.source_ref) for r in paid] == [(60000, ids[0])]


def test_bad_requests_get_codes_and_chinese(client, seeded):
    finance = _login(client, "finance")
    assert (
        client.get("/api/v1/staff/slips?status=whatever", headers=finance).get_json()["error"]["code"] == "BAD_STATUS"
    )
    bad = client.post("/api/v1/staff/slips/actions", headers=finance, json={"action": "pay", "slip_ids": []})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "BAD_ACTION"
    nothing = client.post("/api/v1/staff/batches/export", headers=finance)
    assert nothing.status_code == 400 and nothing.get_json()["error"]["code"] == "NOTHING_TO_PAY"
    assert "拨付单" in nothing.get_json()["error"]["message"]
    no_file = client.post("/api/v1/staff/batches/import", headers=finance, data={}, content_type="multipart/form-data")
    assert no_file.get_json()["error"]["code"] == "FILE_REQUIRED"
    assert client.get("/api/v1/staff/batches/PF000/payment.csv", headers=finance).status_code == 404
    assert client.get("/api/v1/staff/payees/missing").status_code == 401
