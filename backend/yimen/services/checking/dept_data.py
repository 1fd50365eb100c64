"""Department data (`yimen import-dept-data SOURCE FILE`): for 核对 房产, 车辆, 社保, 工商, 公积金; and events
that may raise a warning on a household: 死亡, 医疗费用, 残疾证, 意外事故.

Each source sends one CSV or .xlsx per delivery with 身份证号, 姓名 and its own columns
(docs/department-data-import.md). A file goes in whole or not at all; a row replaces what the same
source said about the same person before. Records are keyed by the keyed hash of the ID number, so
the store never holds a plain ID number, and the name is used only to check the row, never kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from yimen.domain import idcard
from yimen.domain.errors import ValidationError
from yimen.domain.model import SYSTEM, Actor, AuditEvent
from yimen.domain.money import parse_yuan, yuan
from yimen.ports import Cipher, Clock, UnitOfWork
from yimen.ports_documents import SpreadsheetReader
from yimen.services.bulk import units
from yimen.services.checking.outreach import raise_warning
from yimen.services.spreadsheets import header_key, read_rows

KV_PREFIX = "dept:"
MAX_ROWS = 200_000
ITEMS_PER_WARNED_ROW = 6  # the record, and a warning: household, audit event, notice job and log


@dataclass(frozen=True)
class Column:
    header: str  # as printed in the template
    key: str
    kind: str  # count / area / yuan / text
    label: str  # how the check report says it


@dataclass(frozen=True)
class Source:
    name: str
    alias: str  # for the command line
    department: str
    columns: tuple[Column, ...]
    event: bool = False  # a death, a settlement, a certificate, an accident: may raise a warning


SOURCES = {
    s.name: s
    for s in (
        Source(
            "房产",
            "property",
            "县自然资源局（不动产登记中心）",
            (
                Column("房产套数", "properties", "count", "名下房产"),
                Column("建筑面积（平方米）", "area_m2", "area", "房产总面积"),
            ),
        ),
        Source(
            "车辆",
            "vehicle",
            "县公安局交通管理大队",
            (
                Column("机动车数量", "vehicles", "count", "名下机动车"),
                Column("车辆类型", "vehicle_types", "text", "车辆类型"),
            ),
        ),
        Source(
            "社保",
            "social-insurance",
            "县人力资源和社会保障局",
            (
                Column("月养老金（元）", "pension_fen", "yuan", "每月养老金"),
                Column("参保状态", "status", "text", "参保状态"),
            ),
        ),
        Source(
            "工商",
            "business",
            "县市场监督管理局",
            (
                Column("登记市场主体数", "businesses", "count", "登记的市场主体（个体户/企业）"),
                Column("注册资本（元）", "capital_fen", "yuan", "注册资本合计"),
            ),
        ),
        Source(
            "公积金",
            "housing-fund",
            "县住房公积金管理中心",
            (
                Column("月缴存额（元）", "deposit_fen", "yuan", "公积金月缴存额"),
                Column("账户余额（元）", "balance_fen", "yuan", "公积金余额"),
            ),
        ),
        # Events: each may raise a warning on the person's household (domain/outreach, catalogue/_warnings.yaml).
        Source(
            "死亡",
            "death",
            "县公安局（户籍）、县民政局（殡葬）",
            (Column("死亡日期", "date", "date", "死亡日期"),),
            event=True,
        ),
        Source(
            "医疗费用",
            "medical",
            "县医疗保障局",
            (
                Column("结算日期", "date", "date", "最近结算日期"),
                Column("医疗费用总额（元）", "total_fen", "yuan", "医疗费用总额"),
                Column("个人自付（元）", "self_pay_fen", "yuan", "个人自付"),
            ),
            event=True,
        ),
        Source(
            "残疾证",
            "disability",
            "县残疾人联合会",
            (
                Column("残疾类别", "category", "text", "残疾类别"),
                Column("残疾等级", "grade", "grade", "残疾等级"),
                Column("发证日期", "date", "date", "发证日期"),
            ),
            event=True,
        ),
        Source(
            "意外事故",
            "accident",
            "县应急管理局",
            (
                Column("发生日期", "date", "date", "发生日期"),
                Column("事故类型", "accident_type", "text", "事故类型"),
            ),
            event=True,
        ),
    )
}
COMMON = (Column("身份证号", "id_number", "text", ""), Column("姓名", "name", "text", ""))


def source_named(text: str) -> Source:
    for source in SOURCES.values():
        if text.strip() in (source.name, source.alias):
            return source
    choices = "、".join(f"{s.name}（{s.alias}）" for s in SOURCES.values())
    raise ValidationError("UNKNOWN_SOURCE", f"未知的数据来源“{text}”，可选：{choices}")


def _value(column: Column, raw) -> object:
    text = "" if raw is None else str(raw).strip()
    if column.kind == "text":
        return text
    if not text:
        return 0
    if column.kind == "yuan":
        return parse_yuan(text)
    if column.kind == "date":
        return _date(raw, text)
    if column.kind == "grade":
        grade = GRADES.get(text.removesuffix("级"), None)
        if grade is None:
            raise ValidationError("BAD_GRADE", "残疾等级应为 1-4 或 一级-四级")
        return grade
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError("BAD_NUMBER", "应为数字") from exc
    if number < 0 or (column.kind == "count" and number != number.to_integral_value()):
        raise ValidationError("BAD_NUMBER", "应为非负整数" if column.kind == "count" else "不能为负数")
    return int(number) if column.kind == "count" else float(number)


GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


def _date(raw, text: str) -> str:
    if isinstance(raw, datetime | date):  # an xlsx date cell
        return raw.date().isoformat() if isinstance(raw, datetime) else raw.isoformat()
    try:
        return date.fromisoformat(text.replace("/", "-")[:10]).isoformat()
    except ValueError as exc:
        raise ValidationError("BAD_DATE", "日期应写成 2026-11-20") from exc


def parse(source: Source, name: str, data: bytes, xlsx: SpreadsheetReader) -> list[tuple[str, dict]]:
    """(ID number, fields) per row; every problem in the file reported at once, with row and column."""
    rows = read_rows(name, data, MAX_ROWS, xlsx)
    index = {header_key(h): i for i, h in enumerate(rows[0])}
    columns = (*COMMON, *source.columns)
    missing = [c.header for c in columns if header_key(c.header) not in index]
    if missing:
        raise ValidationError(
            "IMPORT_BAD_HEADER", f"第1行表头缺少列：{'、'.join(missing)}（模板见 docs/department-data-import.md）"
        )
    at = {c.key: index[header_key(c.header)] for c in columns}
    out, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: row[i] if i < len(row) else None for key, i in at.items()}
        if not any(str(v).strip() for v in cells.values() if v is not None):
            continue
        try:
            out.append(_parse_row(source, cells))
        except _RowProblem as exc:
            problems.append(f"第{number}行「{exc.column}」：{exc.message}")
    if problems:
        raise ValidationError(
            "IMPORT_ROWS", f"文件有 {len(problems)} 处问题，未导入任何数据", details={"problems": problems[:200]}
        )
    return out


class _RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _parse_row(source: Source, cells: dict) -> tuple[str, dict]:
    if isinstance(cells["id_number"], int | float):
        raise _RowProblem("身份证号", "请把身份证号列设为文本格式（按数字保存会丢失末几位）")
    number = idcard.normalize_number(str(cells["id_number"] or ""))
    if not idcard.is_valid_number(number):
        raise _RowProblem("身份证号", "不是有效的18位身份证号码")
    if not str(cells["name"] or "").strip():
        raise _RowProblem("姓名", "不能为空")
    fields = {}
    for column in source.columns:
        try:
            fields[column.key] = _value(column, cells[column.key])
        except ValidationError as exc:
            raise _RowProblem(column.header, exc.message) from exc
    return number, fields


def import_file(
    source_name: str,
    name: str,
    data: bytes,
    actor: Actor = SYSTEM,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    cipher: Cipher,
    xlsx: SpreadsheetReader,
) -> int:
    """Store every row of a clean file, in audited units (services/bulk.py); the number of people stored."""
    source = source_named(source_name)
    rows = parse(source, name, data, xlsx)
    digest = hashlib.sha256(data).hexdigest()
    imported_at = clock.now().isoformat()
    for part in units(rows, ITEMS_PER_WARNED_ROW if source.event else 1):
        with uow() as unit:
            for number, fields in part:
                unit.kv.put(
                    KV_PREFIX + source.name,
                    cipher.lookup_hash(number),
                    {"fields": fields, "file_sha256": digest, "imported_at": imported_at},
                )
                if source.event:
                    raise_warning(unit, clock, actor, source.name, number, fields)
            unit.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="dept_data",
                    object_id=source.name,
                    action="import",
                    at=clock.now(),
                    reason=f"{Path(name).name}：{len(part)}/{len(rows)} 人，sha256 {digest[:12]}",
                )
            )
    return len(rows)


def findings_for(uow, cipher, id_number: str) -> dict[str, dict | None]:
    """What each source says about one person: {source: fields} or None when it has no record."""
    key = cipher.lookup_hash(id_number)
    return {
        name: (uow.kv.get(KV_PREFIX + name, key) or {}).get("fields")
        for name, source in SOURCES.items()
        if not source.event
    }


def describe(source_name: str, fields: dict | None) -> str:
    """One line for the check report, e.g. 名下房产 2；房产总面积 96.5 平方米."""
    if not fields:
        return "无记录"
    parts = []
    for column in SOURCES[source_name].columns:
        value = fields.get(column.key)
        if value in (None, "", 0):
            continue
        shown = {
            "yuan": lambda v: f"{yuan(v)} 元",
            "area": lambda v: f"{v:g} 平方米",
            "grade": lambda v: f"{v} 级",
        }.get(column.kind, str)(value)
        parts.append(f"{column.label} {shown}")
    return "；".join(parts) or "无"
