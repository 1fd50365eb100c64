"""Aid records from other departments and charities (`yimen import-aid FILE`), CSV or .xlsx.

The template is docs/aid-import-template.md. A file goes in whole or not at all: every row is
checked first and every problem reported with its row, column and reason; only a clean file is
written, in one unit of work. Re-importing is harmless: (帮扶部门, 流水号) identifies a row, and
rows already stored are counted as skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from yimen.domain import idcard
from yimen.domain.errors import ValidationError
from yimen.domain.model import SYSTEM, Actor, AidRecord, AuditEvent
from yimen.domain.money import parse_yuan
from yimen.domain.policy import catalogue
from yimen.ports import Clock, UnitOfWork
from yimen.ports_documents import SpreadsheetReader
from yimen.services.bulk import units
from yimen.services.spreadsheets import header_key, read_rows

# Header as printed in the template -> field. Half-width brackets and spaces are tolerated.
COLUMNS = {
    "身份证号": "id_number",
    "姓名": "name",
    "救助项目": "item_name",
    "项目代码": "item_code",
    "帮扶部门": "department",
    "帮扶措施": "measure",
    "金额（元）": "amount",
    "发放日期": "paid_on",
    "所属期": "period",
    "流水号": "source_ref",
}
OPTIONAL = {"item_code", "period"}
LABELS = {field: label for label, field in COLUMNS.items()}
SOURCE_PREFIX = "import:"  # source = import:<帮扶部门>, so each department's 流水号 space is its own
MAX_ROWS = 100_000
OTHER_ITEM = "other"  # a charity's own item that is not in the catalogue
ITEMS_PER_RECORD = 2  # the record and its (source, source_ref) uniqueness item
SHOWN_PROBLEMS = 50  # a wrong file can have thousands; the first ones show what to fix


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the spreadsheet shows it: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行「{self.column}」：{self.message}"


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int  # already imported before
    sha256: str


class RowError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _map_header(header: list) -> dict[int, str]:
    wanted = {header_key(label): name for label, name in COLUMNS.items()}
    mapping = {i: wanted[header_key(h)] for i, h in enumerate(header) if header_key(h) in wanted}
    missing = [LABELS[f] for f in COLUMNS.values() if f not in mapping.values() and f not in OPTIONAL]
    if missing:
        problems = [str(RowProblem(1, m, "缺少此列（模板见 docs/aid-import-template.md）")) for m in missing]
        raise ValidationError(
            "IMPORT_BAD_HEADER", f"第1行表头缺少列：{'、'.join(missing)}", details={"problems": problems}
        )
    return mapping


def read_table(name: str, data: bytes, xlsx: SpreadsheetReader) -> list[tuple[int, dict]]:
    """(row number, {field: raw cell}) for every non-blank data row."""
    rows = read_rows(name, data, MAX_ROWS, xlsx)
    mapping = _map_header(rows[0])
    table = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {field: row[i] if i < len(row) else None for i, field in mapping.items()}
        if any(str(v).strip() for v in cells.values() if v is not None):
            table.append((number, cells))
    return table


def _text(cells: dict, field: str) -> str:
    value = cells.get(field)
    text = "" if value is None else str(value).strip()
    if not text and field not in OPTIONAL:
        raise RowError(field, "不能为空")
    return text


def _id_number(cells: dict) -> str:
    if isinstance(cells.get("id_number"), int | float):
        raise RowError("id_number", "请把身份证号列设为文本格式（按数字保存会丢失末几位）")
    number = idcard.normalize_number(_text(cells, "id_number"))
    if not idcard.is_valid_number(number):
        raise RowError("id_number", "不是有效的18位身份证号码（校验位不符或位数不对）")
    return number


def _amount(cells: dict) -> int:
    raw = cells.get("amount")
    text = _text(cells, "amount") if not isinstance(raw, int | float) else repr(raw)
    try:
        fen = parse_yuan(text)
    except ValidationError as exc:
        raise RowError("amount", exc.message) from exc
    if fen < 0:
        raise RowError("amount", "金额不能为负数（冲销请联系救助中心）")
    return fen


def _paid_on(cells: dict, today: date) -> date:
    raw = cells.get("paid_on")
    day: date | None
    if isinstance(raw, datetime | date):
        day = raw.date() if isinstance(raw, datetime) else raw
    else:
        match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", _text(cells, "paid_on"))
        try:
            day = date(*map(int, match.groups())) if match else None
        except ValueError:
            day = None
        if day is None:
            raise RowError("paid_on", f"日期“{raw}”无法识别，请写成 2026-10-15")
    if day > today:
        raise RowError("paid_on", f"发放日期 {day} 晚于今天")
    return day


def _period(cells: dict) -> str | None:
    text = _text(cells, "period")
    if text and not re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2])|Q[1-4])?", text):
        raise RowError("period", f"所属期“{text}”格式不对，应为 2026-10、2026Q4 或 2026")
    return text or None


def _item_code(cells: dict) -> str:
    code = _text(cells, "item_code")
    if code:
        if catalogue().get(code) is None:
            raise RowError("item_code", f"项目代码“{code}”不在救助项目目录中（可留空）")
        return code
    return catalogue().resolve(_text(cells, "item_name")) or OTHER_ITEM


def parse_row(uow: UnitOfWork, cells: dict, today: date) -> AidRecord:
    """One row to a record; the first problem found raises RowError naming its column."""
    number = _id_number(cells)
    name = _text(cells, "name")
    household = uow.households.find_by_id_number(number)
    if household is None:
        raise RowError("id_number", "平台中没有这个身份证号的救助对象")
    if name not in {m.name for m in household.members if m.id_number == number}:
        raise RowError("name", "姓名与身份证号不一致")
    department = _text(cells, "department")
    return AidRecord(
        household_id=household.id,
        item_code=_item_code(cells),
        item_name=_text(cells, "item_name"),
        department=department,
        measure=_text(cells, "measure"),
        amount_fen=_amount(cells),
        paid_on=_paid_on(cells, today),
        source=SOURCE_PREFIX + department,
        source_ref=_text(cells, "source_ref"),
        period=_period(cells),
    )


def check_rows(uow: UnitOfWork, table: list[tuple[int, dict]], today: date) -> tuple[list[AidRecord], list[RowProblem]]:
    records, problems = [], []
    seen: dict[tuple[str, str], int] = {}  # (source, source_ref) -> the row it first appeared on
    for number, cells in table:
        try:
            record = parse_row(uow, cells, today)
        except RowError as exc:
            problems.append(RowProblem(number, LABELS[exc.field], exc.message))
            continue
        key = (record.source, record.source_ref)
        if key in seen:
            problems.append(RowProblem(number, LABELS["source_ref"], f"与第{seen[key]}行的流水号重复"))
            continue
        seen[key] = number
        records.append(record)
    return records, problems


def import_aid(
    name: str,
    data: bytes,
    actor: Actor = SYSTEM,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    xlsx: SpreadsheetReader,
) -> ImportResult:
    """All or nothing on validation: any bad row -> ValidationError listing every problem, nothing
    written. A clean file is written in units (services/bulk.py), each audited."""
    table = read_table(name, data, xlsx)
    digest = hashlib.sha256(data).hexdigest()
    with uow() as unit:
        records, problems = check_rows(unit, table, clock.today())
    if problems:
        raise ValidationError(
            "IMPORT_ROWS_INVALID",
            f"共 {len(problems)} 处问题，整个文件未导入",
            details={"problems": [str(p) for p in problems]},
        )
    added = 0
    for part in units(records, ITEMS_PER_RECORD):
        with uow() as unit:
            added_here = sum(unit.aid_records.add(r) for r in part)
            unit.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="aid_import",
                    object_id=digest[:16],
                    action="aid_imported",
                    at=clock.now(),
                    reason=f"{Path(name).name}：新增 {added_here} 条，已存在 {len(part) - added_here} 条",
                )
            )
        added += added_here
    return ImportResult(added=added, skipped=len(records) - added, sha256=digest)
