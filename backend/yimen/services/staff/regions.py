"""The county's own townships and villages (行政区划): imported from the county's list of 统计用区划代码
(`yimen regions import FILE`, template docs/regions-import.md), kept as one record in the key-value
store (a county has a few hundred villages), read by the village pickers and the area names.
`yimen demo-data` files 示范县's regions through the same function."""

from __future__ import annotations

from collections.abc import Callable

from yimen.domain.errors import ValidationError
from yimen.domain.model import Actor, AuditEvent, Region, RegionLevel
from yimen.ports import UnitOfWork
from yimen.ports_documents import SpreadsheetReader
from yimen.services.spreadsheets import header_key, read_rows

NAMESPACE, KEY = "regions", "county"
LEVELS = {6: RegionLevel.COUNTY, 9: RegionLevel.TOWNSHIP, 12: RegionLevel.VILLAGE}
MAX_ROWS = 5_000


def parse(name: str, data: bytes, xlsx: SpreadsheetReader) -> list[Region]:
    """Rows of 代码, 名称: one county, its townships, their villages. Every problem reported at once."""
    rows = read_rows(name, data, MAX_ROWS, xlsx)
    index = {header_key(h): i for i, h in enumerate(rows[0])}
    if "代码" not in index or "名称" not in index:
        raise ValidationError("IMPORT_BAD_HEADER", "第1行表头须有“代码”和“名称”两列（模板见 docs/regions-import.md）")
    regions, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        code, name_ = (str(row[index[h]] or "").strip() if index[h] < len(row) else "" for h in ("代码", "名称"))
        if not code and not name_:
            continue
        try:
            regions.append(_region(code, name_))
        except ValueError as exc:
            problems.append(f"第{number}行：{exc}")
    problems += _structure_problems(regions)
    if problems:
        raise ValidationError(
            "IMPORT_REJECTED",
            f"文件未导入，共 {len(problems)} 处问题，请改正后重新导入：",
            details={"problems": problems},
        )
    return regions


def _region(code: str, name: str) -> Region:
    code = code.removesuffix(".0")  # Excel keeps a code typed as a number as 990101001.0
    if not code.isdigit() or len(code) not in LEVELS:
        raise ValueError(f"代码“{code}”应为 6 位（县）、9 位（乡镇）或 12 位（村、社区）数字")
    if not name:
        raise ValueError("名称不能为空")
    parent = {6: None, 9: code[:6], 12: code[:9]}[len(code)]
    return Region(code, name, LEVELS[len(code)], parent)


def _structure_problems(regions: list[Region]) -> list[str]:
    codes = [r.code for r in regions]
    counties = [r for r in regions if r.level == RegionLevel.COUNTY]
    problems = [f"代码 {c} 出现了不止一次" for c in sorted({c for c in codes if codes.count(c) > 1})]
    if len(counties) != 1:
        problems.append(f"应当正好有一行县级（6 位）代码，现有 {len(counties)} 行")
    known = set(codes)
    problems += [
        f"{r.name}（{r.code}）的上级 {r.parent_code} 不在文件里"
        for r in regions
        if r.parent_code and r.parent_code not in known
    ]
    if not any(r.level == RegionLevel.VILLAGE for r in regions):
        problems.append("文件里没有村（社区）")
    return problems


def save(uow, regions: list[Region], actor: Actor, at) -> None:
    """Replace the county's regions; the same file twice changes nothing but the audit trail."""
    uow.kv.put(NAMESPACE, KEY, {"regions": [[r.code, r.name] for r in regions]})
    county = next(r for r in regions if r.level == RegionLevel.COUNTY)
    uow.audit.append(
        AuditEvent(
            actor=actor.label,
            object_type="county",
            object_id=county.code,
            action="regions_imported",
            at=at,
            reason=f"{len(regions)} 个区划",
        )
    )


def county_regions(uow) -> list[Region]:
    stored = uow.kv.get(NAMESPACE, KEY)
    return [_region(code, name) for code, name in (stored or {}).get("regions", [])]


def region_label(names: dict[str, str], code: str) -> str:
    """城关镇东街社区 for a village, 城关镇 for a township, 示范县 for the county; the code itself when the
    county's regions do not name it."""
    parts = [names.get(code[:n], "") for n in (9, 12) if len(code) >= n] or [names.get(code, "")]
    return "".join(parts) if all(parts) else code


def villages(*, uow: Callable[[], UnitOfWork]) -> list[dict]:
    """Villages with their township, in file order, for the forms' village picker."""
    with uow() as unit:
        regions = county_regions(unit)
    names = {r.code: r.name for r in regions}
    return [
        {"code": r.code, "name": r.name, "township": names[r.parent_code or ""]}  # a village's is never None
        for r in regions
        if r.level == RegionLevel.VILLAGE
    ]
