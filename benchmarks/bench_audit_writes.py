"""Audited writes on the DynamoDB adapter with many concurrent writers (boto3 over HTTP to moto's server).

What is measured: W threads, each running units of work like a staff case-page view (read the case,
append its audit event: one TransactWriteItems) on cases picked at random from a county's open work;
then a second round where every writer hits ONE case (one chain: the worst case for the head). Printed:
audited writes per second, retries after losing a chain's next seq, and the hot-key pressure: writes per
partition key, from every TransactWriteItems the adapter sent (a botocore hook counts the items' PK).
Afterwards the chains are anchored and verified, and the stored events counted against those committed.

What moto can and cannot show: moto's server runs the whole table in one Python process and its
TransactWriteItems takes no lock (tests/contract/test_records.py skips its concurrency test for that
reason: a cancelled transaction restores a copy of the table and can undo others' writes). So the
rate here is moto's, not DynamoDB's; the spread of writes over keys is the design's and holds on
DynamoDB. Lost events, if any, are moto's missing lock, which the verify line makes visible. DynamoDB's
own ceiling is per partition: 1,000 write units a second, and a transactional write costs 2 per item.

Usage: bench_audit_writes.py [--writers 8] [--units 25] [--cases 5000] (about two minutes here)
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.aws_support import client, create_stack, moto_endpoint  # noqa: E402
from yimen.bootstrap import build_services  # noqa: E402
from yimen.config import load_config  # noqa: E402
from yimen.domain.audit import CHAINS  # noqa: E402
from yimen.domain.errors import Conflict  # noqa: E402
from yimen.domain.model import AuditEvent  # noqa: E402

WCU_PER_PARTITION = 1000  # DynamoDB's per-partition write ceiling (write units a second)


class KeyCounter:
    """Counts every item the adapter sends in TransactWriteItems, by partition key, and the cancellations."""

    def __init__(self, dynamodb):
        self.keys: Counter[str] = Counter()
        self.cancelled = 0
        self.lock = threading.Lock()
        dynamodb.meta.events.register("provide-client-params.dynamodb.TransactWriteItems", self._sent)
        dynamodb.meta.events.register("after-call.dynamodb.TransactWriteItems", self._answered)

    def _sent(self, params, **_):
        with self.lock:
            for op in params["TransactItems"]:
                body = next(iter(op.values()))
                self.keys[(body.get("Item") or body.get("Key"))["PK"]["S"]] += 1

    def _answered(self, http_response, parsed, **_):
        if "Error" in parsed:
            with self.lock:
                self.cancelled += 1

    def reset(self) -> None:
        self.keys.clear()
        self.cancelled = 0


def run(services, writers: int, units: int, pick) -> tuple[float, int, int]:
    """Each writer runs `units` audited units; returns seconds, units committed, units given up."""
    done, failed, lock = [0], [0], threading.Lock()

    def writer(n: int) -> None:
        rng = random.Random(n)
        for _ in range(units):
            case = pick(rng)
            try:
                with services.uow() as uow:
                    uow.kv.get("case", case)  # the case read a view does
                    uow.audit.append(
                        AuditEvent(
                            actor=f"staff:w{n}",
                            object_type="application",
                            object_id=case,
                            action="view",
                            at=datetime.now(),
                        )
                    )
                outcome = done
            except Conflict:
                outcome = failed
            with lock:
                outcome[0] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, done[0], failed[0]


def report(name: str, seconds: float, done: int, failed: int, keys: KeyCounter) -> None:
    items = sum(keys.keys.values())
    hottest, hottest_n = keys.keys.most_common(1)[0] if keys.keys else ("-", 0)
    rate = done / seconds
    print(
        f"{name}: {done} audited writes in {seconds:.1f} s = {rate:.0f}/s; {failed} given up; "
        f"{keys.cancelled} transactions cancelled and resealed"
    )
    print(
        f"  hot-key pressure: {len(keys.keys)} partition keys written; hottest {hottest} took "
        f"{hottest_n}/{items} items ({100 * hottest_n / max(items, 1):.1f}%), {hottest_n / seconds:.0f} writes/s"
    )
    if hottest_n:
        ceiling = WCU_PER_PARTITION / 2 * items / hottest_n
        print(
            f"  on DynamoDB this spread would reach the hottest partition's {WCU_PER_PARTITION} WCU/s "
            f"(2 per transactional item) at about {ceiling:,.0f} audited writes/s in total"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--units", type=int, default=25, help="units of work per writer and round")
    parser.add_argument("--cases", type=int, default=5000, help="open cases the writers pick from")
    args = parser.parse_args()
    stack = create_stack(moto_endpoint())
    services = build_services(load_config(tempfile.mkdtemp(), **stack.config()))
    keys = KeyCounter(services.uow().store.client)
    print(f"DynamoDB adapter on moto's server ({stack.endpoint}), {args.writers} writers, {CHAINS} audit chains")

    def pick_any(rng: random.Random) -> str:
        return f"case-{rng.randrange(args.cases)}"

    alone = run(services, 1, args.units, pick_any)
    report("one writer (moto's own speed per unit)", *alone, keys)
    keys.reset()
    spread = run(services, args.writers, args.units, pick_any)
    report(f"{args.writers} writers spread over {args.cases} cases", *spread, keys)
    keys.reset()
    one = run(services, args.writers, args.units, lambda rng: "case-hot")
    report(
        f"{args.writers} writers on one case (one chain: what the old single AUDIT/HEAD did to every write)", *one, keys
    )

    services.audit.anchor()
    verdict = services.audit.verify()
    committed = alone[1] + spread[1] + one[1]
    print(
        f"stored {verdict.events} of {committed} committed events; verify: "
        f"{'whole' if not verdict.problems else verdict.problems[0]}"
    )
    if verdict.events != committed:
        print(
            "  (moto's TransactWriteItems has no lock: concurrent commits can undo each other there; "
            "DynamoDB serialises them)"
        )
    client("dynamodb", stack.endpoint).delete_table(TableName=stack.table)


if __name__ == "__main__":
    main()
