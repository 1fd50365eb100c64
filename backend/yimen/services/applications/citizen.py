"""What a citizen reads of her applications: her list, one case, the account the money goes to, what she
may still change; and the public status lookup by ID number and name.
"""

from __future__ import annotations

from collections.abc import Callable

from yimen.domain import idcard
from yimen.domain.model import Actor, Household
from yimen.domain.workflow import Application
from yimen.ports import UnitOfWork
from yimen.services.applications.cases import citizen_app, household_of, may_correct_file, may_revoke
from yimen.services.funds.payees import payee_view
from yimen.services.notices.outbox import HOW_TO_GIVE_ACCOUNT

STATUS_LOOKUP_MISS = "未查到与该身份证号和姓名相符的申请。请核对后重试，或到乡镇（街道）社会救助窗口咨询。"


class CitizenCases:
    def __init__(self, *, uow: Callable[[], UnitOfWork]):
        self.uow = uow

    def mine(self, actor: Actor) -> list[tuple[Application, dict | None]]:
        """Applications I submitted, and those an assistant submitted for my household, newest first. Each comes
        with the resident (masked) when I applied for them as 协理员."""
        with self.uow() as uow:
            own = {
                a.id: a
                for a in uow.applications.list_for_applicant(actor.id)
                if not (a.assistant and a.assistant.revoked_at)
            }
            for household in uow.households.find_by_owner(actor.id):
                own.update({a.id: a for a in uow.applications.list_for_household(household.id)})
        apps = sorted(own.values(), key=lambda a: a.submitted_at, reverse=True)
        return [(a, a.assistant.resident if a.assistant and a.assistant.openid == actor.id else None) for a in apps]

    def get(self, actor: Actor, app_id: str) -> Application:
        with self.uow() as uow:
            return citizen_app(uow, actor, app_id)

    def payee(self, actor: Actor, app_id: str) -> dict | None:
        """The household's account, masked, for the status page: where the money will go, or that an
        account is still needed. Not shown to a submitter the window has yet to identify."""
        with self.uow() as uow:
            app = citizen_app(uow, actor, app_id)
            household = household_of(uow, app)
        if household.owner_openid != actor.id and app.identity_check:
            return None
        return payee_view(household) or {"usable": False, "problem": "还没有登记收款账户", "how": HOW_TO_GIVE_ACCOUNT}

    def may_revoke(self, actor: Actor, app: Application) -> bool:
        with self.uow() as uow:
            return may_revoke(actor, app, household_of(uow, app))

    def correctable_file(self, actor: Actor, app: Application) -> Household | None:
        """The household whose incomes this citizen may change in a 补正, if any."""
        with self.uow() as uow:
            household = household_of(uow, app)
        return household if may_correct_file(actor, app, household) else None

    def lookup(self, id_number: str, name: str) -> dict:
        """达川-style lookup by ID number, made safe: the name must match, only stages are shown, and an
        unknown ID, a wrong name and a person without applications all get the very same answer."""
        number = idcard.normalize_number(id_number)
        with self.uow() as uow:
            household = uow.households.find_by_id_number(number) if idcard.is_valid_number(number) else None
            match = household is not None and any(
                m.id_number == number and m.name == name.strip() for m in household.members
            )
            apps = uow.applications.list_for_household(household.id) if household and match else []
        if not apps:
            return {"found": False, "applications": [], "message": STATUS_LOOKUP_MISS}
        return {
            "found": True,
            "message": "查询到以下申请（仅显示办理环节）",
            "applications": [{"stage": a.stage.value} for a in apps],
        }
