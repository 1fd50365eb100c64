"""The county's nouns: regions, households (户) and members (成员), applications, aid records, staff."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


def new_id() -> str:
    """Unguessable identifiers: never sequential, never derived from an ID number."""
    return secrets.token_hex(8)


class RegionLevel(StrEnum):
    COUNTY = "county"  # 县
    TOWNSHIP = "township"  # 乡镇
    VILLAGE = "village"  # 村(社区)


@dataclass(frozen=True)
class Region:
    """Codes nest by prefix: county 6 digits, township +3, village +3."""

    code: str
    name: str
    level: RegionLevel
    parent_code: str | None = None


def area_contains(area_code: str, region_code: str) -> bool:
    """Whether a staff area (county/township/village) covers a region."""
    return region_code.startswith(area_code)


class Relation(StrEnum):
    HEAD = "户主"
    SPOUSE = "配偶"
    CHILD = "子女"
    PARENT = "父母"
    GRANDCHILD = "孙子女"
    GRANDPARENT = "祖父母"
    SIBLING = "兄弟姐妹"
    OTHER = "其他"


HEALTH = ("健康", "慢性病", "大病")  # 大病: a severe illness (重特大疾病) under treatment


class WorkCapacity(StrEnum):
    FULL = "完全劳动能力"
    PARTIAL = "部分劳动能力"
    NONE = "无劳动能力"


@dataclass
class Member:
    """成员. `id_number` is plain in memory; adapters encrypt it at rest."""

    name: str
    id_number: str
    relation: Relation
    birth_date: date
    gender: str  # 男 / 女
    disability_type: str | None = None  # 视力/听力/言语/肢体/智力/精神/多重
    disability_grade: int | None = None  # 1 (most severe) .. 4
    work_capacity: WorkCapacity = WorkCapacity.FULL
    school: str | None = None  # 在读学段: 学前/小学/初中/高中/中职/大学
    monthly_income_fen: dict[str, int] = field(default_factory=dict)  # source -> fen per month
    health: str | None = None  # HEALTH; None: not recorded
    id: str = field(default_factory=new_id)

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def monthly_income_total_fen(self) -> int:
        return sum(self.monthly_income_fen.values())


@dataclass
class Household:
    """户: the unit aid is decided for ("一户一档")."""

    village_code: str
    address: str
    members: list[Member]
    phone: str | None = None
    bank_card: str | None = None  # the payee account number (收款账户)
    bank_name: str | None = None
    bank_code: str | None = None  # the county's code for the bank (domain/payee.Bank)
    bank_cnaps: str | None = None  # its 联行号, where the bank file needs one
    payee_name: str | None = None  # holder of the account: the applicant or a member; None = the head
    payee_failed: str | None = None  # the bank's reason when it last failed this account; cleared on change
    owner_openid: str | None = None  # the WeChat user who owns this household's data
    cadre_name: str | None = None  # 帮扶干部
    cadre_phone: str | None = None
    housing: str | None = None  # 自有住房 / 危房 / 租房 / 无房
    assets_fen: int = 0  # savings and other financial assets (deposits)
    vehicles: int = 0
    houses: int | None = None  # houses owned; None: not recorded
    # expenses that count (刚性支出), this year, after insurance; None: not recorded
    medical_costs_fen: int | None = None
    education_costs_fen: int | None = None
    # 主动发现 and 预警 entries (domain/outreach.OutreachEntry), kept with the household they concern
    outreach: list[Any] = field(default_factory=list)  # list[OutreachEntry]: outreach imports this module
    id: str = field(default_factory=new_id)
    version: int = 0

    @property
    def head(self) -> Member:
        return next((m for m in self.members if m.relation == Relation.HEAD), self.members[0])

    @property
    def monthly_income_total_fen(self) -> int:
        return sum(m.monthly_income_total_fen for m in self.members)

    def monthly_income_per_capita_fen(self) -> int:
        return self.monthly_income_total_fen // max(len(self.members), 1)


@dataclass
class AidRecord:
    """One aid actually received: who gave what, how much (fen), when. Feeds the 幸福清单."""

    household_id: str
    item_code: str
    item_name: str
    department: str
    measure: str  # 帮扶措施, e.g. 发放低保金
    amount_fen: int
    paid_on: date
    source: str  # "platform" for slips paid through 一门, else the import file's source
    source_ref: str  # unique per source: re-importing or re-paying never duplicates
    period: str | None = None  # e.g. 2026-11 for monthly aid
    id: str = field(default_factory=new_id)


class Role(StrEnum):
    WINDOW = "窗口受理"
    CHECKING = "核对"
    SUPERVISION = "督办"
    APPROVER = "部门审批"
    CENTRE = "救助中心"
    FINANCE = "财政"
    DISCIPLINE = "纪委监督"
    ADMIN = "管理员"


ROLE_KEYS = {
    "window": Role.WINDOW,
    "checking": Role.CHECKING,
    "supervision": Role.SUPERVISION,
    "approver": Role.APPROVER,
    "centre": Role.CENTRE,
    "finance": Role.FINANCE,
    "discipline": Role.DISCIPLINE,
    "admin": Role.ADMIN,
}  # as typed on the command line


@dataclass
class StaffUser:
    username: str
    display_name: str
    role: Role
    area_code: str  # county, township or village; "" (an administrator before regions exist) covers all
    password_hash: str
    department: str | None = None  # domain/departments.py code; approvers decide only its items
    phone: str | None = None  # for notices; encrypted at rest
    active: bool = True  # a leaver is disabled, never deleted: the audit trail names her
    must_change_password: bool = False  # after a reset: the next sign-in must choose a new one
    session_epoch: int = 0  # bumped by a reset or a disable: every session signed in before ends
    id: str = field(default_factory=new_id)
    version: int = 0

    def covers(self, region_code: str) -> bool:
        return area_contains(self.area_code, region_code)


@dataclass(frozen=True)
class Actor:
    """Who does something: a staff user, a citizen (WeChat openid) or the system itself."""

    kind: str  # staff / citizen / system
    id: str
    name: str = ""
    role: Role | None = None
    area_code: str = ""
    department: str | None = None  # a staff approver's department

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"


SYSTEM = Actor(kind="system", id="system", name="系统")


@dataclass
class AuditEvent:
    """全程留痕: append-only; `hash` chains every event to the one before it on its chain (domain.audit)."""

    actor: str
    object_type: str
    object_id: str
    action: str
    at: datetime
    from_state: str | None = None
    to_state: str | None = None
    phrase: str | None = None  # standard phrase, e.g. 同意受理
    reason: str | None = None
    chain: str = ""
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""
