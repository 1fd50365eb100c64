"""Staff and departments: the first administrator from an empty store by the `yimen staff` command, the
console's 工作人员 page, password strength, forced change after a reset, sessions that end, and 协同办理
(each department approves only its own items)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import login_staff
from tests.workflow.helpers import act, application_body, case_page, decide, submit
from yimen.bootstrap import build_services
from yimen.config import load_config
from yimen.domain.errors import Forbidden, ValidationError
from yimen.domain.workflow import GRANT, Application, RequestedItem, Stage

STRONG = "Qingshan2026x"


def yimen(data_dir, *args, stdin: str = ""):
    """The installed `yimen` command, as an operator types it on the server."""
    command = Path(sys.executable).with_name("yimen")
    return subprocess.run(
        [str(command), *args, "--data-dir", str(data_dir)], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_first_administrator_on_an_empty_store_then_the_rest_by_command(tmp_path):
    data = tmp_path / "prod"
    listed = yimen(data, "staff", "list")
    assert listed.returncode == 0 and "还没有工作人员" in listed.stdout
    weak = yimen(data, "staff", "add", "admin0", "--name", "张三", "--role", "admin", "--password-stdin", stdin="123\n")
    assert weak.returncode == 1 and "密码太简单" in weak.stderr
    added = yimen(
        data, "staff", "add", "admin0", "--name", "张三", "--role", "admin", "--password-stdin", stdin=STRONG + "\n"
    )
    assert added.returncode == 0, added.stderr
    assert "已添加 admin0（张三，管理员" in added.stdout
    no_regions = yimen(
        data,
        "staff",
        "add",
        "window1",
        "--name",
        "李四",
        "--role",
        "window",
        "--area",
        "990101001",
        "--password-stdin",
        stdin=STRONG + "\n",
    )
    assert no_regions.returncode == 1 and "yimen regions import" in no_regions.stderr
    reset = yimen(data, "staff", "reset-password", "admin0")
    temporary = re.search(r"临时密码.*：(\S+)", reset.stdout).group(1)
    services = build_services(load_config(data))
    auth_user = services_login(services, "admin0", temporary)
    assert auth_user.must_change_password
    assert yimen(data, "staff", "disable", "admin0", "--reason", "调离").returncode == 0
    assert "已停用" in yimen(data, "staff", "list").stdout
    assert yimen(data, "audit", "anchor").returncode == 0  # what the schedule does every 15 minutes
    assert yimen(data, "audit", "verify").returncode == 0


def services_login(services, username, password):
    return services.auth.staff_login(username, password)


def _form(client, path):
    page = client.get(path).get_data(as_text=True)
    return page, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_admin_page_adds_a_clerk_who_must_keep_to_her_area(app, seeded):
    admin = login_staff(app.test_client(), "admin")
    page, csrf = _form(admin, "/staff/admin/staff/")
    assert "工作人员管理" in page and "jiaoyu" in page  # the demo county's department approvers are listed
    weak = admin.post(
        "/staff/admin/staff/",
        data={
            "csrf": csrf,
            "username": "window9",
            "display_name": "赵窗口",
            "role": "窗口受理",
            "area_code": "990101002",
            "department": "",
            "phone": "",
            "password": "abc",
            "password_again": "abc",
        },
    )
    assert weak.status_code == 400 and "密码太简单" in weak.get_data(as_text=True)
    added = admin.post(
        "/staff/admin/staff/",
        data={
            "csrf": csrf,
            "username": "window9",
            "display_name": "赵窗口",
            "role": "窗口受理",
            "area_code": "990101002",
            "department": "",
            "phone": "13912345678",
            "password": STRONG,
            "password_again": STRONG,
        },
    )
    assert added.status_code == 303
    listing = admin.get("/staff/admin/staff/").get_data(as_text=True)
    assert "139****5678" in listing and "13912345678" not in listing
    clerk = login_staff(app.test_client(), "window9", STRONG)
    assert "青山乡" in clerk.get("/staff/").get_data(as_text=True)
    assert clerk.get("/staff/admin/staff/").status_code == 403  # not an administrator


def test_reset_forces_a_new_password_and_ends_the_old_session(app, seeded):
    clerk = login_staff(app.test_client(), "window1")
    admin = login_staff(app.test_client(), "admin")
    _, csrf = _form(admin, "/staff/admin/staff/window1")
    reset = admin.post("/staff/admin/staff/window1/reset-password", data={"csrf": csrf}).get_data(as_text=True)
    temporary = re.search(r'id="temporary-password">([^<]+)<', reset).group(1)
    ended = clerk.get("/staff/")
    assert ended.status_code == 302 and "ended=1" in ended.location
    again = login_staff(app.test_client(), "window1", temporary)
    assert again.get("/staff/cases/").location.endswith("/staff/password")  # nothing else before a new password
    page, csrf = _form(again, "/staff/password")
    assert "已被管理员重置" in page
    changed = again.post(
        "/staff/password",
        data={"csrf": csrf, "current_password": temporary, "new_password": STRONG, "new_password_again": STRONG},
    )
    assert changed.status_code == 302
    assert again.get("/staff/cases/").status_code == 200
    with seeded.uow() as uow:
        actions = [e.action for e in uow.audit.iter_all() if e.object_id == "window1"]
    assert actions[-4:] == ["staff_reset_password", "login", "password_change", "logout"]  # old session closed


def test_disabling_ends_the_session_and_refuses_sign_in(app, seeded):
    clerk = login_staff(app.test_client(), "window2")
    admin = login_staff(app.test_client(), "admin")
    _, csrf = _form(admin, "/staff/admin/staff/window2")
    admin.post("/staff/admin/staff/window2/active", data={"csrf": csrf, "active": "0", "reason": "调离"})
    ended = clerk.get("/staff/")
    assert ended.status_code == 302 and "ended=1" in ended.location
    assert "您的登录已结束" in clerk.get(ended.location).get_data(as_text=True)
    refused = app.test_client()
    _, csrf = _form(refused, "/staff/login")
    answer = refused.post("/staff/login", data={"csrf": csrf, "username": "window2", "password": "yimen-demo-2026"})
    assert answer.status_code == 401 and "已停用" in answer.get_data(as_text=True)
    with seeded.uow() as uow:
        disabled = [e for e in uow.audit.iter_all() if e.action == "staff_disable"]
    assert disabled[-1].actor == "staff:admin" and disabled[-1].reason == "调离"


def test_an_approver_must_name_a_known_department(app, seeded):
    from yimen.domain.model import Actor, Role
    from yimen.services.staff.accounts import StaffChanges

    service = seeded.staff
    cli = Actor(kind="system", id="cli")
    with pytest.raises(ValidationError) as caught:
        service.add(cli, "jy2", StaffChanges("钱老师", Role.APPROVER, "990101"), STRONG)
    assert caught.value.code == "DEPARTMENT_REQUIRED"
    with pytest.raises(ValidationError) as caught:
        service.add(cli, "jy2", StaffChanges("钱老师", Role.APPROVER, "990101", "教委"), STRONG)
    assert "教育" in caught.value.message


def test_each_department_decides_only_its_items_in_parallel():
    """协同办理 in the domain: 教育 and 民政 each decide their own item, in either order."""
    from datetime import datetime

    at = datetime(2026, 11, 25, 10)
    app = Application(
        "h1",
        "990101001001",
        "o1",
        [
            RequestedItem("dibao", "最低生活保障", "县民政局", "民政"),
            RequestedItem("jiaoyu", "教育资助", "县教育局", "教育"),
        ],
        at,
    )
    app.stage = Stage.APPROVAL
    with pytest.raises(Forbidden) as caught:
        app.decide_item("dibao", GRANT, at=at, actor="staff:jiaoyu", actor_name="", amount_fen=100, department="教育")
    assert "县民政局" in caught.value.message
    app.decide_item("jiaoyu", GRANT, at=at, actor="staff:jiaoyu", actor_name="", amount_fen=100, department="教育")
    assert app.stage == Stage.APPROVAL and not app.awaits("教育") and app.awaits("民政")
    app.decide_item("dibao", GRANT, at=at, actor="staff:approver", actor_name="", amount_fen=100, department="民政")
    assert app.stage == Stage.FILING


def test_console_shows_each_departments_part_and_queues_only_her_own(client, citizen_headers, staff_client):
    app_id = submit(client, citizen_headers, application_body(items=("dibao", "jiaoyu"))).get_json()["id"]
    window, supervisor = staff_client("window1"), staff_client("supervise1")
    decide(window, app_id, "同意受理")
    checking = staff_client("checking")
    act(checking, app_id, "check", {})
    decide(checking, app_id, "核对完成")
    decide(supervisor, app_id, "同意转审批")
    education = staff_client("jiaoyu")
    page = case_page(education, app_id)
    assert "协同办理" in page and "县教育局" in page and "县民政局" in page
    assert f"/staff/cases/{app_id}/items/jiaoyu" in page and "/items/dibao" not in page
    assert app_id in education.get("/staff/cases/").get_data(as_text=True)
    refused = act(education, app_id, "items/dibao", {"phrase": "同意救助", "amount_yuan": "500"})
    assert refused.status_code == 403 and "由县民政局审批" in refused.get_data(as_text=True)
    granted = act(education, app_id, "items/jiaoyu", {"phrase": "同意救助", "amount_yuan": "1000"})
    assert granted.status_code == 303
    assert app_id not in education.get("/staff/cases/").get_data(as_text=True)  # her part is done
    assert app_id in staff_client("approver").get("/staff/cases/").get_data(as_text=True)


def test_staff_api_login_asks_for_a_new_password_after_a_reset(client, seeded):
    from yimen.domain.model import Actor

    temporary = seeded.staff.reset_password(Actor(kind="system", id="cli"), "window3")
    refused = client.post("/api/v1/staff/login", json={"username": "window3", "password": temporary})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "PASSWORD_CHANGE_REQUIRED"
    weak = client.post(
        "/api/v1/staff/password", json={"username": "window3", "current_password": temporary, "new_password": "abc"}
    )
    assert weak.status_code == 400 and "密码太简单" in weak.get_json()["error"]["message"]
    changed = client.post(
        "/api/v1/staff/password", json={"username": "window3", "current_password": temporary, "new_password": STRONG}
    )
    assert changed.status_code == 200
    headers = {"Authorization": f"Bearer {changed.get_json()['token']}"}
    assert client.get("/api/v1/staff/cases", headers=headers).status_code == 200
    seeded.staff.set_active(Actor(kind="system", id="cli"), "window3", False)
    assert client.get("/api/v1/staff/cases", headers=headers).status_code == 401
