"""Who may do what, where: the one permission policy. Pure.

A staff member may take an action when her role is in the action's row of POLICY (管理员 may take every
action), and only inside her area: a county, township or village code covers every region code it
prefixes. Citizens and the system are not staff: they never pass a role check, and the area rule does
not apply to them (their own services scope them). Services call `require`; the staff console and the
JSON API reach the rule through the services, and templates ask `can("funds.review")` (entrypoints/web/app.py).
Which role decides a case at each stage is the workflow's own table (workflow.STAGE_ROLE)."""

from enum import StrEnum

from yimen.domain.errors import Forbidden
from yimen.domain.model import Actor, Role, area_contains

W, K, S, A = Role.WINDOW, Role.CHECKING, Role.SUPERVISION, Role.APPROVER
C, F, D = Role.CENTRE, Role.FINANCE, Role.DISCIPLINE


class Action(StrEnum):
    CASES_READ = "cases.read"  # the queues, a case, the dashboard
    CASE_MATERIALS = "case.materials"  # ID photos and signed forms
    CASE_DECIDE_ITEM = "case.decide_item"  # 审批: one aid item of her department
    CASE_GREEN = "case.green"  # 绿色通道, and co-signing one
    CASE_CHECK_REPORT = "case.check_report"
    CASE_ID_CHECK = "case.id_check"  # read the ID photo (OCR) against the household head
    CASE_PROPOSE = "case.propose"  # add an aid item the duplicate-aid advice suggests
    CASES_OVERDUE = "cases.overdue"
    COMPLAINTS = "complaints.handle"
    FUNDS_READ = "funds.read"  # slips, batches, reconciliation reports
    FUNDS_REVIEW = "funds.review"  # 审核通过，提交财政
    FUNDS_APPROVE = "funds.approve"  # 同意拨付 / 退回救助中心
    FUNDS_PAY = "funds.pay"  # payment files out, bank results in, half-done exports undone
    SLIP_HISTORY = "funds.slip_history"
    PAYEE_EDIT = "payee.edit"  # with the paper 一卡通 in hand
    PAYEE_MISSING = "payee.missing"
    OUTREACH = "outreach.work"  # the worklist: screen, read, close entries
    OUTREACH_APPLY = "outreach.apply"  # start an application from an entry
    HOUSEHOLD_EDIT = "household.edit"  # 受理 keeps the file; 核对 corrects it from data
    HOUSEHOLD_BIND = "household.bind"  # issue a one-time binding code
    HAPPINESS_ROTATE = "happiness.rotate"
    HAPPINESS_PRINT = "happiness.print"
    NOTICES_DEAD = "notices.dead"  # notices that could not be sent, and sending them again
    STAFF_MANAGE = "staff.manage"  # accounts of staff


POLICY: dict[Action, tuple[Role, ...]] = {
    Action.CASES_READ: tuple(Role),
    Action.CASE_MATERIALS: (W, K, S, A, C),
    Action.CASE_DECIDE_ITEM: (A,),
    Action.CASE_GREEN: (W, C),
    Action.CASE_CHECK_REPORT: (K,),
    Action.CASE_ID_CHECK: (W, C),
    Action.CASE_PROPOSE: (W, K, S, C),
    Action.CASES_OVERDUE: (D, C, S),
    Action.COMPLAINTS: (D,),
    Action.FUNDS_READ: (C, F, D),
    Action.FUNDS_REVIEW: (C,),
    Action.FUNDS_APPROVE: (F,),
    Action.FUNDS_PAY: (F,),
    Action.SLIP_HISTORY: (C, F, D, W),
    Action.PAYEE_EDIT: (W, C),
    Action.PAYEE_MISSING: (W, C, F, D),
    Action.OUTREACH: (W, S, C),
    Action.OUTREACH_APPLY: (W,),
    Action.HOUSEHOLD_EDIT: (W, K, C),
    Action.HOUSEHOLD_BIND: (W, C),
    Action.HAPPINESS_ROTATE: (W, S, C),
    Action.HAPPINESS_PRINT: (C,),
    Action.NOTICES_DEAD: (C,),
    Action.STAFF_MANAGE: (Role.ADMIN,),
}


def role_may(role: Role | None, action: Action) -> bool:
    return role == Role.ADMIN or role in POLICY[action]


def actions_of(role: Role) -> list[Action]:
    """Every action the role may take (inside its area), for a client deciding what to offer."""
    return [action for action in Action if role_may(role, action)]


def in_area(actor: Actor, region_code: str) -> bool:
    return actor.kind != "staff" or area_contains(actor.area_code, region_code)


def may(actor: Actor, action: Action, region_code: str | None = None) -> bool:
    """Whether `actor` may take `action` (on something in `region_code`, when given)."""
    return (
        actor.kind == "staff" and role_may(actor.role, action) and (region_code is None or in_area(actor, region_code))
    )


def require(actor: Actor, action: Action, region_code: str | None = None) -> None:
    """Refuse with a stable code and a plain-Chinese reason: the role first, then the area."""
    require_role(actor, *POLICY[action])
    if region_code is not None:
        require_area(actor, region_code)


def require_role(actor: Actor, *roles: Role) -> None:
    """The role check itself, for the stage's own role (workflow.STAGE_ROLE) and a co-signer's."""
    if actor.kind != "staff" or (actor.role not in roles and actor.role != Role.ADMIN):
        if set(roles) == set(Role):
            raise Forbidden("ROLE_REQUIRED", "仅限工作人员")
        raise Forbidden("ROLE_REQUIRED", f"此操作需要{'、'.join(r.value for r in roles)}岗位")


def require_area(actor: Actor, region_code: str) -> None:
    """Staff act only inside their own area."""
    if not in_area(actor, region_code):
        raise Forbidden("OUT_OF_AREA", "该户不在您的管辖范围内")
