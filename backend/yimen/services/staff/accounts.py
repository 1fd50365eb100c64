"""工作人员与部门: staff accounts by an administrator (console) or by whoever runs the `yimen staff` command on
the server (that is how a deployment gets its first administrator). Every change is an audit event; a reset
or a disable ends the account's sessions; a reset makes the next sign-in choose a new password."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from yimen.domain import accounts
from yimen.domain.departments import department_name
from yimen.domain.errors import Conflict, NotAuthenticated, NotFound, ValidationError
from yimen.domain.masking import mask_phone
from yimen.domain.model import Actor, AuditEvent, Role, StaffUser
from yimen.domain.permissions import Action, require
from yimen.ports import Clock, UnitOfWork
from yimen.services.staff.auth import hash_password, verify_password
from yimen.services.staff.regions import county_regions

TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read out over the phone


@dataclass
class StaffChanges:
    """The fields an administrator sets; None leaves one as it is (phone "" clears it)."""

    display_name: str | None = None
    role: Role | None = None
    area_code: str | None = None
    department: str | None = None
    phone: str | None = None


class StaffService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock):
        self.uow, self.clock = uow, clock

    def list(self, actor: Actor) -> list[StaffUser]:
        with self.uow() as uow:
            self._may_manage(uow, actor)
            return uow.staff.list_all()

    def get(self, actor: Actor, username: str) -> StaffUser:
        with self.uow() as uow:
            self._may_manage(uow, actor)
            return _existing(uow, username)

    def add(self, actor: Actor, username: str, fields: StaffChanges, password: str) -> StaffUser:
        username = accounts.check_username(username)
        accounts.check_password(password, username)
        if fields.role is None:
            raise ValidationError("ROLE_REQUIRED_FIELD", "请选择岗位")
        with self.uow() as uow:
            self._may_manage(uow, actor)
            user = StaffUser(username, "", fields.role, "", hash_password(password))
            self._apply(uow, user, fields)
            uow.staff.add(user)
            self._audit(uow, actor, user, "staff_add", to=_summary(user))
            return user

    def edit(self, actor: Actor, username: str, version: int, fields: StaffChanges) -> StaffUser:
        with self.uow() as uow:
            self._may_manage(uow, actor)
            user = _existing(uow, username, version)
            before = _summary(user)
            self._apply(uow, user, fields)
            if user.username == actor.id and user.role != Role.ADMIN:
                raise ValidationError("OWN_ADMIN_ROLE", "不能取消自己的管理员岗位，请由另一位管理员办理")
            user.session_epoch += before != _summary(user)  # a new role or area takes effect at once
            uow.staff.update(user)
            self._audit(uow, actor, user, "staff_edit", before, _summary(user))
            return user

    def set_active(self, actor: Actor, username: str, active: bool, reason: str = "") -> StaffUser:
        """停用 a leaver (her sessions end at once) or 启用 again. Accounts are never deleted."""
        with self.uow() as uow:
            self._may_manage(uow, actor)
            user = _existing(uow, username)
            if not active and user.username == actor.id:
                raise ValidationError("OWN_ACCOUNT", "不能停用自己的账号")
            user.active, user.session_epoch = active, user.session_epoch + (not active)
            uow.staff.update(user)
            self._audit(uow, actor, user, "staff_enable" if active else "staff_disable", reason=reason.strip() or None)
            return user

    def reset_password(self, actor: Actor, username: str, password: str | None = None) -> str:
        """A temporary password (given, or made up here and shown once); the next sign-in must change it."""
        with self.uow() as uow:
            self._may_manage(uow, actor)
            user = _existing(uow, username)
            temporary = password or _temporary_password()
            accounts.check_password(temporary, user.username)
            user.password_hash, user.must_change_password = hash_password(temporary), True
            user.session_epoch += 1
            uow.staff.update(user)
            self._audit(uow, actor, user, "staff_reset_password")
            return temporary

    def change_own_password(self, username: str, current: str, new: str) -> StaffUser:
        """The signed-in user's own change (forced after a reset). Other sessions of hers end."""
        accounts.check_password(new, username)
        if new == current:
            raise ValidationError("SAME_PASSWORD", "新密码不能与原密码相同")
        with self.uow() as uow:
            user = uow.staff.get_by_username((username or "").strip().lower())
            if not (user and user.active and verify_password(user.password_hash, current)):
                raise NotAuthenticated("PASSWORD_WRONG", "原密码不正确")
            user.password_hash, user.must_change_password = hash_password(new), False
            user.session_epoch += 1
            uow.staff.update(user)
            uow.audit.append(
                AuditEvent(
                    actor=f"staff:{username}",
                    object_type="staff",
                    object_id=username,
                    action="password_change",
                    at=self.clock.now(),
                )
            )
            return user

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _may_manage(uow, actor: Actor) -> None:
        """Administrators; and the server's own command line (kind "system"), which creates the first one."""
        if actor.kind != "system":
            require(actor, Action.STAFF_MANAGE)
        if actor.kind == "staff":
            user = uow.staff.get_by_username(actor.id)
            if user is None or not user.active:
                raise NotAuthenticated("LOGIN_REQUIRED", "请先登录")

    def _apply(self, uow, user: StaffUser, fields: StaffChanges) -> None:
        if fields.display_name is not None:
            user.display_name = accounts.check_display_name(fields.display_name)
        elif not user.display_name:
            raise ValidationError("BAD_NAME", "姓名请填写 2-30 个字")
        if fields.role is not None:
            user.role = fields.role
        if fields.area_code is not None:
            user.area_code = self._area(uow, user.role, fields.area_code)
        elif not user.area_code:
            user.area_code = self._area(uow, user.role, "")
        department = fields.department if fields.department is not None else user.department
        user.department = accounts.check_role_department(user.role, department)
        if fields.phone is not None:
            user.phone = accounts.check_phone(fields.phone)

    @staticmethod
    def _area(uow, role: Role, code: str) -> str:
        """A known county, township or village; an administrator may also be added before the regions are
        imported (a fresh deployment): she then covers everything."""
        code = code.strip()
        regions = {r.code for r in county_regions(uow)}
        if not code and role == Role.ADMIN:
            return min(regions, key=len) if regions else ""
        if not regions:
            raise ValidationError("NO_REGIONS", "还没有导入本县的行政区划，请先运行 yimen regions import")
        if code not in regions:
            raise ValidationError("BAD_AREA", "辖区应为本县、本县的乡镇或村（社区）")
        return code

    def _audit(
        self,
        uow,
        actor: Actor,
        user: StaffUser,
        action: str,
        before: str | None = None,
        to: str | None = None,
        reason: str | None = None,
    ) -> None:
        uow.audit.append(
            AuditEvent(
                actor=actor.label,
                object_type="staff",
                object_id=user.username,
                action=action,
                at=self.clock.now(),
                from_state=before,
                to_state=to or _summary(user),
                reason=reason,
            )
        )


def _existing(uow, username: str, version: int | None = None) -> StaffUser:
    user = uow.staff.get_by_username((username or "").strip().lower())
    if user is None:
        raise NotFound("STAFF_NOT_FOUND", "没有这个用户名的工作人员")
    if version is not None and version != user.version:
        raise Conflict("STALE_VERSION", "该账号刚刚已被他人修改，请刷新后重试")
    return user


def _summary(user: StaffUser) -> str:
    """What the audit keeps of an account: never the phone number itself, only whether there is one."""
    parts = [
        user.display_name,
        user.role.value,
        user.area_code or "全部",
        department_name(user.department),
        "有通知手机" if user.phone else "",
        "" if user.active else "已停用",
    ]
    return " / ".join(p for p in parts if p)


def _temporary_password() -> str:
    while True:
        word = "".join(secrets.choice(TEMP_ALPHABET) for _ in range(12))
        candidate = f"{word[:4]}-{word[4:8]}-{word[8:]}"
        try:
            accounts.check_password(candidate, "")
        except ValidationError:
            continue
        return candidate


def staff_view(user: StaffUser) -> dict:
    """An account as lists show it: the phone masked."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "area_code": user.area_code,
        "department": user.department,
        "phone": mask_phone(user.phone),
        "active": user.active,
        "must_change_password": user.must_change_password,
        "version": user.version,
    }
