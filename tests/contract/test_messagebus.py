"""What follows from granted aid, read from the one table (services/messagebus.py) and proved on both
stores: 同意救助 and 绿色通道 each make their slip and their notice exactly once, the paid slip puts
exactly one line on the household's 幸福清单, and a handler that fails takes the decision down with it."""

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from tests.contract.test_records import household
from yimen.domain.disbursement import SlipStatus, slip_id
from yimen.domain.events import AidGranted, PaymentMade
from yimen.domain.happiness import build_list
from yimen.domain.model import Role, StaffUser
from yimen.domain.workflow import GRANT, Application, Stage
from yimen.services import messagebus
from yimen.services.applications import consequences
from yimen.services.applications.forms import catalogue_item
from yimen.services.applications.signing import Signing
from yimen.services.funds import slips
from yimen.services.staff.auth import hash_password, staff_actor

PIN = "contract-pin-2026"
SERVICES = Path(slips.__file__).parents[1]


def _staff(backend, username: str, role: Role, department: str | None = None):
    user = StaffUser(username, f"{username}姓名", role, "511721", hash_password(PIN), department)
    with backend.uow() as uow:
        uow.staff.add(user)
    return staff_actor(user)


@pytest.fixture
def case(backend):
    """A household with an account and one 低保 application, in the stage the test asks for."""

    def make(stage: Stage) -> Application:
        h = household(bank_card="6222020200001234567", bank_name="示范县农村商业银行")
        app = Application(
            household_id=h.id,
            village_code=h.village_code,
            applicant_openid="openid-grant",
            items=[catalogue_item("dibao")],
            submitted_at=datetime(2026, 11, 20, 9, 0),
            stage=stage,
        )
        with backend.uow() as uow:
            uow.households.add(h)
            uow.applications.add(app)
        return app

    return make


def _notices(backend, app: Application) -> list[dict]:
    return [j for j in backend.delivered("notice") if app.id in j["dedupe_key"]]


def _slip_count(backend, slip_ids: list[str]) -> int:
    with backend.uow() as uow:
        return len(uow.slips.get_many(slip_ids))


def test_the_table_says_what_follows_from_granted_aid():
    assert messagebus.HANDLERS[AidGranted] == [slips.make_slips, consequences.tell_granted]
    assert messagebus.HANDLERS[PaymentMade] == [slips.add_to_happiness_list, slips.tell_household_paid]
    sources = {str(p.relative_to(SERVICES)): p.read_text(encoding="utf-8") for p in SERVICES.rglob("*.py")}
    assert {name for name, text in sources.items() if "create_slips(" in text} == {"funds/slips.py"}
    approving = {name for name, text in sources.items() if '"approved"' in text}
    assert approving == {"applications/consequences.py", "notices/outbox.py"}, "sent in one place, worded in one"
    notifying = {name for name, text in sources.items() if "notify(" in text}
    handlers = {"applications/consequences.py", "checking/consequences.py", "funds/consequences.py", "funds/slips.py"}
    assert notifying == {*handlers, "notices/outbox.py"}, "notices are sent by the handlers of the table only"


def test_granting_aid_makes_one_slip_one_notice_and_one_happiness_line(backend, case):
    approver = _staff(backend, "approver-mb", Role.APPROVER, department="民政")
    app = case(Stage.APPROVAL)
    backend.services.decisions.decide_item(
        approver, app.id, app.version, "dibao", GRANT, "", 60000, False, 1, Signing(approver.name, PIN)
    )

    slip = slip_id(app.id, "dibao", None)
    assert _slip_count(backend, [slip]) == 1
    (notice,) = _notices(backend, app)
    assert notice["dedupe_key"] == f"notice:approved:{app.id}:dibao"
    assert notice["payload"]["data"]["amount_fen"] == 60000
    assert notice["payload"]["data"]["account_masked"].endswith("4567")

    _pay(backend, [slip])
    with backend.uow() as uow:
        h = uow.households.get(app.household_id)
        records = uow.aid_records.list_for_household(h.id)
    lines = build_list(h, records, today=datetime(2026, 12, 1).date()).records
    assert [(line.item_name, line.amount_fen) for line in lines] == [("最低生活保障", 60000)]
    assert [j["payload"]["event"] for j in backend.delivered("notice")].count("paid") == 1


def test_the_green_channel_grants_through_the_same_handlers(backend, case):
    window = _staff(backend, "window-mb", Role.WINDOW)
    app = case(Stage.ACCEPTANCE)
    backend.services.green_channel.grant(
        window, app.id, app.version, "dibao", 50000, "房屋失火", Signing(window.name, PIN)
    )

    with backend.uow() as uow:
        slip = uow.slips.get(slip_id(f"{app.id}-green", "dibao", None))
    assert (slip.amount_fen, slip.urgent, slip.status) == (50000, True, SlipStatus.PENDING_REVIEW)
    (notice,) = _notices(backend, app)
    assert notice["dedupe_key"] == f"notice:approved:{app.id}:green"
    assert notice["payload"]["data"]["item_name"] == "最低生活保障（应急）"


def test_a_failing_handler_rolls_back_the_decision(backend, case, monkeypatch):
    approver = _staff(backend, "approver-rb", Role.APPROVER, department="民政")
    app = case(Stage.APPROVAL)

    def notice_service_down(event, uow):
        raise OSError("outbox unavailable")

    monkeypatch.setitem(messagebus.HANDLERS, AidGranted, [*messagebus.HANDLERS[AidGranted], notice_service_down])
    with pytest.raises(OSError):
        backend.services.decisions.decide_item(
            approver, app.id, app.version, "dibao", GRANT, "", 60000, False, 1, Signing(approver.name, PIN)
        )

    with backend.uow() as uow:
        stored = uow.applications.get(app.id)
        trail = [e.action for e in uow.audit.for_object("application", app.id)]
    assert (stored.stage, stored.items[0].decision, stored.version) == (Stage.APPROVAL, None, app.version)
    assert trail == [], "no audit event for a decision that did not happen"
    assert _slip_count(backend, [slip_id(app.id, "dibao", None)]) == 0
    assert _notices(backend, app) == []


def _pay(backend, slip_ids: list[str]) -> None:
    """The slips through the centre, finance and the bank, which pays them all (the result file imported twice)."""
    centre = _staff(backend, "centre-mb", Role.CENTRE)
    finance = _staff(backend, "finance-mb", Role.FINANCE)
    funds = backend.services.disbursement
    funds.act(centre, "review", slip_ids)
    funds.act(finance, "approve", slip_ids)
    done = funds.export_batch(finance)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["batch_id", "line_id", "amount_fen", "result", "reason", "paid_on"])
    for row in csv.DictReader(io.StringIO(done.payment_file)):
        writer.writerow([row["batch_id"], row["line_id"], row["amount_fen"], "paid", "", "2026-11-27"])
    result = out.getvalue().encode()
    assert funds.import_results(finance, result).paid == len(slip_ids)
    assert funds.import_results(finance, result).already_imported
