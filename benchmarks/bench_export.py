"""A county-sized bank export: 5,000 approved slips of 5,000 households into one payment file.

What is measured: `DisbursementService.export_batch` as the console and the staff API call it, on the
embedded SQLite store (`yimen serve`): the stale-export scan, planning (due slips, their households'
accounts), writing the batch PREPARING, claiming every slip in chunks, the EXPORTED write and the
payment file (account numbers decrypted). Seeding the households and slips is NOT measured.
Target: well inside API Gateway's 29 s request limit, i.e. <= 10 s wall, best of 2 runs (each on a
freshly seeded database; other processes on a shared machine only ever slow a run down).
"""

import sys
import tempfile
import time
from datetime import date, datetime

from yimen.bootstrap import build_services
from yimen.config import load_config
from yimen.domain.disbursement import SlipStatus
from yimen.domain.model import Actor, Household, Member, Relation, Role
from yimen.ports import FixedClock
from yimen.services.funds.slips import create_slips

LINES = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
TARGET_SECONDS = 10.0
RUNS = 2
FINANCE = Actor(kind="staff", id="finance", role=Role.FINANCE, area_code="990101")


def seed(services, count: int) -> None:
    for start in range(0, count, 500):
        with services.uow() as uow:
            for n in range(start, min(start + 500, count)):
                head = Member(
                    name=f"基准{n:05d}号",
                    id_number=f"5117021980{n:08d}",
                    relation=Relation.HEAD,
                    birth_date=date(1980, 1, 1),
                    gender="男",
                )
                household = Household(
                    village_code="990101001001",
                    address="示范村",
                    members=[head],
                    bank_card=f"6217{n:015d}",
                    bank_name="示范县农村商业银行",
                    bank_code="RCB",
                    bank_cnaps="314000000001",
                )
                uow.households.add(household)
                (slip,) = create_slips(
                    uow,
                    application_id=f"bench-{n}",
                    household_id=household.id,
                    item_code="dibao",
                    item_name="最低生活保障",
                    department="县民政局",
                    amount_fen=70000,
                    monthly=False,
                    months=1,
                    start=date(2026, 11, 25),
                )
                slip.status = SlipStatus.APPROVED
                uow.slips.update(slip)


def run_once(run: int) -> float:
    with tempfile.TemporaryDirectory() as data_dir:
        services = build_services(
            load_config(data_dir, backend="sqlite"), clock=FixedClock(datetime(2026, 11, 25, 10, 0))
        )
        print(f"run {run}: seeding {LINES:,} households with an approved slip each (not timed)...", flush=True)
        seed(LINES, uow=services.uow, clock=services.clock)
        start, cpu_start = time.perf_counter(), time.process_time()
        done = services.disbursement.export_batch(FINANCE)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    if len(done.batch.lines) != LINES or done.held_back:
        sys.exit(f"exported {len(done.batch.lines)} lines, held back {len(done.held_back)}")
    print(
        f"run {run}: {LINES:,} lines, {len(done.payment_file) / 1024:,.0f} KB payment file, "
        f"{elapsed:.2f} s wall ({cpu:.2f} s CPU)"
    )
    return elapsed


def main() -> None:
    best = min(run_once(run) for run in range(1, RUNS + 1))
    print(
        f"bank export (SQLite): {LINES:,} lines in {best:.2f} s, best of {RUNS} "
        f"(target <= {TARGET_SECONDS:.0f} s; API Gateway's limit is 29 s)"
    )
    if best > TARGET_SECONDS:
        sys.exit(1)


if __name__ == "__main__":
    main()
