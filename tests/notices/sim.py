"""Helpers shared by the notices and funds tests: synthetic households and the WeChat imitation."""

from datetime import date

import requests

from yimen.domain.model import Household, Member, Relation

VILLAGE = "990101001001"


def add_household(
    services, n: int, *, openid: str | None = None, phone: str | None = "13800000000", bank_card: str | None = None
) -> Household:
    """A one-person household with synthetic identity numbers (not valid real ones)."""
    head = Member(
        name=f"测试{n:03d}号",
        id_number=f"51170219700101{n:04d}",
        relation=Relation.HEAD,
        birth_date=date(1970, 1, 1),
        gender="男",
    )
    household = Household(
        village_code=VILLAGE,
        address=f"示范村{n}组",
        members=[head],
        phone=phone,
        bank_card=bank_card or f"6217000000000{n:06d}",
        bank_name="示范农商银行",
        owner_openid=openid,
    )
    with services.uow() as uow:
        uow.households.add(household)
    return household


class Imitation:
    def __init__(self, base: str):
        self.base = base + "/wx-sim/_sim"

    def reset(self) -> None:
        requests.post(self.base + "/reset", timeout=5).raise_for_status()

    def messages(self) -> list[dict]:
        return requests.get(self.base + "/messages", timeout=5).json()["messages"]

    def refuse(self, openid: str) -> None:
        requests.post(self.base + "/refuse", json={"openid": openid}, timeout=5).raise_for_status()

    def faults(self, *faults: dict) -> None:
        requests.post(self.base + "/faults", json={"faults": list(faults)}, timeout=5).raise_for_status()
