"""Existing household files, e.g. the county's old 低保 roll (`yimen import-households FILE`): CSV or .xlsx,
one row per person, rows of one household sharing its 户编号 (docs/household-import.md). A file goes in
whole or not at all; every problem is reported with its row and column. People already on file are
refused, never overwritten: their files are kept and corrected on the household page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from yimen.domain.errors import ValidationError
from yimen.domain.model import SYSTEM, Actor, AuditEvent, Household, Member, RegionLevel, Relation
from yimen.domain.money import parse_yuan
from yimen.ports import Clock, UnitOfWork
from yimen.ports_documents import SpreadsheetReader
from yimen.services.households.file import household_details, new_member
from yimen.services.spreadsheets import header_key, read_rows
from yimen.services.staff.regions import county_regions

MAX_ROWS = 50_000


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text / yuan / count
    required: bool = False


MEMBER_COLUMNS = (
    Column("户编号", "roll_no", required=True),
    Column("姓名", "name", required=True),
    Column("身份证号", "id_number", required=True),
    Column("与户主关系", "relation", required=True),
    Column("健康状况", "health"),
    Column("残疾类别", "disability_type"),
    Column("残疾等级", "disability_grade", "count"),
    Column("劳动能力", "work_capacity"),
    Column("在读学段", "school"),
    Column("收入来源", "income_source"),
    Column("月收入（元）", "income", "yuan"),
)
HOUSEHOLD_COLUMNS = (  # read from the 户主's row
    Column("村代码", "village_code"),
    Column("地址", "address"),
    Column("联系电话", "phone"),
    Column("住房", "housing"),
    Column("名下房产（套）", "houses", "count"),
    Column("机动车（辆）", "vehicles", "count"),
    Column("存款（元）", "assets_fen", "yuan"),
    Column("今年自付医疗费用（元）", "medical_costs_fen", "yuan"),
    Column("今年教育支出（元）", "education_costs_fen", "yuan"),
)
COLUMNS = MEMBER_COLUMNS + HOUSEHOLD_COLUMNS


class _RowProblem(Exception):
    def __init__(self, row: int, column: str, message: str):
        super().__init__(message)
        self.text = f"第{row}行「{column}」：{message}" if column else f"第{row}行：{message}"


def _cell(column: Column, raw):
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # Excel keeps whole numbers as 3.0
    text = "" if raw is None else str(raw).strip()
    if not text:
        if column.required:
            raise ValidationError("REQUIRED", "不能为空")
        return None
    if column.kind == "yuan":
        return parse_yuan(text)
    if column.kind == "count":
        if not text.isdigit():
            raise ValidationError("BAD_NUMBER", "应为整数")
        return int(text)
    return text


def _row_cells(number: int, row: list, at: dict[str, int]) -> dict:
    cells = {}
    for column in COLUMNS:
        raw = row[at[column.key]] if at[column.key] < len(row) else None
        if column.key == "id_number" and isinstance(raw, int | float):
            raise _RowProblem(number, column.header, "请把身份证号列设为文本格式（按数字保存会丢失末几位）")
        try:
            cells[column.key] = _cell(column, raw)
        except ValidationError as exc:
            raise _RowProblem(number, column.header, exc.message) from exc
    return cells


def _member(number: int, cells: dict) -> Member:
    income = cells["income"]
    raw = {
        "name": cells["name"],
        "id_number": cells["id_number"],
        "relation": cells["relation"],
        "health": cells["health"],
        "disability_type": cells["disability_type"],
        "disability_grade": cells["disability_grade"],
        "work_capacity": cells["work_capacity"],
        "school": cells["school"],
        "monthly_income_fen": {cells["income_source"] or "其他": income} if income else {},
    }
    try:
        return new_member(raw, "该成员")
    except ValidationError as exc:
        raise _RowProblem(number, "", exc.message) from exc


def _household(number: int, cells: dict, members: list[Member], villages: set[str]) -> Household:
    if not cells["village_code"]:
        raise _RowProblem(number, "村代码", "户主这一行要填村（社区）代码")
    if cells["village_code"] not in villages:
        raise _RowProblem(
            number, "村代码", f"“{cells['village_code']}”不是本县的村（社区）代码（见 yimen regions list）"
        )
    try:
        details = household_details(
            {
                k: cells[k]
                for k in (
                    "address",
                    "phone",
                    "housing",
                    "houses",
                    "vehicles",
                    "assets_fen",
                    "medical_costs_fen",
                    "education_costs_fen",
                )
            }
        )
    except ValidationError as exc:
        raise _RowProblem(number, "", exc.message) from exc
    return Household(village_code=cells["village_code"], members=members, **{"address": "", **details})


def parse(name: str, data: bytes, villages: set[str], xlsx: SpreadsheetReader) -> list[Household]:
    """Households from a roll file; every problem in the file at once, with row and column."""
    rows = read_rows(name, data, MAX_ROWS, xlsx)
    index = {header_key(h): i for i, h in enumerate(rows[0])}
    missing = [c.header for c in COLUMNS if header_key(c.header) not in index]
    if missing:
        raise ValidationError(
            "IMPORT_BAD_HEADER", f"第1行表头缺少列：{'、'.join(missing)}（模板见 docs/household-import.md）"
        )
    at = {c.key: index[header_key(c.header)] for c in COLUMNS}
    groups: dict[str, list[tuple[int, dict, Member]]] = {}
    problems = []
    seen: dict[str, int] = {}  # ID number -> the row it first appeared on
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in row if v is not None):
            continue
        try:
            cells = _row_cells(number, row, at)
            member = _member(number, cells)
            if member.id_number in seen:
                raise _RowProblem(number, "身份证号", f"与第{seen[member.id_number]}行重复")
            seen[member.id_number] = number
            groups.setdefault(cells["roll_no"], []).append((number, cells, member))
        except _RowProblem as exc:
            problems.append(exc.text)
    households = []
    for roll_no, rows_of in groups.items():
        heads = [(n, c) for n, c, m in rows_of if m.relation == Relation.HEAD]
        if len(heads) != 1:
            problems.append(f"第{rows_of[0][0]}行：户编号“{roll_no}”应有且只有一位户主（现有 {len(heads)} 位）")
            continue
        try:
            households.append(_household(*heads[0], [m for _, _, m in rows_of], villages))
        except _RowProblem as exc:
            problems.append(exc.text)
    if problems:
        raise ValidationError(
            "IMPORT_ROWS", f"文件有 {len(problems)} 处问题，未导入任何数据", details={"problems": problems[:200]}
        )
    return households


def import_file(
    name: str,
    data: bytes,
    actor: Actor = SYSTEM,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    xlsx: SpreadsheetReader,
) -> int:
    """Store every household of a clean file in one unit of work; returns how many were filed."""
    digest = hashlib.sha256(data).hexdigest()
    now = clock.now()
    with uow() as unit:
        villages = {r.code for r in county_regions(unit) if r.level == RegionLevel.VILLAGE}
        households = parse(name, data, villages, xlsx)
        taken = [
            f"{m.name[0]}*（{m.id_number[:4]}…{m.id_number[-4:]}）"
            for h in households
            for m in h.members
            if unit.households.find_by_id_number(m.id_number)
        ]
        if taken:
            raise ValidationError(
                "IMPORT_ROWS",
                f"文件有 {len(taken)} 人已在档案中，未导入任何数据（已有档案请在一户一档页面修改）",
                details={"problems": taken[:200]},
            )
        for household in households:
            unit.households.add(household)
            unit.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="household",
                    object_id=household.id,
                    action="import",
                    at=now,
                    reason=f"{Path(name).name}（sha256 {digest[:12]}）",
                )
            )
    return len(households)
