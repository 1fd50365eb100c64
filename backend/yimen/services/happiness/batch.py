"""幸福清单 printed by a time-limited worker (a Lambda function stops at 15 minutes): one township in
resumable chunks. A chunk prints villages one at a time, each in its own temporary folder that is
published to the blob store and deleted before the next (so /tmp never fills), and stops when its
time is spent, naming the next village as the cursor for the following chunk. A chunk cut short
(a timeout, a crash) is simply run again: villages already published are skipped. Progress per
township is kept for the centre (救助中心) to watch."""

from __future__ import annotations

import functools
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from yimen.domain.happiness import Quarter
from yimen.domain.model import Actor, RegionLevel
from yimen.domain.permissions import Action, require
from yimen.ports import BlobStore, Clock, UnitOfWork
from yimen.services.happiness.pdf import Printer, print_options
from yimen.services.happiness.printing import collect, publish, run_print
from yimen.services.staff.regions import county_regions

PROGRESS_NS = "happiness_progress"


@dataclass(frozen=True)
class Chunk:
    next_village: str | None  # None: the township is done
    villages_printed: int


def prefix(quarter: Quarter) -> str:
    return f"happiness/{quarter}"


def print_chunk(
    quarter: Quarter,
    township: str,
    cursor: str | None,
    seconds: float,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    blobs: BlobStore,
    printer: Printer,
    public_base_url: str,
) -> Chunk:
    """Print and publish the township's villages from `cursor` (a village code) on, until `seconds` are spent."""
    started = time.monotonic()
    by_village, _ = collect(quarter, township, uow=uow, clock=clock, public_base_url=public_base_url)
    villages = sorted(by_village)
    todo = villages[villages.index(cursor) :] if cursor in by_village else villages
    options = print_options(township, quarter, "red", "A4")
    progress, printed = functools.partial(_record, uow, clock, quarter, township, villages), 0
    for n, village in enumerate(todo):
        if n and time.monotonic() - started > seconds:  # at least one village per chunk, so it always advances
            progress(village, "进行中")
            return Chunk(village, printed)
        if not blobs.exists(f"{prefix(quarter)}/villages/{village}.pdf"):  # a retried chunk skips it
            with tempfile.TemporaryDirectory(prefix="happiness-") as out:
                run_print({village: by_village[village]}, Path(out), quarter, options, printer, progress=False)
                publish(Path(out), blobs, prefix(quarter))
            printed += 1
        progress(todo[n + 1] if n + 1 < len(todo) else None, "进行中")
    progress(None, "已完成")
    return Chunk(None, printed)


def _record(
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    quarter: Quarter,
    township: str,
    villages: list[str],
    next_village: str | None,
    state: str,
) -> None:
    done = villages.index(next_village) if next_village in villages else len(villages)
    with uow() as unit:
        unit.kv.put(
            PROGRESS_NS,
            f"{quarter}:{township}",
            {
                "state": state,
                "villages_done": done,
                "villages": len(villages),
                "next_village": next_village,
                "updated_at": clock.now().isoformat(timespec="seconds"),
            },
        )


def printing_progress(actor: Actor, quarter: Quarter, *, uow: Callable[[], UnitOfWork]) -> list[dict]:
    """Each township of the county with how far this quarter's printing got (救助中心, 管理员)."""
    require(actor, Action.HAPPINESS_PRINT)
    with uow() as unit:
        townships = [r for r in county_regions(unit) if r.level == RegionLevel.TOWNSHIP]
        found = [(r, unit.kv.get(PROGRESS_NS, f"{quarter}:{r.code}")) for r in townships]
    return [
        {"code": r.code, "name": r.name, **(p or {"state": "未开始", "villages_done": 0, "villages": None})}
        for r, p in found
    ]
