"""The deadline scan (warnings recorded once, the responsible role notified), the overdue list for 纪委,
the township dashboard, and 核对 with imported department data."""

import json
import sqlite3

import pytest
from click.testing import CliRunner

from tests.workflow.helpers import act, application_body, case_page, decide, id_number, submit
from yimen.domain.errors import ValidationError
from yimen.entrypoints.cli.main import main
from yimen.services.checking import dept_data

HEAD_ID = id_number("19500101", "12")


def _staff_notices(config) -> list[dict]:
    conn = sqlite3.connect(config.database)
    rows = conn.execute("SELECT payload FROM jobs WHERE kind = 'notice'").fetchall()
    conn.close()
    return [p for p in (json.loads(r[0]) for r in rows) if p["role"]]


def test_scan_warns_yellow_then_red_once_and_lists_overdue(
    client, citizen_headers, staff_client, seeded, clock, config
):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]  # Wed 25 Nov, 受理 due Thu 26
    assert seeded.deadlines.scan(warn_days=1) == {"yellow": 1, "red": 0}
    assert seeded.deadlines.scan(warn_days=1) == {"yellow": 0, "red": 0}  # recorded once
    clock.advance(days=2)  # Fri 27 Nov: the limit has passed
    assert seeded.deadlines.scan(warn_days=1) == {"yellow": 0, "red": 1}

    notices = _staff_notices(config)
    assert [(n["role"], n["area_code"], n["data"]["level"]) for n in notices] == [
        ("窗口受理", "990101001", "yellow"),
        ("窗口受理", "990101001", "red"),
        ("纪委监督", "990101", "red"),
    ]
    assert notices[1]["data"]["days_overdue"] == 1 and notices[1]["data"]["stage"] == "受理"
    with seeded.uow() as uow:
        actions = [e.action for e in uow.audit.for_object("application", app_id)]
    assert actions.count("deadline_yellow") == 1 and actions.count("deadline_red") == 1

    discipline = staff_client("discipline")
    overdue = discipline.get("/staff/cases/overdue").get_data(as_text=True)
    assert app_id in overdue and "已超时" in overdue and "窗口受理" in overdue
    queue = staff_client("window1").get("/staff/cases/").get_data(as_text=True)
    assert 'class="tag red"' in queue
    dashboard = staff_client("supervise1").get("/staff/cases/dashboard").get_data(as_text=True)
    assert "<svg" in dashboard and "各环节在办数量柱状图" in dashboard and 'fill="#a50e0e"' in dashboard
    assert "<strong>1</strong>件已超时" in dashboard
    # acting on it clears it from the overdue list
    decide(staff_client("window1"), app_id, "同意受理")
    assert app_id not in discipline.get("/staff/cases/overdue").get_data(as_text=True)


def test_cli_scan_and_import(tmp_path, seeded, config):
    runner = CliRunner()
    result = runner.invoke(main, ["deadlines", "scan", "--data-dir", str(config.data_dir), "--warn-days", "3"])
    assert result.exit_code == 0, result.output
    assert "时限扫描完成" in result.output
    bad = tmp_path / "fang.csv"
    bad.write_text("身份证号,姓名,房产套数\n123,某,2\n", encoding="utf-8")
    result = runner.invoke(main, ["import-dept-data", "房产", str(bad), "--data-dir", str(config.data_dir)])
    assert result.exit_code == 1 and "建筑面积（平方米）" in result.output


def test_checking_report_uses_department_data(client, citizen_headers, staff_client, seeded, tmp_path):
    app_id = submit(client, citizen_headers, application_body(head_id=HEAD_ID)).get_json()["id"]
    files = {
        "车辆": ("cars.csv", f"身份证号,姓名,机动车数量,车辆类型\n{HEAD_ID},测试甲,1,小型轿车\n"),
        "房产": ("house.csv", f"身份证号,姓名,房产套数,建筑面积(平方米)\n{HEAD_ID},测试甲,2,150.5\n"),
        "社保": ("si.csv", f"身份证号,姓名,月养老金（元）,参保状态\n{HEAD_ID},测试甲,180.00,正常\n"),
    }
    for source, (name, text) in files.items():
        assert (
            dept_data.import_file(
                source,
                name,
                text.encode("gb18030"),
                uow=seeded.uow,
                clock=seeded.clock,
                xlsx=seeded.xlsx,
                cipher=seeded.cipher,
            )
            == 1
        )
    broken = "身份证号,姓名,机动车数量,车辆类型\n990101195001011234,某,1.5,轿车\n".encode()
    with pytest.raises(ValidationError) as refused:
        dept_data.import_file(
            "vehicle", "x.csv", broken, uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx, cipher=seeded.cipher
        )
    assert refused.value.details["problems"] == ["第2行「身份证号」：不是有效的18位身份证号码"]

    decide(staff_client("window1"), app_id, "同意受理")
    checking = staff_client("checking")
    assert act(checking, app_id, "check", {}).status_code == 303
    page = case_page(checking, app_id)
    assert "名下房产 2；房产总面积 150.5 平方米" in page and "名下机动车 1" in page
    assert "每月养老金 180.00 元" in page
    assert "车管数据显示家庭有机动车 1 辆，申报为 0 辆" in page and "名下房产 2 套" in page
    assert "家庭无机动车" in page  # the vehicle rule now reads the department's number
    with seeded.uow() as uow:
        report = uow.applications.get(app_id).check_report
        kept = [uow.kv.get("dept:车辆", seeded.cipher.lookup_hash(HEAD_ID))]
    assert report["sources_with_records"] == ["房产", "社保", "车辆"]
    assert HEAD_ID not in json.dumps(kept, ensure_ascii=False) and "测试甲" not in json.dumps(kept, ensure_ascii=False)


def test_duplicate_aid_warning_and_proposal(client, citizen_headers, staff_client, seeded):
    body = application_body(items=["dibao", "tekun"])
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    page = case_page(staff_client("window1"), app_id)
    assert "不可同时享受：最低生活保障 与 特困人员救助供养" in page
    with seeded.uow() as uow:
        app, household = _app_and_household(uow, app_id)
    advice = seeded.case_files.advice(app, household)
    assert advice["duplicates"][0]["reason"].startswith("特困人员已由供养金保障基本生活")
    proposals = {p["code"] for p in advice["proposals"]}
    assert "dibao" not in proposals and proposals, advice  # something likely but not asked for
    code = sorted(proposals)[0]
    assert act(staff_client("window1"), app_id, "propose", {"item_code": code}).status_code == 303
    detail = client.get(f"/api/v1/applications/{app_id}", headers=citizen_headers).get_json()
    assert [i["code"] for i in detail["items"] if i["proposed"]] == [code]


def _app_and_household(uow, app_id):
    app = uow.applications.get(app_id)
    return app, uow.households.get(app.household_id)
