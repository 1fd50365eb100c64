"""The aid catalogue: one YAML file per aid item, validated at load, and the rule evaluator.

A rule is a small tree of tests over facts about a household ("income_pc_fen < param dibao_line_fen").
Evaluation is three-valued (True / False / None = not known yet) and every leaf reports the number it
compared with which threshold, so a clerk can read each hint back to the applicant.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, Protocol, cast

from yimen.domain.departments import DEPARTMENTS
from yimen.domain.money import yuan

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "catalogue"
REGIONS_FILE = "_regions.yaml"

BASIC_MATERIALS = ("居民身份证或户口簿", "个人申请书", "家庭经济状况核对授权书")
CATEGORIES = ("基本生活救助", "专项救助", "急难救助", "福利补贴", "社会力量")
LEVELS = ("required", "soft")

# fact name -> (Chinese label, kind). Household facts and member facts are separate namespaces.
HOUSEHOLD_FACTS: dict[str, tuple[str, str]] = {
    "size": ("家庭人口", "count"),
    "income_pc_fen": ("家庭月人均收入", "fen"),
    "income_total_fen": ("家庭月总收入", "fen"),
    "assets_pc_fen": ("家庭人均金融资产", "fen"),
    "vehicles": ("家庭机动车数量", "count"),
    "housing": ("住房状况", "text"),
    "medical_oop_fen": ("本年度医疗个人自付费用", "fen"),
    "education_cost_fen": ("本年度教育刚性支出", "fen"),
    "disaster": ("遭受灾害或意外", "text"),
    "has_supporter": ("有赡养/抚养/扶养能力的义务人", "bool"),
    "local_hukou": ("本地户籍", "bool"),
}
MEMBER_FACTS: dict[str, tuple[str, str]] = {
    "age": ("年龄", "years"),
    "disability_grade": ("残疾等级", "grade"),
    "disability_type": ("残疾类别", "text"),
    "work_capacity": ("劳动能力", "text"),
    "school": ("在读学段", "text"),
    "income_fen": ("本人月收入", "fen"),
    "unemployed": ("失业(有劳动能力未就业)", "bool"),
    "self_care": ("生活自理能力", "text"),
    "severe_illness": ("患重特大疾病", "bool"),
}


def _not_in(a: Any, b: Any) -> bool:
    return a not in b


OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda a, b: operator.contains(b, a),
    "not_in": _not_in,
}
OP_WORDS = {
    "<": "低于",
    "<=": "不超过",
    ">": "高于",
    ">=": "不低于",
    "==": "为",
    "!=": "不为",
    "in": "属于",
    "not_in": "不属于",
}
ITEM_NAMES: dict[str, str] = {}  # code -> name, filled at load, so reasons name items in words


class CatalogueError(Exception):
    """A catalogue file is broken: the message names the file and the field."""

    def __init__(self, file: str, path: str, problem: str):
        super().__init__(f"{file}: {path}: {problem}")
        self.file, self.path, self.problem = file, path, problem


# ---------------------------------------------------------------- evaluation results


class Check(NamedTuple):
    """One leaf comparison, kept as data so it can be rendered for people or machines.

    A NamedTuple rather than a frozen dataclass: screening creates millions of these.
    """

    label: str
    kind: str
    actual: Any
    op: str
    threshold: Any
    result: bool | None
    who: str = ""  # member description when the fact is about one person

    def text(self) -> str:
        who = f"{self.who}" if self.who else ""
        if self.result is None:
            return f"{who}{self.label}未填写，需核实"
        mark = "符合" if self.result else "不符合"
        return (
            f"{who}{self.label} {render(self.kind, self.actual)}"
            f"（要求{OP_WORDS[self.op]} {render(self.kind, self.threshold)}）：{mark}"
        )


def plain_yuan(fen: int) -> str:
    """Amounts for people: 150000 -> '1500', 34250 -> '342.50' (no '.00' for round sums)."""
    text = yuan(fen)
    return text.removesuffix(".00")


def render(kind: str, value: Any) -> str:
    if isinstance(value, list | tuple | frozenset | set):
        return "/".join(render(kind, v) for v in value)
    if value is None:
        return "未知"
    if kind == "fen":
        return f"{plain_yuan(int(value))}元"
    if kind == "years":
        return f"{value}周岁"
    if kind == "grade":
        return f"{value}级"
    if kind == "count":
        return f"{value}"
    if kind == "item":
        return str(ITEM_NAMES.get(value, value))
    if kind == "bool":
        return "是" if value else "否"
    return str(value)


Outcome = tuple[bool | None, list[Check]]
TestFn = Callable[[Mapping[str, Any], Mapping[str, int]], Outcome]


class Test(Protocol):
    """A compiled rule: (facts, region parameters) -> outcome, remembering which parameters and item
    codes it reads (for cross-file validation)."""

    params: set[str]
    codes: set[str]

    def __call__(self, ctx: Mapping[str, Any], params: Mapping[str, int], /) -> Outcome: ...


# ---------------------------------------------------------------- rule compiler (validates as it goes)


def _leaf(node: dict[str, Any], facts: dict[str, Any], where: str, file: str, member_label: bool) -> Test:
    name, op = node.get("fact"), node.get("op")
    if name not in facts:
        raise CatalogueError(file, f"{where}.fact", f"未知事实“{name}”，可用：{', '.join(facts)}")
    if op not in OPS:
        raise CatalogueError(file, f"{where}.op", f"未知比较符“{op}”")
    if ("value" in node) == ("param" in node):
        raise CatalogueError(file, where, "value 与 param 必须且只能写一个")
    label, kind = facts[name]
    compare, param, pct = OPS[op], node.get("param"), node.get("percent_param")
    literal = node.get("value")
    if pct is not None and param is None:
        raise CatalogueError(file, f"{where}.percent_param", "percent_param 只能与 param 一起使用")
    if op in ("in", "not_in"):
        if not isinstance(literal, list):
            raise CatalogueError(file, f"{where}.value", "in/not_in 需要列表")
        literal = _ShownSet(literal)

    def test(ctx: Mapping[str, Any], params: Mapping[str, int]) -> Outcome:
        actual = ctx.get(name)
        threshold = literal if param is None else _scaled(params, param, pct)
        result = None if actual is None else compare(actual, threshold)
        who = ctx.get("_who", "") if member_label else ""
        return result, [Check(label, kind, actual, op, threshold, result, who)]

    return _meta(test, {p for p in (param, pct) if p}, set())


def _scaled(params: Mapping[str, int], param: str, pct: str | None) -> int:
    # e.g. 低保边缘: 低保标准 × 150%, where the percentage itself differs per region
    return params[param] if pct is None else params[param] * params[pct] // 100


class _ShownSet(frozenset[Any]):
    """A set for fast membership that still renders in the order the catalogue author wrote."""

    order: tuple[Any, ...]

    def __new__(cls, values: list[Any]) -> _ShownSet:
        obj = super().__new__(cls, values)
        obj.order = tuple(values)
        return obj

    def __iter__(self) -> Iterator[Any]:
        return iter(self.order)


def _combine(children: list[Test], want_all: bool) -> Test:
    def test(ctx: Mapping[str, Any], params: Mapping[str, int]) -> Outcome:
        unknown, checks = False, []
        for child in children:
            result, child_checks = child(ctx, params)
            if result is None:
                unknown = True
                checks.extend(child_checks)
            elif result is not want_all:
                # decided: report only the deciding branch, it is the reason
                return result, child_checks
            else:
                checks.extend(child_checks)
        return (None if unknown else want_all), checks

    return _meta(test, set().union(*(c.params for c in children)), set().union(*(c.codes for c in children)))


def _any_member(inner: Test) -> Test:
    def test(ctx: Mapping[str, Any], params: Mapping[str, int]) -> Outcome:
        unknown_checks: list[Check] = []
        failed: list[Check] = []
        for member in ctx["members"]:
            result, checks = inner(member, params)
            if result:
                return True, checks
            if result is None:
                unknown_checks.extend(checks)
            else:
                failed.extend(checks)
        if unknown_checks:
            return None, unknown_checks
        return False, failed[:3]  # enough for a reason, not one line per member

    return _meta(test, inner.params, inner.codes)


def compile_test(node: Any, file: str, where: str, *, member: bool = False) -> Test:
    if not isinstance(node, dict) or len(node) == 0:
        raise CatalogueError(file, where, "规则必须是非空映射")
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        items = node[key]
        if not isinstance(items, list) or not items:
            raise CatalogueError(file, f"{where}.{key}", "需要非空列表")
        children = [compile_test(n, file, f"{where}.{key}[{i}]", member=member) for i, n in enumerate(items)]
        return _combine(children, want_all=key == "all")
    if "any_member" in node:
        if member:
            raise CatalogueError(file, f"{where}.any_member", "any_member 不能嵌套")
        return _any_member(compile_test(node["any_member"], file, f"{where}.any_member", member=True))
    if "receives" in node:
        if member:
            raise CatalogueError(file, f"{where}.receives", "receives 是家庭事实，不能写在 any_member 里")
        return _receives(node["receives"])
    return _leaf(node, MEMBER_FACTS if member else HOUSEHOLD_FACTS, where, file, member)


def _receives(codes: str | list[str]) -> Test:
    wanted = frozenset([codes] if isinstance(codes, str) else codes)

    def test(ctx: Mapping[str, Any], params: Mapping[str, int]) -> Outcome:
        got = [c for c in ctx["current"] if c in wanted]
        result = bool(got)
        return result, [Check("正在享受", "item", got or "无", "in", sorted(wanted), result)]

    return _meta(test, set(), set(wanted))


def _meta(fn: TestFn, params: set[str], codes: set[str]) -> Test:
    """Remember which region parameters and item codes a test uses, for cross-file validation."""
    test = cast(Test, fn)  # a Test once the two attributes below are set
    test.params, test.codes = params, codes
    return test


# ---------------------------------------------------------------- catalogue items


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    level: str
    test: Test = field(repr=False, compare=False)


@dataclass(frozen=True)
class StandardLine:
    """An amount (fen + unit) or, for ratios and case-by-case aid, a plain text."""

    label: str
    fen: int | None
    unit: str
    demo: bool
    source: str

    def text(self) -> str:
        return f"{plain_yuan(self.fen)}{self.unit}" if self.fen is not None else self.unit


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    short_name: str
    category: str
    aliases: tuple[str, ...]
    summary: str
    basis: tuple[dict[str, Any], ...]
    conditions: tuple[str, ...]
    rules: tuple[Rule, ...]
    materials: tuple[str, ...]
    process: tuple[str, ...]
    standards: dict[str, dict[str, Any]]  # region prefix ("default" for the demo county) -> block
    time_limit_days: int
    department: str
    approver: str  # the department (domain/departments.py) whose approvers decide this item
    place: str
    not_with: dict[str, str]  # item code -> why they cannot be combined
    stacks_with: tuple[str, ...]
    reviewed: date
    file: str
    max_status: str = "likely"  # discretionary aid (慈善/微心愿) never promises more than "possible"
    order: int = 0  # position in lists: the most basic aid first

    @property
    def url(self) -> str:
        return f"/policy/{self.code}"

    def standard_block(self, region_code: str) -> dict[str, Any]:
        return _by_region(self.standards, region_code)

    def band_amount(self, region_code: str, facts: Mapping[str, Any]) -> tuple[int, int] | None:
        """(pct, fen) the bands give for this household, or None when the item has no bands or none apply."""
        bands = self.standard_block(region_code).get("bands")
        return self.band_for(region_code, facts.get(bands["fact"])) if bands else None

    def band_for(self, region_code: str, base: int | None) -> tuple[int, int] | None:
        """(pct, fen) for an amount of the bands' fact, e.g. a year's out-of-pocket medical costs."""
        bands = self.standard_block(region_code).get("bands")
        if not bands or base is None:
            return None
        applicable = [b for b in bands["steps"] if base >= b["from_fen"]]
        if not applicable:
            return None
        pct = applicable[-1]["pct"]
        return pct, base * pct // 100

    def standard_lines(self, region_code: str = "") -> list[StandardLine]:
        block = self.standard_block(region_code)
        return [
            StandardLine(
                line["label"], line.get("fen"), line.get("unit") or line["text"], block["demo"], block.get("source", "")
            )
            for line in block["lines"]
        ]


def _by_region(blocks: Mapping[str, dict[str, Any]], region_code: str) -> dict[str, Any]:
    """Longest region-code prefix wins; 'default' (the demo county) otherwise."""
    matches = [p for p in blocks if p != "default" and region_code.startswith(p)]
    return blocks[max(matches, key=len)] if matches else blocks["default"]


@dataclass
class Catalogue:
    items: dict[str, Item]
    regions: dict[str, dict[str, Any]]
    _alias_index: dict[str, str] = field(default_factory=dict)
    _params_cache: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.items.values():
            for name in (item.code, item.name, item.short_name, *item.aliases):
                self._alias_index.setdefault(name, item.code)

    def get(self, code: str) -> Item | None:
        return self.items.get(code)

    def resolve(self, code_or_name: str) -> str | None:
        """Map an aid record's item code or name (as departments spell it) to a catalogue code."""
        return self._alias_index.get(code_or_name.strip())

    def region(self, region_code: str) -> dict[str, Any]:
        """Region parameters: the demo county's defaults overlaid with the best matching region."""
        merged = dict(self.regions["default"])
        block = _by_region(self.regions, region_code)
        if block is not self.regions["default"]:
            merged.update(block)
        return merged

    def params(self, item: Item, region_code: str) -> dict[str, int]:
        """Thresholds for one item in one region; cached, screening asks for them per household."""
        key = (item.code, region_code)
        params = self._params_cache.get(key)
        if params is None:
            params = {k: v for k, v in self.region(region_code).items() if type(v) is int}
            params.update(item.standard_block(region_code).get("params", {}))
            self._params_cache[key] = params
        return params

    def conflicts(self, a: str, b: str) -> str | None:
        """Why items a and b cannot be held together, or None when they can."""
        ia, ib = self.items.get(a), self.items.get(b)
        return (ia and ia.not_with.get(b)) or (ib and ib.not_with.get(a)) or None

    def by_category(self) -> dict[str, list[Item]]:
        grouped: dict[str, list[Item]] = {c: [] for c in CATEGORIES}
        for item in self.items.values():
            grouped[item.category].append(item)
        return {c: items for c, items in grouped.items() if items}


# ---------------------------------------------------------------- loading and validation


def _need(data: dict[str, Any], key: str, kind: type | tuple[type, ...], file: str, where: str = "") -> Any:
    path = f"{where}{key}"
    if key not in data:
        raise CatalogueError(file, path, "缺少必填字段")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise CatalogueError(file, path, f"类型应为 {kind}，实际为 {type(value).__name__}")
    if isinstance(value, str | list | dict) and not value:
        raise CatalogueError(file, path, "不能为空")
    return value


def _strings(data: dict[str, Any], key: str, file: str) -> tuple[str, ...]:
    values = _need(data, key, list, file)
    for i, v in enumerate(values):
        if not isinstance(v, str) or not v.strip():
            raise CatalogueError(file, f"{key}[{i}]", "应为非空文字")
    return tuple(values)


def _standards(data: dict[str, Any], file: str) -> dict[str, dict[str, Any]]:
    blocks: dict[str, dict[str, Any]] = _need(data, "standards", dict, file)
    if "default" not in blocks:
        raise CatalogueError(file, "standards.default", "缺少示范县(default)标准")
    for region, block in blocks.items():
        where = f"standards.{region}."
        if not isinstance(block, dict):
            raise CatalogueError(file, where[:-1], "应为映射")
        _need(block, "demo", bool, file, where)
        if not block["demo"]:
            _need(block, "source", str, file, where)
        for i, line in enumerate(_need(block, "lines", list, file, where)):
            lw = f"{where}lines[{i}]."
            _need(line, "label", str, file, lw)
            if "text" in line:
                _need(line, "text", str, file, lw)
                continue
            _need(line, "unit", str, file, lw)
            if _need(line, "fen", int, file, lw) < 0:
                raise CatalogueError(file, f"{lw}fen", "金额(分)不能为负")
        _bands(block, file, where)
        for key, value in block.get("params", {}).items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise CatalogueError(file, f"{where}params.{key}", "参数应为整数(分/百分比/人数)")
    return blocks


def _bands(block: dict[str, Any], file: str, where: str) -> None:
    """Optional percentage bands over a fen fact, e.g. 支出型医疗: 2000-1万元 40%, 1万-3万 50%, 3万以上 60%."""
    if "bands" not in block:
        return
    bands = _need(block, "bands", dict, file, where)
    if bands.get("fact") not in HOUSEHOLD_FACTS or HOUSEHOLD_FACTS[bands["fact"]][1] != "fen":
        raise CatalogueError(file, f"{where}bands.fact", "应为以分计的家庭事实")
    previous = -1
    for i, band in enumerate(_need(bands, "steps", list, file, f"{where}bands.")):
        bw = f"{where}bands.steps[{i}]."
        start, pct = _need(band, "from_fen", int, file, bw), _need(band, "pct", int, file, bw)
        if start <= previous or not 0 < pct <= 100:
            raise CatalogueError(file, bw[:-1], "起点须递增，比例须在 1-100 之间")
        previous = start


def _rules(data: dict[str, Any], file: str) -> tuple[Rule, ...]:
    rules = []
    for i, raw in enumerate(_need(data, "rules", list, file)):
        where = f"rules[{i}]."
        rule_id = _need(raw, "id", str, file, where)
        level = raw.get("level", "required")
        if level not in LEVELS:
            raise CatalogueError(file, f"{where}level", f"应为 {LEVELS} 之一")
        test = compile_test(raw.get("test"), file, f"{where}test")
        rules.append(Rule(rule_id, _need(raw, "text", str, file, where), level, test))
    if len({r.id for r in rules}) != len(rules):
        raise CatalogueError(file, "rules", "规则 id 重复")
    return tuple(rules)


def _materials(data: dict[str, Any], file: str) -> tuple[str, ...]:
    materials = _strings(data, "materials", file)
    missing = [m for m in BASIC_MATERIALS if m not in materials]
    if missing:
        raise CatalogueError(file, "materials", f"缺少基本材料：{'、'.join(missing)}")
    return materials


def _tidy(text: str) -> str:
    """Folded YAML leaves a space where the author broke the line; Chinese punctuation needs none."""
    return re.sub(r"\s*([，。；：、（）])\s*", r"\1", text.strip())


def parse_item(data: Any, file: str) -> Item:
    if not isinstance(data, dict):
        raise CatalogueError(file, "(root)", "文件内容应为映射")
    code = _need(data, "code", str, file)
    if Path(file).stem != code:
        raise CatalogueError(file, "code", f"code “{code}” 应与文件名一致")
    category = _need(data, "category", str, file)
    if category not in CATEGORIES:
        raise CatalogueError(file, "category", f"应为 {CATEGORIES} 之一")
    basis = _need(data, "basis", list, file)
    for i, b in enumerate(basis):
        _need(b, "title", str, file, f"basis[{i}].")
        _need(b, "article", str, file, f"basis[{i}].")
    combo = data.get("combination", {}) or {}
    not_with = combo.get("not_with", {}) or {}
    if not isinstance(not_with, dict) or not all(isinstance(v, str) and v for v in not_with.values()):
        raise CatalogueError(file, "combination.not_with", "应为 {事项代码: 不可同时享受的原因}")
    max_status = data.get("max_status", "likely")
    if max_status not in ("likely", "possible"):
        raise CatalogueError(file, "max_status", "应为 likely 或 possible")
    days = _need(data, "time_limit_days", int, file)
    if days <= 0:
        raise CatalogueError(file, "time_limit_days", "办理时限(工作日)应大于 0")
    return Item(
        code=code,
        name=_need(data, "name", str, file),
        short_name=_need(data, "short_name", str, file),
        category=category,
        aliases=tuple(data.get("aliases", []) or []),
        summary=_tidy(_need(data, "summary", str, file)),
        basis=tuple(basis),
        conditions=_strings(data, "conditions", file),
        rules=_rules(data, file),
        materials=_materials(data, file),
        process=_strings(data, "process", file),
        standards=_standards(data, file),
        time_limit_days=days,
        department=_need(data, "department", str, file),
        approver=_approver(data, file),
        place=_need(data, "place", str, file),
        not_with=dict(not_with),
        stacks_with=tuple(combo.get("stacks_with", []) or []),
        reviewed=_need(data, "reviewed", date, file),
        file=file,
        max_status=max_status,
        order=_need(data, "order", int, file),
    )


def _approver(data: dict[str, Any], file: str) -> str:
    code: str = _need(data, "approver", str, file)
    if code not in DEPARTMENTS:
        raise CatalogueError(file, "approver", f"应为以下部门之一：{'、'.join(DEPARTMENTS)}")
    return code


def _check_references(items: dict[str, Item], regions: dict[str, dict[str, Any]]) -> None:
    """Cross-file checks: combination targets exist, every param a rule uses is defined."""
    for item in items.values():
        for other in (*item.not_with, *item.stacks_with):
            if other not in items:
                raise CatalogueError(item.file, "combination", f"引用了不存在的事项“{other}”")
        for rule in item.rules:
            for receives in rule.test.codes:
                if receives not in items:
                    raise CatalogueError(item.file, f"rules.{rule.id}", f"引用了不存在的事项“{receives}”")
            for region in {"default", *item.standards, *regions}:
                available = set(regions["default"]) | set(regions.get(region, {}))
                available |= set(item.standards.get(region, item.standards["default"]).get("params", {}))
                missing = rule.test.params - available
                if missing:
                    raise CatalogueError(
                        item.file, f"rules.{rule.id}", f"地区 {region} 缺少参数 {', '.join(sorted(missing))}"
                    )


def load_catalogue(directory: Path | str = CATALOGUE_DIR) -> Catalogue:
    directory = Path(directory)
    regions_path = directory / REGIONS_FILE
    regions = _load_yaml(regions_path)
    if not isinstance(regions, dict) or "default" not in regions:
        raise CatalogueError(regions_path.name, "default", "缺少示范县(default)地区参数")
    for region, block in regions.items():
        _need(block, "name", str, regions_path.name, f"{region}.")
        _need(block, "demo", bool, regions_path.name, f"{region}.")
    items: dict[str, Item] = {}
    for path in directory.glob("*.yaml"):
        if path.name.startswith("_"):
            continue
        item = parse_item(_load_yaml(path), path.name)
        if item.code in items:
            raise CatalogueError(path.name, "code", f"事项代码重复：{item.code}")
        items[item.code] = item
    if not items:
        raise CatalogueError(str(directory), "(dir)", "没有任何事项文件")
    _check_references(items, regions)
    items = dict(sorted(items.items(), key=lambda kv: (kv[1].order, kv[0])))
    ITEM_NAMES.update({code: item.short_name for code, item in items.items()})
    return Catalogue(items, regions)


def _load_yaml(path: Path) -> Any:
    import yaml  # the catalogue is read on first use, not when a cold Lambda imports its handler

    try:  # libyaml's parser when the wheel has it: ~10x faster than the pure-Python one, same safe subset
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise CatalogueError(path.name, "(yaml)", f"YAML 格式错误：{exc}") from exc
    except OSError as exc:
        raise CatalogueError(path.name, "(file)", f"无法读取：{exc}") from exc


@functools.cache
def catalogue() -> Catalogue:
    """The shipped catalogue, loaded and validated once per process."""
    return load_catalogue()
