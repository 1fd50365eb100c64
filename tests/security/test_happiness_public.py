"""Finding 6: whoever scans a household's printed 幸福码 sees the aid and masked names, nothing of health,
disability, age, relation, ID numbers, address or phone. The owner still sees it all."""

from datetime import date

from yimen.domain.model import AidRecord, Household, Member, Relation
from yimen.services.happiness.lists import ensure_token


def _family(seeded) -> tuple[Household, str]:
    household = Household(
        village_code="990101002001",
        address="示范县青山乡青山村3组12号",
        phone="13877776543",
        members=[
            Member(
                "张建国",
                "990101195003041232",
                Relation.HEAD,
                date(1950, 3, 4),
                "男",
                disability_type="视力",
                disability_grade=1,
            ),
            Member("李秀英", "990101195210101226", Relation.SPOUSE, date(1952, 10, 10), "女"),
        ],
        owner_openid="o-family-owner",
    )
    with seeded.uow() as uow:
        uow.households.add(household)
        uow.aid_records.add(
            AidRecord(
                household_id=household.id,
                item_code="canji-shenghuo",
                item_name="困难残疾人生活补贴",
                department="县残联",
                measure="按月发放",
                amount_fen=9000,
                paid_on=date(2026, 10, 10),
                source="t",
                source_ref="1",
            )
        )
        return household, ensure_token(uow, household.id, "2026-11-25T10:00:00")


def test_a_stranger_scanning_the_code_sees_no_health_or_disability(client, seeded):
    household, token = _family(seeded)
    html = client.get(f"/h/{token}").get_data(as_text=True)
    assert "困难残疾人生活补贴" in html and "90.00" in html  # the aid list is what the code is for
    assert "张**" in html and "李**" in html
    for private in (
        "视力",
        "残疾一级",
        "残疾类别",
        "76岁",
        "74岁",
        "户主）",
        "配偶",
        "1232",
        "1226",
        "3组12号",
        "青山村",
        "6543",
        "张建国",
        "李秀英",
    ):
        assert private not in html, private
