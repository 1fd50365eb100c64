"""The catalogue files: every required item, the seeds' numbers, and loud failures for broken files."""

import shutil
from pathlib import Path

import pytest

from yimen.domain.policy import BASIC_MATERIALS, CATALOGUE_DIR, CatalogueError, catalogue, load_catalogue

REQUIRED = {
    "dibao": "最低生活保障",
    "tekun": "特困人员救助供养",
    "linshi-jinan": "临时救助（急难型）",
    "linshi-zhichu": "临时救助（支出型）",
    "yiliao": "医疗救助",
    "jiaoyu": "教育救助",
    "zhufang": "住房救助",
    "jiuye": "就业救助",
    "shouzai": "受灾人员救助",
    "canji-shenghuo": "困难残疾人生活补贴",
    "canji-huli": "重度残疾人护理补贴",
    "dibao-bianyuan": "低保边缘家庭认定",
    "gaoling": "高龄津贴",
}


def test_every_required_item_is_there_with_all_fields():
    cat = catalogue()
    for code, name in REQUIRED.items():
        item = cat.get(code)
        assert item is not None and item.name == name
        assert item.basis and all(
            b["title"].startswith("《") or "种子" in b["title"] or "常州" in b["title"] for b in item.basis
        )
        assert item.conditions and item.rules and item.process
        assert set(BASIC_MATERIALS) <= set(item.materials)
        assert item.time_limit_days > 0 and item.department and item.place and item.reviewed
        assert item.standards["default"]["demo"] is True  # demo county figures are marked as such
    social = [i for i in cat.items.values() if i.category == "社会力量"]
    assert {i.code for i in social} >= {"cishan", "weixinyuan"}


def test_changzhou_figures_from_seed_004():
    cat = catalogue()
    care = [line.fen for line in cat.get("tekun").standard_lines("320402")]
    assert care == [150000, 90000, 34200, 20000]  # 1500 / 900 / 342 / 200 元/月
    assert all(not line.demo for line in cat.get("tekun").standard_lines("320402"))
    zhichu = cat.get("linshi-zhichu")
    facts = {"medical_oop_fen": 1_500_000}
    assert zhichu.band_amount("320402", facts) == (50, 750_000)
    assert zhichu.band_amount("320402", {"medical_oop_fen": 200_000}) == (40, 80_000)
    assert zhichu.band_amount("320402", {"medical_oop_fen": 3_000_000}) == (60, 1_800_000)
    assert zhichu.band_amount("320402", {"medical_oop_fen": 199_999}) is None
    # 低保边缘: 常州 widens the limit to twice the 低保 line; the demo county stays at 1.5 times
    assert cat.params(cat.get("dibao-bianyuan"), "320402")["edge_max_pct"] == 200
    assert cat.params(cat.get("dibao-bianyuan"), "990101001")["edge_max_pct"] == 150


def test_combination_rules_from_seed_002_are_symmetric():
    cat = catalogue()
    assert "残疾人生活补贴" in cat.conflicts("tekun", "canji-shenghuo")
    assert cat.conflicts("canji-shenghuo", "tekun")
    assert cat.conflicts("tekun", "canji-huli")
    assert cat.conflicts("dibao", "gaoling") is None
    assert "canji-huli" in cat.get("canji-shenghuo").stacks_with


def test_aliases_resolve_department_spellings():
    cat = catalogue()
    assert cat.resolve("最低生活保障") == "dibao"
    assert cat.resolve("五保") == "tekun"
    assert cat.resolve("残补") == "canji-shenghuo"
    assert cat.resolve("不存在的项目") is None


@pytest.fixture
def broken_dir(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        ("dibao.yaml", "time_limit_days: 30", "time_limit_days: 三十", "time_limit_days"),
        ("dibao.yaml", "  - 家庭经济状况核对授权书\n", "", "materials"),
        ("dibao.yaml", "fact: income_pc_fen", "fact: income_monthly", "rules[0].test.fact"),
        ("dibao.yaml", 'op: "<", param: dibao_line_fen', 'op: "<", param: no_such_param', "rules.income_below_line"),
        ("tekun.yaml", "    dibao: 特困人员", "    dibao-x: 特困人员", "combination"),
        (
            "tekun.yaml",
            "{label: 基本生活标准, fen: 91000,",
            "{label: 基本生活标准, fen: -5,",
            "standards.default.lines[0].fen",
        ),
        ("gaoling.yaml", "reviewed: 2026-11-20", "reviewed: 最近", "reviewed"),
        ("jiuye.yaml", "code: jiuye", "code: jiuye2", "code"),
        ("shouzai.yaml", "category: 急难救助", "category: 其他", "category"),
    ],
)
def test_a_broken_file_fails_loudly_naming_file_and_field(broken_dir, file, old, new, field):
    _edit(broken_dir / file, old, new)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(broken_dir)
    assert err.value.file == file
    assert err.value.path.startswith(field)
    assert file in str(err.value)


def test_invalid_yaml_names_the_file(broken_dir):
    (broken_dir / "dibao.yaml").write_text("code: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueError, match="dibao.yaml"):
        load_catalogue(broken_dir)
