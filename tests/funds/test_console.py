"""The funds console: the centre reviews, finance approves, exports, imports and reads the report."""

import csv
import io
import re
from datetime import date

from tests.notices.sim import add_household
from yimen.services.funds.slips import create_slips


def _slips(services, count):
    households = [add_household(services, 60 + n, openid=f"o-console-{n}") for n in range(count)]
    with services.uow() as uow:
        return [
            create_slips(
                uow,
                application_id=f"console-{n}",
                household_id=h.id,
                item_code="linshi",
                item_name="临时救助",
                department="民政局",
                amount_fen=80000,
                monthly=False,
                months=1,
                start=date(2026, 11, 25),
            )[0]
            for n, h in enumerate(households)
        ]


def _login(staff_client, username):
    """Log in and take the form token the console pages carry (login starts a new session)."""
    client = staff_client(username)
    page = client.get("/staff/funds/").get_data(as_text=True)
    client.csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client


def _post(client, path, **form):
    return client.post(path, data={"csrf": client.csrf, **form})


def test_slip_round_trip_through_the_console(seeded, staff_client):
    slips = _slips(seeded, 3)
    centre, finance = _login(staff_client, "centre"), _login(staff_client, "finance")

    page = centre.get("/staff/funds/").get_data(as_text=True)
    assert page.count('name="slip_id" value=') == 3 and "测*****" in page and "800.00" in page
    assert "审核通过，提交财政" in page and "批准拨付" not in page
    response = _post(centre, "/staff/funds/slips/act", action="review", slip_id=[s.id for s in slips])
    assert response.status_code == 302

    assert _post(centre, "/staff/funds/slips/act", action="approve", slip_id=[slips[0].id]).status_code == 403
    page = finance.get("/staff/funds/").get_data(as_text=True)
    assert page.count('name="slip_id" value=') == 3 and "批准拨付" in page
    no_reason = _post(finance, "/staff/funds/slips/act", action="send_back", slip_id=[slips[2].id], reason="")
    assert no_reason.status_code == 400 and "退回时请写明原因" in no_reason.get_data(as_text=True)
    _post(finance, "/staff/funds/slips/act", action="send_back", slip_id=[slips[2].id], reason="金额有误")
    _post(finance, "/staff/funds/slips/act", action="approve", slip_id=[slips[0].id, slips[1].id])
    sent_back = centre.get("/staff/funds/?status=财政退回").get_data(as_text=True)
    assert "财政退回：金额有误" in sent_back

    export = _post(finance, "/staff/funds/batches/export")
    assert export.status_code == 303
    batch_page = finance.get(export.headers["Location"]).get_data(as_text=True)
    assert "已生成代发批次：2 笔，合计 1600.00 元。" in batch_page and "6217 **** **** 0060" in batch_page
    download = finance.get(re.search(r'id="download" href="([^"]+)"', batch_page).group(1))
    assert download.status_code == 200 and download.mimetype == "text/csv"
    text = download.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["amount_fen"] for r in rows] == ["80000", "80000"]
    batch_id = rows[0]["batch_id"]

    result = "batch_id,line_id,amount_fen,result,reason,paid_on\r\n" + "".join(
        f"{r['batch_id']},{r['line_id']},{r['amount_fen']},{'成功' if r['line_id'] == '00001' else '失败'},"
        f"{'' if r['line_id'] == '00001' else '账号不存在'},2026-11-28\r\n"
        for r in rows
    )
    upload = finance.post(
        "/staff/funds/batches/import",
        content_type="multipart/form-data",
        data={"csrf": finance.csrf, "file": (io.BytesIO(result.encode()), "result.csv")},
    )
    assert upload.status_code == 302
    report = finance.get(upload.headers["Location"]).get_data(as_text=True)
    assert "成功 1 笔，失败 1 笔" in report and "对账平衡" in report and "失败：账号不存在" in report
    again = finance.post(
        "/staff/funds/batches/import",
        content_type="multipart/form-data",
        data={"csrf": finance.csrf, "file": (io.BytesIO(result.encode()), "result.csv")},
    )
    assert "已导入过" in finance.get(again.headers["Location"]).get_data(as_text=True)
    assert re.search(rf"{batch_id}</td>", finance.get("/staff/funds/").get_data(as_text=True))

    again_file = finance.get(f"/staff/funds/batches/{batch_id}/payment.csv")
    assert again_file.get_data(as_text=True).lstrip("\ufeff") == text
    assert centre.get(f"/staff/funds/batches/{batch_id}/payment.csv").status_code == 403
    with seeded.uow() as uow:
        assert [e.action for e in uow.audit.for_object("batch", batch_id)] == [
            "prepare",
            "export",
            "download_payment_file",
            "import_results",
            "download_payment_file",
        ]

    seeded.notice_worker.run_once()
    inbox = centre.get("/staff/inbox/").get_data(as_text=True)
    assert f"批次{batch_id}中测*****的临时救助800.00元代发失败（银行退回：账号不存在）" in inbox
    assert "暂无提醒" in finance.get("/staff/inbox/").get_data(as_text=True)
    failed = centre.get("/staff/funds/?status=拨付失败").get_data(as_text=True)
    assert failed.count('name="slip_id" value=') == 1 and "审核通过，提交财政" in failed


def test_forms_need_the_session_token_and_other_roles_are_refused(seeded, staff_client):
    slip = _slips(seeded, 1)[0]
    centre = _login(staff_client, "centre")
    assert centre.post("/staff/funds/slips/act", data={"action": "review", "slip_id": slip.id}).status_code == 400
    window = staff_client("window1")
    assert window.get("/staff/funds/").status_code == 403
