"""主动发现: `yimen screen` over the database, and the pure per-household screening."""

import csv
import io
import random
from datetime import date

from click.testing import CliRunner

from yimen.domain.eligibility import LIKELY, facts_of, is_likely, judge, profile_from_household
from yimen.domain.model import AidRecord, Household, Member, RegionLevel, Relation, WorkCapacity
from yimen.domain.policy import catalogue
from yimen.entrypoints.cli.main import main
from yimen.services.checking.screening import CONFLICT, MISSED, REPEAT, screen_household
from yimen.services.demo.county import regions, synthetic_household

TODAY = date(2026, 11, 25)


def record(code: str, name: str, period: str, ref: str) -> AidRecord:
    return AidRecord("h1", code, name, "县民政局", "按月发放", 50000, date(2026, 10, 10), "import", ref, period)


def elder_household() -> Household:
    head = Member(
        "测试丙",
        "990101194001011234",
        Relation.HEAD,
        date(1940, 1, 1),
        "女",
        disability_type="肢体",
        disability_grade=1,
        work_capacity=WorkCapacity.NONE,
    )
    return Household("990101001001", "示范村2组", [head], housing="自有住房", assets_fen=0, vehicles=0, id="h1")


def test_finds_missed_aid_duplicates_and_double_payments():
    records = [
        record("tekun", "特困人员救助供养", "2026-10", "a"),
        record("残疾人生活补贴", "困难残疾人生活补贴", "2026-10", "b"),
        record("tekun", "特困人员救助供养", "2026-10", "c"),
    ]  # paid twice for October
    findings = screen_household(elder_household(), records, TODAY)
    kinds = {(f.kind, f.item_code) for f in findings}
    assert (MISSED, "gaoling") in kinds  # 86 years old and not receiving 高龄津贴
    assert (CONFLICT, "canji-shenghuo+tekun") in kinds
    assert (REPEAT, "tekun") in kinds
    assert (MISSED, "canji-huli") not in kinds  # would conflict with the 特困 she receives
    missed = next(f for f in findings if f.item_code == "gaoling")
    assert "86周岁（要求不低于 80周岁）：符合" in missed.detail
    assert missed.row()[3] == "测**"  # names are masked in the output


def test_old_aid_does_not_count_as_current():
    old = AidRecord(
        "h1", "dibao", "最低生活保障", "县民政局", "按月发放", 50000, date(2024, 1, 10), "import", "x", "2024-01"
    )
    findings = screen_household(elder_household(), [old], TODAY)
    assert (MISSED, "dibao") in {(f.kind, f.item_code) for f in findings}


def test_screen_command_writes_a_csv(seeded, config, tmp_path):
    out = tmp_path / "screen.csv"
    township = "990101001"
    result = CliRunner().invoke(
        main, ["screen", "--township", township, "--out", str(out), "--data-dir", str(config.data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "筛查完成" in result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["类型", "户编号", "村（社区）代码", "户主", "事项代码", "事项名称", "说明"]
    assert len(rows) > 1
    assert all(r[2].startswith(township) for r in rows[1:])
    assert {r[0] for r in rows[1:]} <= {MISSED, CONFLICT, REPEAT}


def test_screen_command_refuses_a_township_name(seeded, config):
    result = CliRunner().invoke(main, ["screen", "--township", "示范镇", "--data-dir", str(config.data_dir)])
    assert result.exit_code != 0 and "区划代码" in result.output


def test_fast_screening_check_agrees_with_the_full_judgement():
    cat, rng = catalogue(), random.Random(3)
    villages = [r.code for r in regions() if r.level == RegionLevel.VILLAGE]
    likely = 0
    for n in range(400):
        household = synthetic_household(rng, villages[n % len(villages)], TODAY, n, set())
        current = rng.choice([[], ["dibao"], ["tekun"], ["dibao", "canji-shenghuo"]])
        facts = facts_of(profile_from_household(household, current, TODAY), cat)
        for item in cat.items.values():
            fast = is_likely(item, facts, cat, household.village_code)
            assert fast == (judge(item, facts, cat, household.village_code)[0] == LIKELY), (n, item.code)
            likely += fast
    assert likely > 100  # the sample exercises the positive path too
