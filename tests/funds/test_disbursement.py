"""Slips from approval to the bank and back: review, approval, payment file, result file, notices."""

import csv
import io
from collections import Counter
from datetime import date

import pytest

from tests.notices.sim import add_household
from yimen.domain.disbursement import SlipStatus, platform_aid_record
from yimen.domain.errors import Conflict, Forbidden, ValidationError
from yimen.services.funds.slips import create_slips


@pytest.fixture
def funds(seeded):
    auth = seeded.auth
    return seeded.disbursement, auth.staff_actor("centre"), auth.staff_actor("finance")


def approve(services, household, *, application_id, amount_fen=50000, monthly=False, months=1, item="临时救助"):
    with services.uow() as uow:
        return create_slips(
            uow,
            application_id=application_id,
            household_id=household.id,
            item_code="linshi",
            item_name=item,
            department="民政局",
            amount_fen=amount_fen,
            monthly=monthly,
            months=months,
            start=date(2026, 11, 25),
        )


def test_monthly_aid_gets_one_slip_per_month_and_approving_twice_adds_none(seeded):
    household = add_household(seeded, 1)
    slips = approve(seeded, household, application_id="app-1", amount_fen=68000, monthly=True, months=3)
    again = approve(seeded, household, application_id="app-1", amount_fen=68000, monthly=True, months=3)
    assert [s.period for s in slips] == ["2026-11", "2026-12", "2027-01"]
    assert [s.due_on for s in slips] == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert [s.id for s in again] == [s.id for s in slips]
    assert {s.status for s in slips} == {SlipStatus.PENDING_REVIEW} and {s.amount_fen for s in slips} == {68000}
    one_off = approve(seeded, household, application_id="app-2", amount_fen=150000)
    assert [(s.period, s.due_on) for s in one_off] == [(None, date(2026, 11, 25))]
    with seeded.uow() as uow, pytest.raises(ValueError):
        create_slips(
            uow,
            application_id="app-3",
            household_id=household.id,
            item_code="x",
            item_name="x",
            department="x",
            amount_fen=12.5,
            monthly=False,
            months=1,
            start=date(2026, 11, 25),
        )


def test_centre_reviews_finance_approves_or_sends_back_with_roles_and_audit(seeded, funds):
    service, centre, finance = funds
    household = add_household(seeded, 2)
    (a,) = approve(seeded, household, application_id="a")
    (b,) = approve(seeded, household, application_id="b")

    with pytest.raises(Forbidden):
        service.act(finance, "review", [a.id])
    with pytest.raises(Forbidden):
        service.act(centre, "approve", [a.id])
    with pytest.raises(Conflict):
        service.act(finance, "approve", [a.id])  # not reviewed yet
    service.act(centre, "review", [a.id, b.id])
    with pytest.raises(ValidationError):
        service.act(finance, "send_back", [b.id], reason=" ")
    service.act(finance, "approve", [a.id])
    service.act(finance, "send_back", [b.id], reason="救助金额与标准不符")

    with seeded.uow() as uow:
        assert uow.slips.get(a.id).status == SlipStatus.APPROVED
        sent_back = uow.slips.get(b.id)
        trail = [(e.actor, e.action, e.from_state, e.to_state) for e in uow.audit.for_object("slip", b.id)]
    assert (sent_back.status, sent_back.note) == (SlipStatus.SENT_BACK, "财政退回：救助金额与标准不符")
    assert trail == [
        ("staff:centre", "review", "待中心审核", "待财政审批"),
        ("staff:finance", "send_back", "待财政审批", "财政退回"),
    ]
    assert [v.slip.id for v in service.list_slips(centre, SlipStatus.SENT_BACK).items] == [b.id]


def _pay_everyone(seeded, funds, count):
    service, centre, finance = funds
    households = [
        add_household(seeded, 10 + n, openid=f"o-pay-{n}", bank_card=f"62170000000000{n:05d}") for n in range(count)
    ]
    slips = [
        approve(seeded, h, application_id=f"pay-{n}", amount_fen=10000 * (n + 1))[0] for n, h in enumerate(households)
    ]
    service.act(centre, "review", [s.id for s in slips])
    service.act(finance, "approve", [s.id for s in slips])
    return households, slips


def _export(service, finance):
    done = service.export_batch(finance)
    return done.batch, done.payment_file, done.held_back


def _results(payment_file: str, failed: dict[str, str]) -> bytes:
    """What the bank sends back: every line paid on 2026-11-27 except `failed` (line id -> reason)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["batch_id", "line_id", "amount_fen", "result", "reason", "paid_on"])
    for row in csv.DictReader(io.StringIO(payment_file)):
        if row["line_id"] in failed:
            writer.writerow([row["batch_id"], row["line_id"], row["amount_fen"], "failed", failed[row["line_id"]], ""])
        else:
            writer.writerow([row["batch_id"], row["line_id"], row["amount_fen"], "paid", "", "2026-11-27"])
    return out.getvalue().encode()


def test_batch_paid_with_two_failures_reimported_each_paid_once_and_notified_once(seeded, funds, sim):
    service, centre, finance = funds
    households, slips = _pay_everyone(seeded, funds, 6)

    batch, payment_file, skipped = _export(service, finance)
    assert skipped == [] and len(batch.lines) == 6 and batch.total_fen == 210000
    rows = list(csv.DictReader(io.StringIO(payment_file)))
    assert list(rows[0]) == [
        "batch_id",
        "line_id",
        "holder_name",
        "bank_card",
        "bank_name",
        "bank_cnaps",
        "amount_fen",
        "amount_yuan",
        "memo",
    ]
    line_of = {line.slip_id: line.line_id for line in batch.lines}
    assert [line.line_id for line in batch.lines] == ["00001", "00002", "00003", "00004", "00005", "00006"]
    assert next(r for r in rows if r["line_id"] == line_of[slips[0].id]) == {
        "batch_id": batch.id,
        "line_id": line_of[slips[0].id],
        "holder_name": "测试010号",
        "bank_card": "6217000000000000000",
        "bank_name": "示范农商银行",
        "bank_cnaps": "",
        "amount_fen": "10000",
        "amount_yuan": "100.00",
        "memo": "临时救助",
    }
    result_file = _results(payment_file, {line_of[slips[1].id]: "账户已销户", line_of[slips[4].id]: "户名与账号不符"})

    first = service.import_results(finance, result_file)
    again = service.import_results(finance, result_file)
    reformatted = service.import_results(finance, result_file.replace(b"\n", b"\r\n"))  # same content, new bytes

    assert (first.paid, first.failed, first.unchanged) == (4, 2, 0)
    assert again.already_imported and (again.paid, again.failed) == (0, 0)
    assert (reformatted.paid, reformatted.failed, reformatted.unchanged) == (0, 0, 6)
    report = service.report(finance, batch.id)
    assert report["exported"] == {"count": 6, "fen": 210000}
    assert report["paid"] == {"count": 4, "fen": 10000 + 30000 + 40000 + 60000}
    assert report["failed"] == {"count": 2, "fen": 20000 + 50000}
    assert report["balanced"] is True

    seeded.notice_worker.run_once()
    seeded.notice_worker.run_once()
    paid_to = Counter(m["touser"] for m in sim.messages() if m["template_id"] == "yimen-subscribe-paid")
    assert paid_to == Counter({f"o-pay-{n}": 1 for n in (0, 2, 3, 5)})
    with seeded.uow() as uow:
        platform = [r for h in households for r in uow.aid_records.list_for_household(h.id)]
        failed = [uow.slips.get(s.id) for s in (slips[1], slips[4])]
        inbox = uow.notice_log.list_for("staff:救助中心@990101").items
    assert Counter(r.source_ref for r in platform) == Counter({slips[n].id: 1 for n in (0, 2, 3, 5)})
    assert {r.paid_on for r in platform} == {date(2026, 11, 27)} and {r.source for r in platform} == {"platform"}
    assert [(s.status, s.note) for s in failed] == [
        (SlipStatus.FAILED, "银行退回：账户已销户"),
        (SlipStatus.FAILED, "银行退回：户名与账号不符"),
    ]
    assert sorted(r.text for r in inbox) == sorted(
        [
            f"批次{batch.id}中测*****的临时救助200.00元代发失败（银行退回：账户已销户），拨付单已退回救助中心，请核实后重新审核。",
            f"批次{batch.id}中测*****的临时救助500.00元代发失败（银行退回：户名与账号不符），拨付单已退回救助中心，请核实后重新审核。",
        ]
    )

    # Re-reviewed without a corrected account, they are held back, never sent to the closed account again.
    service.act(centre, "review", [s.id for s in failed])
    service.act(finance, "approve", [s.id for s in failed])
    with pytest.raises(ValidationError, match="2 张因收款账户问题") as refused:
        service.export_batch(finance)
    assert {h["reason"] for h in refused.value.details["held_back"]} == {
        "收款账户上次代发失败（账户已销户），尚未更正",
        "收款账户上次代发失败（户名与账号不符），尚未更正",
    }
    # The centre corrects both accounts; the same slips go out in a second batch and are paid.
    payees = seeded.payees
    for n in (1, 4):
        payees.set_payee(
            centre, households[n].id, "RCB", f"62284800000000{n:05d}", f"测试{10 + n:03d}号", "持一卡通原件更正"
        )
    second, second_file, _ = _export(service, finance)
    assert sorted(line.slip_id for line in second.lines) == sorted(s.id for s in failed)
    service.import_results(finance, _results(second_file, {}))
    service.import_results(finance, result_file)  # the old file once more: still nothing changes
    seeded.notice_worker.run_once()

    paid_to = Counter(m["touser"] for m in sim.messages() if m["template_id"] == "yimen-subscribe-paid")
    assert paid_to == Counter({f"o-pay-{n}": 1 for n in range(6)}), "each person exactly one paid notice"
    with seeded.uow() as uow:
        platform = [r for h in households for r in uow.aid_records.list_for_household(h.id)]
    assert Counter(r.source_ref for r in platform) == Counter({s.id: 1 for s in slips}), "each slip paid once"
    assert service.report(finance, batch.id)["paid"]["count"] == 4, "the first batch's books stay as they were"


def test_contradicting_or_unknown_lines_reject_the_whole_file(seeded, funds):
    service, _, finance = funds
    _pay_everyone(seeded, funds, 2)
    batch, payment_file, _ = _export(service, finance)
    service.import_results(finance, _results(payment_file, {}))
    flipped = _results(payment_file, {"00002": "余额不足"})  # the bank said paid before
    with pytest.raises(ValidationError, match="此前已回盘"):
        service.import_results(finance, flipped)
    wrong_amount = _results(payment_file, {}).replace(b",10000,", b",10001,")
    with pytest.raises(ValidationError, match="金额"):
        service.import_results(finance, wrong_amount)
    unknown = f"batch_id,line_id,amount_fen,result\n{batch.id},00099,1,paid\n".encode()
    with pytest.raises(ValidationError, match="00099"):
        service.import_results(finance, unknown)
    assert service.report(finance, batch.id)["paid"]["count"] == 2


def test_partial_result_file_leaves_lines_at_the_bank_and_report_unbalanced(seeded, funds):
    service, _, finance = funds
    _pay_everyone(seeded, funds, 3)
    batch, payment_file, _ = _export(service, finance)
    partial = b"\n".join(_results(payment_file, {}).splitlines()[:2])  # header + the first line only
    service.import_results(finance, partial)
    report = service.report(finance, batch.id)
    assert (report["paid"]["count"], report["pending"]["count"], report["balanced"]) == (1, 2, False)


def test_only_a_paid_slip_becomes_a_platform_aid_record(seeded, funds):
    household = add_household(seeded, 40)
    (slip,) = approve(seeded, household, application_id="unpaid")
    with pytest.raises(ValueError):
        platform_aid_record(slip)


def test_export_with_nothing_approved_is_refused(seeded, funds):
    service, _, finance = funds
    with pytest.raises(ValidationError, match="没有已到期的待拨付"):
        service.export_batch(finance)


def test_monthly_slips_go_to_the_bank_in_their_month_and_the_notice_names_it(seeded, funds, sim, clock):
    service, centre, finance = funds
    household = add_household(seeded, 50, openid="o-monthly")
    slips = approve(
        seeded, household, application_id="monthly", amount_fen=68000, monthly=True, months=3, item="最低生活保障"
    )
    service.act(centre, "review", [s.id for s in slips])
    service.act(finance, "approve", [s.id for s in slips])

    november, november_file, _ = _export(service, finance)
    assert [line.slip_id for line in november.lines] == [slips[0].id]
    assert "最低生活保障 2026-11" in november_file
    clock.advance(days=6)  # 2026-12-01
    december, _, _ = _export(service, finance)
    assert [line.slip_id for line in december.lines] == [slips[1].id]

    service.import_results(finance, _results(november_file, {}))
    seeded.notice_worker.run_once()
    (message,) = sim.messages()
    assert message["data"]["thing1"]["value"] == "最低生活保障（2026年11月）"
