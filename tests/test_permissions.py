"""The one permission policy (domain/permissions.py): the table, the area rule, and that the staff console's
menus follow it rather than comparing role names in templates."""

import re
from pathlib import Path

import pytest

from yimen.domain.errors import Forbidden
from yimen.domain.model import SYSTEM, Actor, Role
from yimen.domain.permissions import POLICY, Action, may, require

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def clerk(role: Role, area: str = "321001") -> Actor:
    return Actor(kind="staff", id="someone", name="某某", role=role, area_code=area)


def test_every_action_has_a_row_and_the_administrator_may_take_it():
    assert set(POLICY) == set(Action)
    admin = clerk(Role.ADMIN, "")
    assert all(may(admin, action, "32100101") for action in Action)


def test_citizens_and_the_system_are_never_staff():
    citizen = Actor(kind="citizen", id="openid-1")
    for actor in (citizen, SYSTEM):
        assert not any(may(actor, action) for action in Action)
        with pytest.raises(Forbidden) as refused:
            require(actor, Action.CASES_READ)
        assert refused.value.code == "ROLE_REQUIRED"


def test_money_moves_through_two_desks():
    centre, finance, discipline = clerk(Role.CENTRE), clerk(Role.FINANCE), clerk(Role.DISCIPLINE)
    assert may(centre, Action.FUNDS_REVIEW) and not may(centre, Action.FUNDS_APPROVE)
    assert may(finance, Action.FUNDS_APPROVE) and may(finance, Action.FUNDS_PAY)
    assert not may(finance, Action.FUNDS_REVIEW)
    assert may(discipline, Action.FUNDS_READ) and not may(discipline, Action.FUNDS_PAY)
    with pytest.raises(Forbidden) as refused:
        require(centre, Action.FUNDS_PAY)
    assert refused.value.code == "ROLE_REQUIRED" and refused.value.message == "此操作需要财政岗位"


def test_staff_act_only_inside_their_area():
    township = clerk(Role.WINDOW, "321001")
    assert may(township, Action.HOUSEHOLD_EDIT, "32100105")
    assert not may(township, Action.HOUSEHOLD_EDIT, "32100205")
    with pytest.raises(Forbidden) as refused:
        require(township, Action.HOUSEHOLD_EDIT, "32100205")
    assert refused.value.code == "OUT_OF_AREA" and "管辖范围" in refused.value.message
    assert may(clerk(Role.CENTRE, "3210"), Action.HOUSEHOLD_EDIT, "32100205")


def test_templates_ask_the_policy_and_never_compare_role_labels():
    labels = "|".join(r.value for r in Role)
    asked = set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"{%-?\s*(?:el)?if.*?%}", text, flags=re.S):
            assert "actor.role" not in block and not re.search(f"[\"']({labels})[\"']", block), (path.name, block)
        asked |= set(re.findall(r"""can\(["']([a-z_.]+)["']""", text))
    assert asked and asked <= {a.value for a in Action}


# (demo account, the console menu entries it sees): from the table, not from the template
MENUS = {
    "window1": {"主动发现"},
    "supervise1": {"主动发现", "超时清单"},
    "centre": {"主动发现", "资金拨付", "幸福清单打印", "超时清单"},
    "finance": {"资金拨付"},
    "discipline": {"超时清单", "在线举报"},
    "admin": {"主动发现", "资金拨付", "幸福清单打印", "工作人员", "超时清单", "在线举报"},
}
GUARDED = {"主动发现", "资金拨付", "幸福清单打印", "工作人员", "超时清单", "在线举报"}


@pytest.mark.parametrize("username", sorted(MENUS))
def test_the_console_menu_follows_the_policy(staff_client, username):
    page = staff_client(username).get("/staff/cases/").get_data(as_text=True)
    shown = {entry for entry in GUARDED if re.search(rf">{entry}</a>", page)}
    assert shown == MENUS[username]


def test_the_staff_api_says_what_the_role_may_do(client, seeded):
    answer = client.post("/api/v1/staff/login", json={"username": "finance", "password": "yimen-demo-2026"})
    body = answer.get_json()
    assert body["role"] == "财政" and body["area_code"] == "990101"
    assert set(body["may"]) == {
        "cases.read",
        "funds.read",
        "funds.approve",
        "funds.pay",
        "funds.slip_history",
        "payee.missing",
    }
