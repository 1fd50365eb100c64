"""The county's regions: imported from a CSV/xlsx of 统计用区划代码, all or nothing, read by the forms."""

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from tests.workflow.helpers import application_body, submit
from yimen.domain.errors import ValidationError
from yimen.domain.model import SYSTEM
from yimen.entrypoints.cli.demo import demo_cases
from yimen.entrypoints.cli.main import main
from yimen.services.staff import regions

EXAMPLE = Path(__file__).parents[1] / "docs" / "examples" / "regions-example.csv"


def import_file(services, name: str, data: bytes) -> None:
    parsed = regions.parse(name, data, services.xlsx)
    with services.uow() as uow:
        regions.save(uow, parsed, SYSTEM, services.clock.now())


def test_the_example_file_fills_the_village_picker(client, services):
    import_file(services, EXAMPLE.name, EXAMPLE.read_bytes())
    villages = client.get("/api/v1/regions/villages").get_json()["villages"]
    assert villages == [
        {"code": "990102001001", "name": "南门社区", "township": "城关街道"},
        {"code": "990102001002", "name": "北门社区", "township": "城关街道"},
        {"code": "990102002001", "name": "白鹤村", "township": "白鹤镇"},
        {"code": "990102002002", "name": "松林村", "township": "白鹤镇"},
        {"code": "990102002003", "name": "石板村", "township": "白鹤镇"},
    ]


def test_a_bad_file_is_refused_whole_with_every_problem_by_row(services):
    import_file(services, EXAMPLE.name, EXAMPLE.read_bytes())
    bad = (
        "代码,名称\n990103,另一县\n99010300,错位\n990103001,新镇\n990103002001,孤村\n990103001001,\n"
        "990103001,新镇\n990104,第二个县\n"
    )
    with pytest.raises(ValidationError) as caught:
        regions.parse("bad.csv", bad.encode(), services.xlsx)
    problems = caught.value.details["problems"]
    assert "第3行：代码“99010300”应为 6 位（县）、9 位（乡镇）或 12 位（村、社区）数字" in problems
    assert "第6行：名称不能为空" in problems
    assert "代码 990103001 出现了不止一次" in problems
    assert "应当正好有一行县级（6 位）代码，现有 2 行" in problems
    assert "孤村（990103002001）的上级 990103002 不在文件里" in problems
    with services.uow() as uow:  # the regions filed before are untouched
        assert [r.name for r in regions.county_regions(uow)][:2] == ["样例县", "城关街道"]


def test_excel_with_codes_typed_as_numbers(services):
    book = Workbook()
    sheet = book.active
    for row in (["名称", "代码"], ["样例县", 990102], ["白鹤镇", 990102002.0], ["白鹤村", 990102002001]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    import_file(services, "区划.xlsx", buffer.getvalue())
    assert regions.villages(uow=services.uow) == [{"code": "990102002001", "name": "白鹤村", "township": "白鹤镇"}]


def test_cli_imports_lists_and_reports_problems(tmp_path):
    runner = CliRunner()
    data_dir = ["--data-dir", str(tmp_path)]
    done = runner.invoke(main, ["regions", "import", str(EXAMPLE), *data_dir])
    assert done.exit_code == 0 and "已导入：2 个乡镇（街道），5 个村（社区）。" in done.output
    listed = runner.invoke(main, ["regions", "list", *data_dir])
    assert "990102002003          石板村" in listed.output and listed.output.startswith("990102  样例县")
    bad = tmp_path / "bad.csv"
    bad.write_text("代码,名称\n990102,样例县\n")
    refused = runner.invoke(main, ["regions", "import", str(bad), *data_dir])
    assert refused.exit_code == 1 and "文件里没有村（社区）" in refused.output


def test_demo_data_files_the_demo_county_once(services):
    from yimen.services.demo import county as demo

    demo.seed(households=3, uow=services.uow, clock=services.clock)
    assert len(regions.villages(uow=services.uow)) == 10
    with services.uow() as uow:
        uow.kv.delete(regions.NAMESPACE, regions.KEY)  # a data folder seeded before regions were stored
    assert demo.seed(households=3, uow=services.uow, clock=services.clock) == {"created": False}
    assert {"code": "990101002001", "name": "青山村", "township": "青山乡"} in regions.villages(uow=services.uow)


def test_an_application_must_name_a_village_of_this_county(client, citizen_headers, seeded):
    body = application_body()
    body["household"]["village_code"] = "990102002001"  # a village of another county
    refused = submit(client, citizen_headers, body)
    assert refused.status_code == 400
    assert refused.get_json()["error"] == {"code": "BAD_VILLAGE", "message": "请选择所在村（社区）"}


def test_staff_pages_name_the_area(staff_client, seeded):
    demo_cases(seeded)
    page = staff_client("window1").get("/staff/cases/?stage=受理").get_data(as_text=True)
    assert "辖区 城关镇" in page and "辖区 990101001" not in page
    rows = re.findall(r"<tr><td>[0-9a-f]{16}</td><td>([^<]+)</td>", page)
    assert rows and all(row.startswith("城关镇") and row != "城关镇" for row in rows), rows
    assert (
        regions.region_label({"990101": "示范县", "990101001": "城关镇", "990101001001": "东街社区"}, "990101001001")
        == "城关镇东街社区"
    )
    assert regions.region_label({"990101": "示范县"}, "990101") == "示范县"
    assert regions.region_label({}, "990101002") == "990101002"  # not filed: the code, never a blank
