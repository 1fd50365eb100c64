"""贫困指数 and 动态排名 for a 100,000-household county.

What is measured: (1) ranking the whole county: the index of every household (`poverty.compute`, every
factor with its breakdown) and the sorted ranking (`poverty.Ranking.of`), over households already in memory;
(2) keeping the ranking current: one household's data changes (its income, here), its index is computed
again and it moves in the held ranking (`Ranking.update`), median, p99 and worst of 200 such changes.
Generating the households and database I/O are NOT measured (reading 100,000 households from the store is
the store's own figure). CPU time of this single-threaded process is reported, so other load on a shared
machine does not count against it.
Targets (issue 15): the county in under 10 s; one change in under 50 ms.
Usage: .venv/bin/python benchmarks/bench_poverty.py [households]
"""

import random
import statistics
import sys
import time
from datetime import date

from yimen.domain import poverty
from yimen.domain.model import RegionLevel
from yimen.services.demo.county import regions, synthetic_household

HOUSEHOLDS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
STANDARD_FEN = 70_000
TODAY = date(2026, 11, 25)
TARGET_RANK_S, TARGET_UPDATE_MS = 10.0, 50.0


def main() -> int:
    rng = random.Random(15)
    villages = [r.code for r in regions() if r.level == RegionLevel.VILLAGE]
    print(f"generating {HOUSEHOLDS:,} synthetic households (not timed)...", flush=True)
    households = [synthetic_household(rng, villages[n % len(villages)], TODAY, n, set()) for n in range(HOUSEHOLDS)]
    cpu = time.process_time()
    indexes = [poverty.compute(h, STANDARD_FEN, TODAY) for h in households]
    ranking = poverty.Ranking.of(indexes)
    rank_s = time.process_time() - cpu
    print(
        f"ranking {len(ranking):,} households: {rank_s:.2f} s CPU "
        f"(top score {ranking.top(1)[0][1]}, {sum(1 for i in indexes if i.score):,} with any factor)"
    )
    updates = []
    for household in rng.sample(households, 200):
        household.head.monthly_income_fen = {"务工收入": rng.randrange(0, 300_000)}
        start = time.perf_counter()
        ranking.update(poverty.compute(household, STANDARD_FEN, TODAY))
        ranking.rank_of(household.id)
        updates.append((time.perf_counter() - start) * 1000)
    p99 = sorted(updates)[int(len(updates) * 0.99) - 1]
    print(
        f"one household changes: median {statistics.median(updates):.3f} ms, p99 {p99:.3f} ms, "
        f"worst {max(updates):.3f} ms (200 changes, wall clock)"
    )
    ok = rank_s < TARGET_RANK_S and p99 < TARGET_UPDATE_MS
    print(
        f"poverty ranking: county {rank_s:.2f} s (target < {TARGET_RANK_S:g} s), update p99 "
        f"{p99:.3f} ms (target < {TARGET_UPDATE_MS:g} ms): {'targets met' if ok else 'TARGETS MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
