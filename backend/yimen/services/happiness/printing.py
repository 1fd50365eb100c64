"""Quarterly printing of 幸福清单 ("一季一送"): one PDF per household and one per village for the
delivery round, in parallel, resumable.

Layout of the output directory:
    manifest.json                        which quarter and paper this directory holds
    households/<village>/<household>.pdf one sheet per household
    villages/<village>.pdf               the whole village in delivery order (by address)
Every file is written under a temporary name and renamed into place, so a file that exists is
complete. A rerun after an interruption skips households already printed and redraws a village file
only when it is missing or one of its households was (re)printed; the village file is drawn from the
list of households, never appended to, so no sheet is ever doubled. Work is split by village.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from tqdm import tqdm

from yimen.domain.errors import ValidationError
from yimen.domain.happiness import Disclosure, HappinessList, Quarter, build_list
from yimen.ports import Clock, UnitOfWork
from yimen.services.bulk import units
from yimen.services.happiness.lists import ensure_token, list_url, office_contact
from yimen.services.happiness.pdf import Printer, PrintOptions, TeeCanvas

ITEMS_PER_TOKEN = 2  # a new 幸福码: token -> household and household -> token


@dataclass(frozen=True)
class PrintItem:
    view: HappinessList
    url: str


@dataclass
class PrintResult:
    printed: int = 0
    already_done: int = 0
    villages: int = 0
    without_records: int = 0


def collect(
    quarter: Quarter,
    area_code: str = "",
    page_size: int = 500,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    public_base_url: str,
) -> tuple[dict[str, list[PrintItem]], int]:
    """Print items per village (in address order) and how many households had no aid to print.
    Issues a 幸福码 to households that have none yet. One short unit of work per page of households,
    so a county-wide run never holds the database for long."""
    by_village: dict[str, list[PrintItem]] = defaultdict(list)
    empty, cursor = 0, None
    base_url, today, now = public_base_url, clock.today(), clock.now()
    while True:
        with uow() as unit:
            page = unit.households.list_in_area(area_code, limit=page_size, cursor=cursor)
            views = [
                build_list(
                    h,
                    unit.aid_records.list_for_household(h.id),
                    today=today,
                    disclosure=Disclosure.PRINT,
                    through=quarter,
                    office=office_contact(h.village_code),
                )
                for h in page.items
            ]
        empty += sum(not view.records for view in views)
        for part in units([view for view in views if view.records], ITEMS_PER_TOKEN):
            with uow() as unit:  # issuing codes: units that fit one DynamoDB transaction
                for view in part:
                    token = ensure_token(unit, view.household_id, now.isoformat())
                    by_village[view.village_code].append(PrintItem(view, list_url(base_url, token)))
        if not (cursor := page.next_cursor):
            break
    for items in by_village.values():
        items.sort(key=lambda item: (item.view.address, item.view.household_id))
    return dict(by_village), empty


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f"{path.name}.part-{os.getpid()}")
    part.write_bytes(data)
    os.replace(part, path)


@dataclass(frozen=True)
class VillageTask:
    items: list[PrintItem]
    pending: frozenset[str]  # household ids whose own sheet is still missing
    households_dir: Path
    village_file: Path
    options: PrintOptions
    printer: Printer


def _print_village(task: VillageTask) -> int:
    """The missing household sheets and the village file, drawn in one pass (see TeeCanvas)."""
    printer = task.printer
    task.village_file.parent.mkdir(parents=True, exist_ok=True)
    part = task.village_file.with_name(f"{task.village_file.name}.part-{os.getpid()}")
    combined = printer.open(str(part), task.options, f"幸福清单 {task.village_file.stem}")
    for item in task.items:
        if item.view.household_id not in task.pending:
            printer.draw(combined, item.view, item.url, task.options)
            continue
        buffer = io.BytesIO()
        own = printer.open(buffer, task.options, item.view.title)
        printer.draw(TeeCanvas(own, combined), item.view, item.url, task.options)
        own.save()
        _write_atomically(task.households_dir / f"{item.view.household_id}.pdf", buffer.getvalue())
    combined.save()
    os.replace(part, task.village_file)
    return len(task.pending)


def _check_manifest(out: Path, quarter: Quarter, options: PrintOptions) -> None:
    manifest = out / "manifest.json"
    wanted = {"quarter": str(quarter), **asdict(options)}
    if manifest.exists():
        found = json.loads(manifest.read_text())
        if found != wanted:
            raise ValidationError(
                "PRINT_DIR_IN_USE", f"目录 {out} 已有另一批打印（{found.get('quarter')}），请换一个目录"
            )
        return
    out.mkdir(parents=True, exist_ok=True)
    _write_atomically(manifest, json.dumps(wanted, ensure_ascii=False).encode())


def _clean_parts(out: Path) -> None:
    """Half-written files of an interrupted run: never complete, never reused."""
    for part in out.rglob("*.pdf.part-*"):
        part.unlink()


def plan(
    by_village: dict[str, list[PrintItem]], out: Path, options: PrintOptions, printer: Printer
) -> tuple[list[VillageTask], int]:
    """Villages with work left (largest first, so no big one is left for last), and how many
    household sheets exist already. A village file is redrawn only if it is missing or one of its
    households is (re)printed."""
    tasks, done = [], 0
    for village, items in by_village.items():
        folder = out / "households" / village
        pending = frozenset(i.view.household_id for i in items if not (folder / f"{i.view.household_id}.pdf").exists())
        done += len(items) - len(pending)
        village_file = out / "villages" / f"{village}.pdf"
        if pending or not village_file.exists():
            tasks.append(VillageTask(items, pending, folder, village_file, options, printer))
    tasks.sort(key=lambda t: len(t.items), reverse=True)
    return tasks, done


def run_print(
    by_village: dict[str, list[PrintItem]],
    out: Path,
    quarter: Quarter,
    options: PrintOptions,
    printer: Printer,
    workers: int = 1,
    progress: bool = True,
) -> PrintResult:
    _check_manifest(out, quarter, options)
    _clean_parts(out)
    tasks, done = plan(by_village, out, options, printer)
    result = PrintResult(already_done=done, villages=len(tasks))
    bar = tqdm(total=sum(len(t.pending) for t in tasks), unit="户", desc="打印幸福清单", disable=not progress)
    if workers > 1 and len(tasks) > 1:
        with multiprocessing.Pool(min(workers, len(tasks)), initializer=printer.pdf.prepare) as pool:
            for printed in pool.imap_unordered(_print_village, tasks):
                result.printed += printed
                bar.update(printed)
    else:
        for task in tasks:
            printed = _print_village(task)
            result.printed += printed
            bar.update(printed)
    bar.close()
    return result


def publish(out: Path, blobs, prefix: str) -> int:
    """Copy the printed files to the blob store (S3 in the serverless path), skipping those already
    there, so a scheduled run that was cut short can simply run again. Returns how many were sent."""
    sent = 0
    for path in sorted(out.rglob("*.pdf")):
        key = f"{prefix.rstrip('/')}/{path.relative_to(out).as_posix()}"
        if not blobs.exists(key):
            blobs.put(key, path.read_bytes(), "application/pdf")
            sent += 1
    return sent
