"""示范县: a fictional demo county with synthetic households and staff. Nobody here is real:
region code 990101 is outside GB/T 2260, so no ID number generated here can belong to a person."""

import random
from collections.abc import Callable
from datetime import date, timedelta

from yimen.domain.departments import DEPARTMENTS
from yimen.domain.model import (
    SYSTEM,
    AidRecord,
    AuditEvent,
    Household,
    Member,
    Region,
    RegionLevel,
    Relation,
    Role,
    StaffUser,
    WorkCapacity,
)
from yimen.ports import Clock, UnitOfWork
from yimen.services.bulk import units
from yimen.services.staff.auth import hash_password
from yimen.services.staff.regions import county_regions
from yimen.services.staff.regions import save as save_regions

COUNTY = Region("990101", "示范县", RegionLevel.COUNTY)
TOWNSHIPS = {
    "990101001": ("城关镇", ["东街社区", "西街社区", "柳树村", "石桥村"]),
    "990101002": ("青山乡", ["青山村", "竹林村", "高坪村"]),
    "990101003": ("河口镇", ["河口社区", "沙坝村", "龙井村"]),
}
DEMO_PASSWORD = "yimen-demo-2026"
DEPARTMENT_APPROVERS = [
    ("jiaoyu", "教育", "孙审批员"),
    ("yibao", "医保", "钱审批员"),
    ("zhujian", "住建", "李审批员"),
    ("canlian", "残联", "何审批员"),
    ("renshe", "人社", "林审批员"),
    ("yingji", "应急", "罗审批员"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈"
GIVEN = "秀兰桂英玉华建国德明志强春梅丽娟海燕红霞文斌永福淑珍金凤小军子涵浩然欣怡宇轩梓萱家豪思远雨桐"
DISABILITIES = ["视力", "听力", "言语", "肢体", "智力", "精神"]


def regions() -> list[Region]:
    out = [COUNTY]
    for t_code, (t_name, villages) in TOWNSHIPS.items():
        out.append(Region(t_code, t_name, RegionLevel.TOWNSHIP, COUNTY.code))
        out += [Region(f"{t_code}{i:03d}", v, RegionLevel.VILLAGE, t_code) for i, v in enumerate(villages, 1)]
    return out


def region_name(code: str) -> str:
    names = {r.code: r.name for r in regions()}
    return "".join(names.get(code[:n], "") for n in (6, 9, 12) if len(code) >= n)


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 mod 11-2."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def synthetic_id_number(rng: random.Random, birth: date, gender: str, taken: set[str]) -> str:
    while True:
        parity = rng.choice("13579" if gender == "男" else "02468")  # 17th digit: odd men, even women
        first17 = f"{COUNTY.code}{birth:%Y%m%d}{rng.randrange(100):02d}{parity}"
        number = first17 + id_check_digit(first17)
        if number not in taken:
            taken.add(number)
            return number


ITEMS_PER_HOUSEHOLD = 12  # the household, up to 4 member ID items, 3 aid records of 2 items each


def staff_accounts() -> list[tuple[str, str, Role, str, str | None]]:
    """(username, display name, role, area, department)."""
    accounts = [
        ("admin", "系统管理员", Role.ADMIN, COUNTY.code, None),
        ("centre", "县救助中心 周主任", Role.CENTRE, COUNTY.code, "民政"),
        ("checking", "县核对办 吴科员", Role.CHECKING, COUNTY.code, None),
        ("approver", "县民政局 郑审批员", Role.APPROVER, COUNTY.code, "民政"),
        ("finance", "县财政局 钱会计", Role.FINANCE, COUNTY.code, "财政"),
        ("discipline", "县纪委监委 冯监督员", Role.DISCIPLINE, COUNTY.code, None),
    ]
    # 协同办理: one approver in each other department that decides catalogue items
    accounts += [
        (username, f"{DEPARTMENTS[dept]} {name}", Role.APPROVER, COUNTY.code, dept)
        for username, dept, name in DEPARTMENT_APPROVERS
    ]
    for n, (code, (name, _)) in enumerate(TOWNSHIPS.items(), 1):
        accounts.append((f"window{n}", f"{name}受理窗口", Role.WINDOW, code, None))
        accounts.append((f"supervise{n}", f"{name}督办员", Role.SUPERVISION, code, None))
    return accounts


def _member(rng: random.Random, relation: Relation, age: int, today: date, surname: str, taken: set[str]) -> Member:
    gender = rng.choice("男女")
    birth = today - timedelta(days=age * 365 + rng.randrange(0, 365))
    disabled = rng.random() < 0.12
    earning = 18 <= age < 60 and not disabled
    return Member(
        name=surname + "".join(rng.sample(GIVEN, rng.choice([1, 2]))),
        id_number=synthetic_id_number(rng, birth, gender, taken),
        relation=relation,
        birth_date=birth,
        gender=gender,
        disability_type=rng.choice(DISABILITIES) if disabled else None,
        disability_grade=rng.randint(1, 4) if disabled else None,
        work_capacity=WorkCapacity.FULL
        if earning
        else (WorkCapacity.NONE if disabled or age >= 70 else WorkCapacity.PARTIAL),
        school=("小学" if age < 12 else "初中" if age < 15 else "高中") if 6 <= age < 18 else None,
        monthly_income_fen={"工资性收入": rng.randrange(0, 250000, 100)} if earning else {},
    )


def synthetic_household(
    rng: random.Random, village_code: str, today: date, number: int, taken: set[str] | None = None
) -> Household:
    taken = set() if taken is None else taken
    surname = rng.choice(SURNAMES)
    head_age = rng.randint(30, 92)
    members = [_member(rng, Relation.HEAD, head_age, today, surname, taken)]
    if rng.random() < 0.6:
        spouse_age = max(25, head_age + rng.randint(-5, 5))
        members.append(_member(rng, Relation.SPOUSE, spouse_age, today, rng.choice(SURNAMES), taken))
    if head_age < 60:
        members += [
            _member(rng, Relation.CHILD, rng.randint(1, 20), today, surname, taken) for _ in range(rng.randint(0, 2))
        ]
    name = region_name(village_code)
    return Household(
        village_code=village_code,
        address=f"{name}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
        members=members,
        phone=f"1{rng.choice('3579')}{rng.randrange(10**8, 10**9)}",
        bank_card=f"62{rng.randrange(10**16, 10**17)}",
        bank_name="示范县农村商业银行",
        cadre_name=rng.choice(SURNAMES) + rng.choice(["干部", "书记", "主任"]),
        cadre_phone=f"13{rng.randrange(10**8, 10**9)}",
        housing=rng.choice(["自有住房", "自有住房", "危房", "租房"]),
        assets_fen=rng.randrange(0, 3_000_000, 100),
        owner_openid=None,
        id=f"demo{number:06d}{rng.randrange(16**6):06x}",
    )


def _aid_records(rng: random.Random, h: Household, today: date) -> list[AidRecord]:
    if rng.random() > 0.35:
        return []
    records = []
    for months_ago in range(1, 4):
        day = (today.replace(day=1) - timedelta(days=28 * months_ago)).replace(day=10)
        records.append(
            AidRecord(
                household_id=h.id,
                item_code="dibao",
                item_name="最低生活保障",
                department="县民政局",
                measure="按月发放低保金",
                amount_fen=rng.choice([45000, 62000, 78000]),
                paid_on=day,
                source="demo-import",
                source_ref=f"{h.id}-dibao-{day:%Y%m}",
                period=f"{day:%Y-%m}",
            )
        )
    return records


def seed(households: int = 200, seed_value: int = 20261125, *, uow: Callable[[], UnitOfWork], clock: Clock) -> dict:
    """Create the demo county once; a second call finds it and changes nothing. Households go in
    audited units (services/bulk.py); the staff accounts come last, as the mark that seeding finished,
    so a run cut short is completed by the next."""
    rng, today = random.Random(seed_value), clock.today()
    villages = [r.code for r in regions() if r.level == RegionLevel.VILLAGE]
    with uow() as unit:
        if not county_regions(unit):  # also for a data folder seeded before regions were stored
            save_regions(unit, regions(), SYSTEM, clock.now())
        if unit.staff.get_by_username("admin"):
            return {"created": False}
    made = []
    taken: set[str] = set()
    for n in range(households):
        h = synthetic_household(rng, villages[n % len(villages)], today, n, taken)
        made.append((h, _aid_records(rng, h, today)))
    for part in units(made, ITEMS_PER_HOUSEHOLD):
        with uow() as unit:
            for h, records in part:
                if unit.households.get(h.id) is None:
                    unit.households.add(h)
                    for record in records:
                        unit.aid_records.add(record)
            unit.audit.append(
                AuditEvent(
                    actor="system",
                    object_type="county",
                    object_id=COUNTY.code,
                    action="demo_households",
                    at=clock.now(),
                    reason=f"{len(part)} 户示范数据",
                )
            )
    with uow() as unit:
        password_hash = hash_password(DEMO_PASSWORD)
        for username, display, role, area, department in staff_accounts():
            unit.staff.add(StaffUser(username, display, role, area, password_hash, department))
        unit.audit.append(
            AuditEvent(
                actor="system",
                object_type="county",
                object_id=COUNTY.code,
                action="demo_seeded",
                at=clock.now(),
                reason=f"{households} 户示范数据",
            )
        )
    return {"created": True, "households": households}
