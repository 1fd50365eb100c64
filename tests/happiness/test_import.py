"""Aid import: the documented template imports, a bad row stops the whole file, re-import is a no-op."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from yimen.domain.errors import ValidationError
from yimen.entrypoints.cli.main import main
from yimen.services.households.aid_import import import_aid

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "aid-import-example.csv"


@pytest.fixture
def people(seeded):
    """Three demo members (household id, name, ID number) in different households."""
    with seeded.uow() as uow:
        households = list(uow.households.iter_in_area(""))[:3]
    return [(h.id, h.head.name, h.head.id_number) for h in households]


def example_rows(people) -> list[list[str]]:
    """The shipped example, re-pointed at demo people (the example's own people are not seeded)."""
    header, *rows = list(csv.reader(EXAMPLE.read_text(encoding="utf-8").splitlines()))
    for row, (_, name, number) in zip(rows, people * 2, strict=False):
        row[0], row[1] = number, name
    return [header, *rows]


def to_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def records_of(services, household_ids):
    with services.uow() as uow:
        return [r for h in household_ids for r in uow.aid_records.list_for_household(h)]


def test_example_file_imports_once(seeded, people):
    ids = {p[0] for p in people}
    before = len(records_of(seeded, ids))
    rows = example_rows(people)
    result = import_aid("县残联.csv", to_csv(rows), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx)
    assert (result.added, result.skipped) == (5, 0)
    stored = records_of(seeded, ids)
    assert len(stored) == before + 5
    charity = next(r for r in stored if r.source_ref == "CS-20261102-07")
    assert (charity.source, charity.department, charity.amount_fen) == ("import:县慈善总会", "县慈善总会", 300000)
    assert charity.item_code == "other" and str(charity.paid_on) == "2026-11-02"
    assert next(r for r in stored if r.source_ref == "CL-2026-10-0002").item_code == "canji-huli"  # by name
    again = import_aid("县残联-再次.csv", to_csv(rows), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx)
    assert (again.added, again.skipped) == (0, 5)
    assert len(records_of(seeded, ids)) == before + 5
    with seeded.uow() as uow:
        imports = [e for e in uow.audit.iter_all() if e.action == "aid_imported"]
    assert [e.reason for e in imports][-1] == "县残联-再次.csv：新增 0 条，已存在 5 条"


def test_a_bad_row_stops_the_whole_file(seeded, people):
    ids = {p[0] for p in people}
    before = records_of(seeded, ids)
    rows = example_rows(people)
    rows[3][6] = "二百"  # row 4 in the spreadsheet: amount
    rows[5][1] = "查无此人"  # row 6: name doesn't match the ID number
    with pytest.raises(ValidationError) as caught:
        import_aid("bad.csv", to_csv(rows), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx)
    assert caught.value.details["problems"] == [
        "第4行「金额（元）」：金额“二百”不是有效数字",
        "第6行「姓名」：姓名与身份证号不一致",
    ]
    assert records_of(seeded, ids) == before  # the three good rows were not written either


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (0, "990101195003041231", "第2行「身份证号」：不是有效的18位身份证号码"),
        (6, "-5", "第2行「金额（元）」：金额不能为负数"),
        (6, "1.005", "第2行「金额（元）」：金额“1.005”最多保留两位小数"),
        (7, "2026-13-01", "第2行「发放日期」：日期“2026-13-01”无法识别"),
        (7, "2027-01-01", "第2行「发放日期」：发放日期 2027-01-01 晚于今天"),
        (8, "2026年10月", "第2行「所属期」：所属期“2026年10月”格式不对"),
        (3, "nosuchitem", "第2行「项目代码」：项目代码“nosuchitem”不在救助项目目录中"),
        (9, "", "第2行「流水号」：不能为空"),
    ],
)
def test_row_problems_name_row_column_and_why(seeded, people, column, value, expected):
    rows = example_rows(people)[:2]
    rows[1][column] = value
    with pytest.raises(ValidationError) as caught:
        import_aid("one.csv", to_csv(rows), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx)
    assert caught.value.details["problems"][0].startswith(expected)


def test_duplicate_reference_inside_a_file(seeded, people):
    rows = example_rows(people)
    rows[2][4], rows[2][9] = rows[1][4], rows[1][9]
    with pytest.raises(ValidationError) as caught:
        import_aid("dup.csv", to_csv(rows), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx)
    assert caught.value.details["problems"] == ["第3行「流水号」：与第2行的流水号重复"]


def test_missing_column(seeded):
    with pytest.raises(ValidationError, match="第1行表头缺少列：金额（元）"):
        import_aid(
            "x.csv",
            "身份证号,姓名,救助项目,帮扶部门,帮扶措施,发放日期,流水号\n".encode(),
            uow=seeded.uow,
            clock=seeded.clock,
            xlsx=seeded.xlsx,
        )


def test_xlsx_with_real_dates_and_numbers(seeded, people):
    book = Workbook()
    sheet = book.active
    rows = example_rows(people)[:3]
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([*row[:6], float(row[6]), datetime.datetime.fromisoformat(row[7].replace("/", "-")), *row[8:]])
    data = io.BytesIO()
    book.save(data)
    assert import_aid("县残联.xlsx", data.getvalue(), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx).added == 2
    sheet["A2"] = 990101195003041232  # an ID number typed as a number loses digits in Excel
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(ValidationError) as caught:
        import_aid("县残联.xlsx", data.getvalue(), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx)
    assert caught.value.details["problems"][0].startswith("第2行「身份证号」：请把身份证号列设为文本格式")


def test_gbk_csv_from_excel(seeded, people):
    rows = example_rows(people)[:2]
    assert (
        import_aid(
            "gbk.csv", to_csv(rows).decode().encode("gbk"), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx
        ).added
        == 1
    )


def test_cli(seeded, people, tmp_path, config):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    rows = example_rows(people)
    good.write_bytes(to_csv(rows))
    rows[2][7] = "昨天"
    bad.write_bytes(to_csv(rows))
    runner = CliRunner()
    data_dir = str(config.data_dir)
    failed = runner.invoke(main, ["import-aid", str(bad), "--data-dir", data_dir])
    assert failed.exit_code == 1
    assert "整个文件未导入" in failed.output and "第3行「发放日期」" in failed.output
    ok = runner.invoke(main, ["import-aid", str(good), "--data-dir", data_dir])
    assert ok.exit_code == 0 and "新增 5 条" in ok.output
