"""The old 低保 roll into 一户一档: CSV or .xlsx, one row per person, all or nothing with row-level problems."""

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from yimen.domain.errors import ValidationError
from yimen.entrypoints.cli.main import main
from yimen.services.households.importing import import_file

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "household-roll-example.csv"


def _rows() -> list[list[str]]:
    return [line.split(",") for line in EXAMPLE.read_text(encoding="utf-8").splitlines()]


def _csv(rows) -> bytes:
    return "\r\n".join(",".join(r) for r in rows).encode("gb18030")  # as Excel in China saves it


def test_the_example_roll_becomes_household_files(seeded):
    assert (
        import_file("低保花名册.csv", EXAMPLE.read_bytes(), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx) == 2
    )
    head = _rows()[1]
    with seeded.uow() as uow:
        h = uow.households.find_by_id_number(head[2])
        events = [e for e in uow.audit.for_object("household", h.id) if e.action == "import"]
    assert [m.name for m in h.members] == ["示例甲", "示例乙"]
    assert (h.village_code, h.phone, h.housing, h.houses, h.assets_fen, h.medical_costs_fen) == (
        "990101001001",
        "13900000001",
        "危房",
        1,
        80000,
        1200000,
    )
    assert h.education_costs_fen is None  # empty means not recorded, not zero
    assert (h.members[0].health, h.members[0].monthly_income_fen) == ("大病", {"养老金": 15000})
    assert (h.members[1].disability_type, h.members[1].disability_grade) == ("肢体", 2)
    assert len(events) == 1 and "低保花名册.csv" in events[0].reason
    with pytest.raises(ValidationError) as again:  # people on file are never overwritten
        import_file("低保花名册.csv", EXAMPLE.read_bytes(), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx)
    assert "4 人已在档案中" in again.value.message


def test_every_problem_is_listed_and_nothing_is_stored(seeded):
    rows = _rows()
    rows[2][2] = rows[1][2]  # the same person twice
    rows[3][11] = "990199001001"  # not a village of this county
    rows[4][3] = "户主"  # a second head in DB-002
    rows.append(
        ["DB-003", "示例戊", "99010119800101001X", "户主", "很好", "", "", "", "", "", "abc", "990101001001"] + [""] * 8
    )
    with pytest.raises(ValidationError) as caught:
        import_file("roll.csv", _csv(rows), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx)
    problems = caught.value.details["problems"]
    assert "第3行「身份证号」：与第2行重复" in problems
    assert any(p.startswith("第6行「月收入（元）」") for p in problems)
    assert any("DB-002" in p and "有且只有一位户主（现有 2 位）" in p for p in problems)
    assert caught.value.message.startswith(f"文件有 {len(problems)} 处问题，未导入任何数据")
    with seeded.uow() as uow:
        assert uow.households.find_by_id_number(rows[1][2]) is None


def test_xlsx_and_the_command_line(seeded, config):
    book = Workbook()
    sheet = book.active
    for row in _rows():
        sheet.append(row)
    sheet.append(["DB-009", "示例己", 990101196001010012, "户主"] + [""] * 7 + ["990101001001"] + [""] * 8)
    buffer = io.BytesIO()
    book.save(buffer)
    path = Path(config.data_dir) / "roll.xlsx"
    path.write_bytes(buffer.getvalue())
    refused = CliRunner().invoke(main, ["import-households", str(path), "--data-dir", config.data_dir])
    assert refused.exit_code == 1 and "请把身份证号列设为文本格式" in refused.output
    sheet.delete_rows(sheet.max_row)
    book.save(path)
    done = CliRunner().invoke(main, ["import-households", str(path), "--data-dir", config.data_dir])
    assert done.exit_code == 0 and "已导入 2 户档案" in done.output
