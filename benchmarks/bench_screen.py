"""Screening throughput (主动发现): the pure rule evaluation over in-memory households.

What is measured: `screen_household` (profile building + every catalogue item's rules + duplicate-aid
checks) over 100,000 synthetic households already in memory, on one core. Generating the households
and database I/O are NOT measured. Target: >= 5,000 households/s per core.
"""

import random
import sys
import time
from datetime import date, timedelta

from yimen.domain.model import AidRecord, RegionLevel
from yimen.domain.policy import catalogue
from yimen.services.checking.screening import screen_household
from yimen.services.demo.county import regions, synthetic_household

HOUSEHOLDS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
TARGET = 5_000
RUNS = 3
TODAY = date(2026, 11, 25)


def synthetic_records(rng: random.Random, household_id: str) -> list[AidRecord]:
    """A third receive 低保; a few also get 特困 and 残疾人生活补贴 together (a conflict to find)."""
    codes = []
    if rng.random() < 0.33:
        codes.append("dibao")
    if rng.random() < 0.02:
        codes += ["tekun", "canji-shenghuo"]
    paid = TODAY - timedelta(days=30)
    return [
        AidRecord(
            household_id,
            code,
            code,
            "县民政局",
            "按月发放",
            50000,
            paid,
            "bench",
            f"{household_id}-{code}",
            f"{paid:%Y-%m}",
        )
        for code in codes
    ]


def main() -> None:
    rng = random.Random(7)
    villages = [r.code for r in regions() if r.level == RegionLevel.VILLAGE]
    print(f"generating {HOUSEHOLDS:,} synthetic households (not timed)...", flush=True)
    households = [synthetic_household(rng, villages[n % len(villages)], TODAY, n, set()) for n in range(HOUSEHOLDS)]
    records = {h.id: synthetic_records(rng, h.id) for h in households}
    cat = catalogue()
    rates = []
    for run in range(1, RUNS + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        findings = sum(len(screen_household(h, records[h.id], TODAY, cat)) for h in households)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        # CPU time of this single-threaded process = one core's work, whatever else the machine runs
        rates.append(HOUSEHOLDS / cpu)
        print(
            f"run {run}: {HOUSEHOLDS:,} households x {len(cat.items)} items in {cpu:.2f} s CPU "
            f"({elapsed:.2f} s wall): {rates[-1]:,.0f} households/s per core; {findings:,} findings"
        )
    rate = max(rates)  # best of the runs: other processes on a shared machine only ever slow a run down
    print(f"screening: {rate:,.0f} households/s per core, best of {RUNS} (target >= {TARGET:,})")
    if rate < TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
