"""From an empty store to 协同办理, in Chromium: the first administrator comes from `yimen staff add`, she adds
a township clerk and an education-bureau approver on the console's 工作人员 page, both sign in, and the
approver can decide only the 教育 item of a case that also asks for 低保. Error pages (403, 404, 500) are
Chinese pages with a way back."""

import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import requests

from tests.conftest import LiveServer
from tests.e2e.conftest import shot
from tests.net import free_port
from tests.workflow.helpers import application_body, id_number
from yimen.bootstrap import build_services
from yimen.config import load_config
from yimen.domain.model import Actor
from yimen.domain.workflow import ACCEPT, CHECKED, FORWARD
from yimen.entrypoints.web.app import create_app
from yimen.ports import FixedClock
from yimen.services.applications.signing import Signing

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD, CLERK_PASSWORD, TEACHER_PASSWORD = "Chengguan2026a", "Baihe2026town", "Jiaoyu2026book"
VILLAGE, OTHER_TOWNSHIP_VILLAGE = "990102001001", "990102002001"  # 城关街道南门社区 / 白鹤镇白鹤村


def _yimen(data_dir: Path, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("yimen")), *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """A fresh production-like store: no demo data, only the county's regions and the first administrator."""
    data = tmp_path_factory.mktemp("county")
    _yimen(data, "regions", "import", str(ROOT / "docs/examples/regions-example.csv"))
    out = _yimen(
        data,
        "staff",
        "add",
        "admin0",
        "--name",
        "张三",
        "--role",
        "admin",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert "已添加 admin0（张三，管理员" in out
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = load_config(data, wechat_api_base=f"{base}/wx-sim/", public_base_url=base)
    services = build_services(config, clock=FixedClock(datetime(2026, 11, 25, 10, 0)))
    server = LiveServer(create_app(config, services), port)
    server.services = services
    yield server
    server.stop()


def _desk_page(browser, errors: list):
    """A township office PC; console errors go to `errors` (a 4xx/5xx page's own load failure excepted)."""
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    page.on(
        "console",
        lambda m: errors.append(m.text)
        if m.type == "error" and not m.text.startswith("Failed to load resource")
        else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def _login(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/staff/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


def _add(page, username: str, name: str, role: str, area: str, password: str, department: str = "") -> None:
    page.fill("#username", username)
    page.fill("#display_name", name)
    page.select_option("#role", role)
    page.select_option("#department", department)
    page.select_option("#area_code", area)
    page.fill("#password", password)
    page.fill("#password_again", password)
    page.click("form[action$='/staff/admin/staff/'] button[type=submit]")
    page.wait_for_load_state("load")


def _case_in_approval(services, items) -> str:
    """A citizen applies; the administrator takes it through 受理, 核对 and 督办 (any stage is hers)."""
    body = application_body(items=items)
    body["household"]["village_code"] = VILLAGE
    app, _ = services.submission.submit(Actor(kind="citizen", id="o-e2e-mixed"), body, "e2e-mixed-0001")
    admin = services.auth.staff_actor("admin0")
    sign = Signing(admin.name, ADMIN_PASSWORD)
    for phrase in (ACCEPT, "report", CHECKED, FORWARD):
        version = services.case_files.case(admin, app.id)[0].version
        if phrase == "report":
            services.decisions.run_check(admin, app.id, version)
        else:
            services.decisions.decide(admin, app.id, version, phrase, "", sign, identity_verified=True)
    return app.id


def test_admin_creates_a_clerk_and_an_education_approver_who_decides_only_her_item(browser, county):
    errors: list[str] = []
    admin = _desk_page(browser, errors)
    _login(admin, county.url, "admin0", ADMIN_PASSWORD)
    admin.click("text=工作人员")
    admin.wait_for_url("**/staff/admin/staff/")
    _add(admin, "window1", "李秀兰", "窗口受理", "990102001", CLERK_PASSWORD)
    assert "已添加 李秀兰（window1）" in admin.locator(".notice").inner_text()
    _add(admin, "jiaoyu1", "王老师", "部门审批", "990102", "abc", department="教育")  # too weak: said plainly
    assert "密码太简单" in admin.locator(".error-box").inner_text()
    _add(admin, "jiaoyu1", "王老师", "部门审批", "990102", TEACHER_PASSWORD, department="教育")
    table = admin.locator("table").inner_text()
    assert "李秀兰" in table and "城关街道" in table and "王老师" in table and "县教育局" in table
    shot(admin, "staff-admin-page")

    clerk = _desk_page(browser, errors)
    _login(clerk, county.url, "window1", CLERK_PASSWORD)
    assert "李秀兰（窗口受理，辖区 城关街道）" in clerk.locator("main").inner_text()

    app_id = _case_in_approval(county.services, ("dibao", "jiaoyu"))
    teacher = _desk_page(browser, errors)
    _login(teacher, county.url, "jiaoyu1", TEACHER_PASSWORD)
    teacher.goto(f"{county.url}/staff/cases/")
    teacher.locator("table a", has_text="办理").first.click()
    teacher.wait_for_load_state("load")
    parts = teacher.locator("#department-parts").inner_text()
    assert "县教育局" in parts and "县民政局" in parts
    forms = teacher.locator("form.decision")
    assert forms.count() == 1 and "教育" in forms.first.locator("h3").inner_text()
    form = forms.first
    form.locator("input[value='同意救助']").check()
    form.locator("input[name=amount_yuan]").fill("1000")
    form.locator("input[name=typed_name]").fill("王老师")
    form.locator("input[name=pin]").fill(TEACHER_PASSWORD)
    form.locator("button[type=submit]").click()
    teacher.wait_for_load_state("load")
    education_row = teacher.locator("#department-parts tbody[data-department='教育']").inner_text()
    assert "同意救助" in education_row and "1000.00" in education_row
    assert "待审批" in teacher.locator("#department-parts tbody[data-department='民政']").inner_text()
    shot(teacher, "staff-case-department-parts")

    # Nor by the staff API: 低保 is 民政's.
    token = requests.post(
        f"{county.url}/api/v1/staff/login", json={"username": "jiaoyu1", "password": TEACHER_PASSWORD}, timeout=10
    ).json()["token"]
    case = requests.get(
        f"{county.url}/api/v1/staff/cases/{app_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    refused = requests.post(
        f"{county.url}/api/v1/staff/cases/{app_id}/actions",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
        json={
            "step": "decide_item",
            "item_code": "dibao",
            "phrase": "同意救助",
            "amount_fen": 50000,
            "version": case["version"],
            "typed_name": "王老师",
            "pin": TEACHER_PASSWORD,
        },
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "OTHER_DEPARTMENT"
    for context in (admin.context, clerk.context, teacher.context):
        context.close()
    assert not errors, f"console errors: {errors}"


def test_403_404_and_500_are_chinese_pages(browser, county):
    errors: list[str] = []
    page = _desk_page(browser, errors)
    services = county.services
    body = application_body()
    body["household"]["village_code"] = OTHER_TOWNSHIP_VILLAGE
    body["household"]["members"] = body["household"]["members"][:1]
    body["household"]["members"][0]["id_number"] = id_number("19500303", "03")
    app, _ = services.submission.submit(Actor(kind="citizen", id="o-e2e-other"), body, "e2e-other-0001")
    _login(page, county.url, "window1", CLERK_PASSWORD)  # 城关街道: 白鹤镇's households are not hers

    answer = page.goto(f"{county.url}/staff/households/{app.household_id}")
    assert answer.status == 403
    assert "没有权限" in page.locator("h1").inner_text()
    assert "该户不在您的管辖范围内" in page.locator("main").inner_text()
    assert page.get_attribute("a.btn >> nth=0", "href") == "/staff/"
    assert "OUT_OF_AREA" not in page.content()
    shot(page, "error-403")

    answer = page.goto(f"{county.url}/staff/cases/no-such-case")
    assert answer.status == 404 and "找不到该申请" in page.locator("main").inner_text()
    answer = page.goto(f"{county.url}/no-such-page")
    assert answer.status == 404 and "找不到这个页面" in page.locator("h1").inner_text()
    shot(page, "error-404")

    _, household = services.case_files.case(services.auth.staff_actor("admin0"), _case_in_village(services))
    with sqlite3.connect(services.config.database) as conn:  # a record damaged in the store
        doc = json.loads(conn.execute("SELECT doc FROM households WHERE id = ?", (household.id,)).fetchone()[0])
        doc["members"][0]["work_capacity"] = "无法识别的值"
        conn.execute("UPDATE households SET doc = ? WHERE id = ?", (json.dumps(doc), household.id))
    answer = page.goto(f"{county.url}/staff/households/{household.id}")
    assert answer.status == 500
    text = page.locator("main").inner_text()
    assert "系统出了点问题" in text and "参考编号" in text
    assert len(page.locator("#error-reference").inner_text()) == 8
    shot(page, "error-500")
    page.context.close()
    assert not errors, f"console errors: {errors}"


def _case_in_village(services) -> str:
    """One more household in the clerk's own township, filed by a citizen's application."""
    body = application_body(head_name="测试丙", head_id=id_number("19400404", "04"))
    body["household"]["village_code"] = "990102001002"
    body["household"]["members"] = body["household"]["members"][:1]
    app, _ = services.submission.submit(Actor(kind="citizen", id="o-e2e-own"), body, "e2e-own-00001")
    return app.id
