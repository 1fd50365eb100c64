"""The money path is all or nothing on both stores, whatever its size: a bank export of more than 100
slips (more than one DynamoDB transaction) hit by a conflict or a crash in its middle leaves no slip
pointing at a batch, and the export can be run again; payee accounts are encrypted at rest."""

from datetime import date

import pytest

from yimen.domain.disbursement import BatchState, SlipStatus
from yimen.domain.errors import Conflict
from yimen.domain.model import Actor, Household, Member, Relation, Role
from yimen.services.funds.disbursement import CLAIM_CHUNK, IMPORT_CHUNK, DisbursementService
from yimen.services.funds.slips import create_slips

FINANCE = Actor(kind="staff", id="finance", role=Role.FINANCE, area_code="990101")
CENTRE = Actor(kind="staff", id="centre", role=Role.CENTRE, area_code="990101")
SLIPS = 150  # six claim chunks: more than one DynamoDB transaction
MIDDLE = 4  # the fault hits the fourth chunk


def _approved_slips(backend, count: int, *, without_account: int = 0) -> list[str]:
    """`count` households with an approved one-off slip each; the last `without_account` have no account."""
    ids = []
    for n in range(count):
        head = Member(
            name=f"合同{n:03d}号",
            id_number=f"51170219800101{n:04d}",
            relation=Relation.HEAD,
            birth_date=date(1980, 1, 1),
            gender="女",
        )
        card = None if n >= count - without_account else f"62170000{n:011d}"
        household = Household(
            village_code="990101001001",
            address="示范村",
            members=[head],
            bank_card=card,
            bank_name="示范县农村商业银行" if card else None,
        )
        with backend.uow() as uow:
            uow.households.add(household)
            (slip,) = create_slips(
                uow,
                application_id=f"app-{n}",
                household_id=household.id,
                item_code="linshi",
                item_name="临时救助",
                department="县民政局",
                amount_fen=10000 + n,
                monthly=False,
                months=1,
                start=date(2026, 11, 25),
            )
            slip.status = SlipStatus.APPROVED
            uow.slips.update(slip)
        ids.append(slip.id)
    return ids


class Killed(BaseException):
    """Like SystemExit: not an error the code could catch and handle."""


class FaultyUnits:
    """The store's own units of work; at the n-th one opened, `fault` runs first (a rival writer or a crash).
    Units of an export: 1 the stale-export scan, 2 planning, 3 the PREPARING batch, then one per chunk."""

    def __init__(self, backend, at: int, fault):
        self.backend, self.at, self.fault, self.opened = backend, at, fault, 0

    def __call__(self):
        self.opened += 1
        if self.opened == self.at:
            self.fault()
        return self.backend.uow()


def _sequential(backend, units) -> DisbursementService:
    """Chunks one after another, so the fault lands in the middle of the export (on DynamoDB chunks are
    otherwise claimed by several workers at once: which chunk is in the middle would be left to chance)."""
    return DisbursementService(uow=units, clock=backend.services.clock, export_workers=1)


def _state(backend, slip_ids):
    with backend.uow() as uow:
        slips = uow.slips.get_many(slip_ids)
        return (
            {s.status for s in slips.values()},
            {s.batch_id for s in slips.values()},
            sum(len(s.attempts) for s in slips.values()),
        )


def test_a_conflict_in_the_second_chunk_undoes_the_whole_export(backend):
    ids = _approved_slips(backend, SLIPS)
    victim = ids[(MIDDLE - 1) * CLAIM_CHUNK + 5]  # claimed by the fourth chunk

    def rival_touches_a_slip():  # e.g. another clerk's write lands between planning and claiming
        with backend.uow() as uow:
            slip = uow.slips.get(victim)
            slip.note = "他人刚刚修改"
            uow.slips.update(slip)

    faulty = _sequential(backend, FaultyUnits(backend, 3 + MIDDLE, rival_touches_a_slip))
    with pytest.raises(Conflict) as undone:
        faulty.export_batch(FINANCE)
    assert undone.value.code == "EXPORT_UNDONE" and "全部撤回" in undone.value.message

    assert _state(backend, ids) == ({SlipStatus.APPROVED}, {None}, 0), "no slip points at a batch"
    with backend.uow() as uow:
        (batch,) = uow.batches.list_recent().items
        assert uow.batches.list_unfinished() == []
        trail = [e.action for e in uow.audit.for_object("batch", batch.id)]
    assert batch.state == BatchState.VOID and trail[0] == "prepare" and trail[-1] == "void"

    service = backend.services.disbursement
    again = service.export_batch(FINANCE)
    assert len(again.batch.lines) == SLIPS and again.held_back == []
    assert _state(backend, ids) == ({SlipStatus.AT_BANK}, {again.batch.id}, SLIPS)
    assert again.payment_file.count("\r\n") == SLIPS + 1


def test_a_crash_mid_export_is_rolled_back_by_the_recovery_step_and_the_export_runs_again(backend):
    ids = _approved_slips(backend, SLIPS, without_account=3)

    def crash():
        raise Killed  # the Lambda timed out: the process is gone, nothing in it undoes anything

    crashing = _sequential(backend, FaultyUnits(backend, 3 + MIDDLE, crash))
    with pytest.raises(Killed):
        crashing.export_batch(FINANCE)
    statuses, batches, attempts = _state(backend, ids[:-3])
    assert statuses == {SlipStatus.APPROVED, SlipStatus.AT_BANK} and attempts == (MIDDLE - 1) * CLAIM_CHUNK
    with backend.uow() as uow:
        (stuck,) = uow.batches.list_unfinished()
    assert stuck.state == BatchState.PREPARING

    service = backend.services.disbursement
    assert service.recover_exports(FINANCE) == [], "a young export may still be running elsewhere"
    backend.services.clock.advance(minutes=11)
    assert service.recover_exports(FINANCE) == [stuck.id]
    assert service.recover_exports(FINANCE) == [], "idempotent"
    assert _state(backend, ids) == ({SlipStatus.APPROVED}, {None}, 0)

    done = service.export_batch(FINANCE)
    assert len(done.batch.lines) == SLIPS - 3
    assert sorted(h.slip_id for h in done.held_back) == sorted(ids[-3:])
    assert {h.reason for h in done.held_back} == {"该户没有登记收款账户"}
    with backend.uow() as uow:
        assert uow.batches.get(stuck.id).state == BatchState.VOID
        assert uow.batches.get(done.batch.id).state == BatchState.EXPORTED


def test_a_result_file_interrupted_half_way_is_finished_by_importing_it_again(backend):
    """Checked whole first, then applied in chunks: a crash in the middle chunk leaves the first applied;
    importing the same file again settles the rest, and every line exactly once."""
    ids = _approved_slips(backend, 3 * IMPORT_CHUNK)
    service = backend.services.disbursement
    done = service.export_batch(FINANCE)
    rows = [line.split(",") for line in done.payment_file.strip().split("\r\n")[1:]]
    failing = rows[-1][1]
    result = "batch_id,line_id,amount_fen,result,reason,paid_on\n" + "".join(
        f"{r[0]},{r[1]},{r[6]},{'failed,账户已销户' if r[1] == failing else 'paid,'},2026-11-27\n" for r in rows
    )

    def crash():
        raise Killed

    crashing = _sequential(backend, FaultyUnits(backend, 3, crash))  # 1 reads the batch
    with pytest.raises(Killed):
        crashing.import_results(FINANCE, result.encode())
    assert service.report(FINANCE, done.batch.id)["paid"]["count"] == IMPORT_CHUNK, "the first chunk only"
    again = service.import_results(FINANCE, result.encode())
    assert (again.paid, again.failed, again.unchanged) == (len(rows) - IMPORT_CHUNK - 1, 1, IMPORT_CHUNK)
    assert service.import_results(FINANCE, result.encode()).already_imported
    report = service.report(FINANCE, done.batch.id)
    assert report["balanced"] and (report["paid"]["count"], report["failed"]["count"]) == (len(rows) - 1, 1)
    with backend.uow() as uow:
        slips = uow.slips.get_many(ids)
        records = [r for s in slips.values() for r in uow.aid_records.list_for_household(s.household_id)]
    assert sorted(r.source_ref for r in records) == sorted(s.id for s in slips.values() if s.status == SlipStatus.PAID)
    assert len(records) == len(rows) - 1
    paid = [j for j in backend.delivered("notice") if j["payload"]["event"] == "paid"]
    assert len(paid) == len({j["dedupe_key"] for j in paid}) == len(rows) - 1, "one paid notice per paid slip"


def test_payee_accounts_at_rest_are_encrypted_on_the_household_and_on_each_attempt(backend):
    (slip_id,) = _approved_slips(backend, 1)
    with backend.uow() as uow:
        household_id = uow.slips.get(slip_id).household_id
    backend.services.payees.set_payee(
        CENTRE, household_id, "ABC", "6228480000000000018", "合同000号", "持一卡通原件登记"
    )
    done = backend.services.disbursement.export_batch(FINANCE)
    assert ",6228480000000000018," in done.payment_file
    with backend.uow() as uow:
        (attempt,) = uow.slips.get(slip_id).attempts
        household = uow.households.get(household_id)
    assert attempt.payee.masked == "6228 **** **** 0018" and attempt.payee.bank_name == "中国农业银行"
    assert household.bank_cnaps == "103000000001" and household.payee_name == "合同000号"
    stored = backend.stored_text()
    assert "6228480000000000018" not in stored and "62170000000000000000" not in stored
