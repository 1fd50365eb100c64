"""Identity: WeChat users (citizens) by signed bearer token; staff by password (argon2) and role/area."""

import functools
import hashlib
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from ..domain.errors import Forbidden, NotAuthenticated
from ..domain.model import Actor, AuditEvent, Role, StaffUser

_hasher = PasswordHasher()
STAFF_TOKEN_HOURS = 8  # one working day; then the staff API asks for the password again


@functools.cache
def _dummy_hash() -> str:
    """Verified against for unknown usernames too, so response time doesn't reveal which exist.
    Made on first use: hashing at import would cost every Lambda cold start ~0.1 s."""
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


class AuthService:
    def __init__(self, services):
        self.s = services
        self._tokens = URLSafeTimedSerializer(services.config["SECRET_KEY"], salt="citizen-token")
        self._staff_tokens = URLSafeSerializer(services.config["SECRET_KEY"], salt="staff-token")

    def wechat_login(self, code: str) -> dict:
        openid = self.s.wechat.code_to_openid(code)
        return {"token": self._tokens.dumps({"openid": openid}), "openid": openid}

    def web_login(self, code: str) -> dict:
        """H5 in WeChat's browser: web OAuth code -> the same kind of token as the mini-program's."""
        openid = self.s.wechat.web_code_to_openid(code)
        return {"token": self._tokens.dumps({"openid": openid}), "openid": openid}

    def citizen_from_token(self, token: str) -> Actor:
        try:
            data = self._tokens.loads(token, max_age=self.s.config["TOKEN_MAX_AGE"])
        except SignatureExpired as exc:
            raise NotAuthenticated("TOKEN_EXPIRED", "登录已过期，请重新登录") from exc
        except BadSignature as exc:
            raise NotAuthenticated("TOKEN_INVALID", "登录凭证无效，请重新登录") from exc
        return Actor(kind="citizen", id=data["openid"])

    def staff_login(self, username: str, password: str) -> StaffUser:
        with self.s.uow() as uow:
            user = uow.staff.get_by_username(username.strip())
            try:
                _hasher.verify(user.password_hash if user else _dummy_hash(), password)
            except (VerifyMismatchError, InvalidHashError):
                user = None
            if user is None:
                raise NotAuthenticated("LOGIN_FAILED", "用户名或密码不正确")
            uow.audit.append(AuditEvent(actor=f"staff:{user.username}", object_type="staff",
                                        object_id=user.username, action="login", at=self.s.clock.now()))
            return user

    def staff_token(self, user: StaffUser) -> dict:
        """A bearer token for the staff API, after staff_login. It names the password it was issued under, so a
        changed password ends every token; it expires by the service clock like everything else."""
        expires_at = self.s.clock.now() + timedelta(hours=STAFF_TOKEN_HOURS)
        token = self._staff_tokens.dumps({"u": user.username, "p": _fingerprint(user), "exp": expires_at.isoformat()})
        return {"token": token, "expires_at": expires_at.isoformat()}

    def staff_from_token(self, token: str) -> Actor:
        try:
            data = self._staff_tokens.loads(token)
        except BadSignature as exc:
            raise NotAuthenticated("TOKEN_INVALID", "登录凭证无效，请重新登录") from exc
        if self.s.clock.now() >= datetime.fromisoformat(data["exp"]):
            raise NotAuthenticated("TOKEN_EXPIRED", "登录已过期，请重新登录")
        with self.s.uow() as uow:
            user = uow.staff.get_by_username(data["u"])
        if user is None or _fingerprint(user) != data["p"]:
            raise NotAuthenticated("TOKEN_INVALID", "登录凭证无效，请重新登录")
        return staff_actor(user)

    def staff_actor(self, username: str) -> Actor:
        with self.s.uow() as uow:
            user = uow.staff.get_by_username(username)
        if user is None:
            raise NotAuthenticated("LOGIN_REQUIRED", "请先登录")
        return staff_actor(user)


def _fingerprint(user: StaffUser) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def staff_actor(user: StaffUser) -> Actor:
    return Actor(kind="staff", id=user.username, name=user.display_name, role=user.role, area_code=user.area_code)


def require_area(actor: Actor, region_code: str) -> None:
    """Area scoping, enforced in services: staff act only inside their own area."""
    if actor.kind == "staff" and not region_code.startswith(actor.area_code):
        raise Forbidden("OUT_OF_AREA", "该户不在您的管辖范围内")


def require_role(actor: Actor, *roles: Role) -> None:
    if actor.kind != "staff" or (actor.role not in roles and actor.role != Role.ADMIN):
        names = "、".join(r.value for r in roles)
        raise Forbidden("ROLE_REQUIRED", f"此操作需要{names}岗位")
