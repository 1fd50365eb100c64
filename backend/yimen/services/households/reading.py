"""户: reading household files with area scoping and masking applied for the audience."""

from collections.abc import Callable

from yimen.domain.errors import NotFound
from yimen.domain.masking import mask_bank_card, mask_id_number, mask_name, mask_phone
from yimen.domain.model import Actor, AuditEvent, Household
from yimen.domain.permissions import require_area
from yimen.ports import Clock, Page, UnitOfWork


def household_view(h: Household, today, *, unmasked: bool = False) -> dict:
    """The JSON shape of a household. Masked unless its owner is looking."""
    keep = (lambda v: v or "") if unmasked else None
    return {
        "id": h.id,
        "village_code": h.village_code,
        "address": h.address,
        "phone": keep(h.phone) if keep else mask_phone(h.phone),
        "bank_card": keep(h.bank_card) if keep else mask_bank_card(h.bank_card),
        "cadre_name": h.cadre_name,
        "housing": h.housing,
        "monthly_income_per_capita_fen": h.monthly_income_per_capita_fen(),
        "members": [
            {
                "name": m.name if unmasked else mask_name(m.name),
                "id_number": m.id_number if unmasked else mask_id_number(m.id_number),
                "relation": m.relation.value,
                "age": m.age_on(today),
                "gender": m.gender,
                "disability_type": m.disability_type,
                "disability_grade": m.disability_grade,
                "work_capacity": m.work_capacity.value,
                "school": m.school,
                "monthly_income_fen": m.monthly_income_total_fen,
            }
            for m in h.members
        ],
    }


class HouseholdService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock):
        self.uow, self.clock = uow, clock

    def get_for(self, actor: Actor, household_id: str) -> Household:
        """Staff see households in their area; citizens only their own. Others get the same 404."""
        with self.uow() as uow:
            household = uow.households.get(household_id)
            if household is None or (actor.kind == "citizen" and household.owner_openid != actor.id):
                raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
            require_area(actor, household.village_code)
            if actor.kind == "staff":
                uow.audit.append(
                    AuditEvent(
                        actor=actor.label,
                        object_type="household",
                        object_id=household_id,
                        action="view",
                        at=self.clock.now(),
                    )
                )
            return household

    def list_for(self, actor: Actor, cursor: str | None = None, limit: int = 50) -> Page[Household]:
        with self.uow() as uow:
            return uow.households.list_in_area(actor.area_code, limit=limit, cursor=cursor)

    def owned_by(self, openid: str) -> list[Household]:
        with self.uow() as uow:
            return uow.households.find_by_owner(openid)
