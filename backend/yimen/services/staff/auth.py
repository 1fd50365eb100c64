"""Identity: WeChat users (citizens) by signed bearer token; staff by password (argon2) and role/area."""

import functools
import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from yimen.domain.errors import Forbidden, NotAuthenticated, RateLimited, ValidationError
from yimen.domain.model import Actor, AuditEvent, StaffUser
from yimen.domain.permissions import Action, require
from yimen.ports import Clock, UnitOfWork, WeChat

_hasher = PasswordHasher()
STAFF_TOKEN_HOURS = 8  # one working day; then the staff API asks for the password again
ACCOUNT_TRIES = 5  # wrong passwords (or signing PINs) per account before it is locked
ADDRESS_TRIES = 20  # wrong passwords from one address, whatever the accounts, before the address is locked
LOCK_MINUTES = 15
SESSION_HOURS = 12  # a console session lasts a working day, or until logout
SESSION_NS = "staff-session"
LOGIN_LOCKED = ("LOGIN_LOCKED", f"登录失败次数过多，已暂停登录 {LOCK_MINUTES} 分钟。请稍后再试，或请管理员核实。")
PIN_LOCKED = ("SIGNATURE_PIN_LOCKED", f"签名密码错误次数过多，签名已暂停 {LOCK_MINUTES} 分钟，决定未提交。")
SESSION_ENDED = ("SESSION_ENDED", "登录已失效，请重新登录")


@functools.cache
def _dummy_hash() -> str:
    """Verified against for unknown usernames too, so response time doesn't reveal which exist.
    Made on first use: hashing at import would cost every Lambda cold start ~0.1 s."""
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


class Lockout:
    """Failures counted per subject ("account:window1", "address:10.0.0.7", "pin:window1") in a
    LOCK_MINUTES window; at `limit` failures the subject is locked for LOCK_MINUTES, right password
    or not. Counters and locks live in the records store, so every process and Lambda shares them."""

    FAILURES_NS, LOCKS_NS = "login-failures", "login-locks"

    def __init__(self, *, clock: Clock):
        self.clock = clock

    def check(self, uow, *subjects: str, refusal: tuple[str, str] = LOGIN_LOCKED) -> None:
        now = self.clock.now()
        for subject in subjects:
            lock = uow.kv.get(self.LOCKS_NS, subject)
            if lock and datetime.fromisoformat(lock["until"]) > now:
                raise RateLimited(*refusal)

    def fail(self, uow, subject: str, limit: int) -> bool:
        """Count one failure; True when this one locks the subject."""
        now = self.clock.now()
        span = LOCK_MINUTES * 60
        window = int(now.timestamp() // span)
        expires = now + timedelta(seconds=span)
        if uow.kv.hit(self.FAILURES_NS, f"{subject}:{window}", expires, now) < limit:
            return False
        uow.kv.put(self.LOCKS_NS, subject, {"until": expires.isoformat()})
        return True


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


class AuthService:
    def __init__(
        self,
        *,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        wechat: WeChat,
        secret_key: str,
        token_max_age: int,
    ):
        self.uow, self.clock, self.wechat, self.token_max_age = uow, clock, wechat, token_max_age
        self._tokens = URLSafeTimedSerializer(secret_key, salt="citizen-token")
        self._staff_tokens = URLSafeSerializer(secret_key, salt="staff-token")

    def wechat_login(self, code: str) -> dict:
        openid = self.wechat.code_to_openid(code)
        return {"token": self._tokens.dumps({"openid": openid}), "openid": openid}

    def web_login(self, code: str) -> dict:
        """H5 in WeChat's browser: web OAuth code -> the same kind of token as the mini-program's."""
        openid = self.wechat.web_code_to_openid(code)
        return {"token": self._tokens.dumps({"openid": openid}), "openid": openid}

    def citizen_from_token(self, token: str) -> Actor:
        try:
            data = self._tokens.loads(token, max_age=self.token_max_age)
        except SignatureExpired as exc:
            raise NotAuthenticated("TOKEN_EXPIRED", "登录已过期，请重新登录") from exc
        except BadSignature as exc:
            raise NotAuthenticated("TOKEN_INVALID", "登录凭证无效，请重新登录") from exc
        return Actor(kind="citizen", id=data["openid"])

    def staff_login(self, username: str, password: str, address: str = "-") -> StaffUser:
        """The shared password check of the console and the staff API: locked accounts and addresses are
        refused before any hash is checked; every failure is counted and audited."""
        username = str(username or "").strip()[:64]
        account, origin = f"account:{username.lower()}", f"address:{address}"
        lockout = Lockout(clock=self.clock)
        with self.uow() as uow:
            lockout.check(uow, account, origin)
            user = uow.staff.get_by_username(username)
            try:
                _hasher.verify(user.password_hash if user else _dummy_hash(), str(password or ""))
                if user is None:  # the decoy's own password: still no such account
                    raise VerifyMismatchError
            except (VerifyMismatchError, InvalidHashError):
                user_failed = user.username if user else "-"  # never a typed unknown name: it may be a password
            else:
                if not user.active:  # told only to whoever knows the password
                    raise NotAuthenticated("ACCOUNT_DISABLED", "该账号已停用，请联系管理员")
                uow.audit.append(
                    AuditEvent(
                        actor=f"staff:{user.username}",
                        object_type="staff",
                        object_id=user.username,
                        action="login",
                        at=self.clock.now(),
                    )
                )
                return user
        with self.uow() as uow:  # a unit of its own: the failure counts although the request fails
            locked = [
                s for s, limit in ((account, ACCOUNT_TRIES), (origin, ADDRESS_TRIES)) if lockout.fail(uow, s, limit)
            ]
            uow.audit.append(
                AuditEvent(
                    actor=origin,
                    object_type="staff",
                    object_id=user_failed,
                    action="login_failed",
                    at=self.clock.now(),
                    reason="已锁定" if locked else None,
                )
            )
        raise NotAuthenticated("LOGIN_FAILED", "用户名或密码不正确")

    def check_signer(self, actor: Actor, typed_name: str, pin: str) -> None:
        """An e-signature is the signer's own: the typed name is the account's name and the PIN its
        password. Wrong PINs count like wrong passwords: ACCOUNT_TRIES, then a LOCK_MINUTES pause."""
        typed = "".join(str(typed_name or "").split())
        if len(typed) < 2:
            raise ValidationError("SIGNATURE_REQUIRED", "请在签名栏输入您的姓名")
        if typed != "".join((actor.name or "").split()):
            raise ValidationError("SIGNATURE_NAME_MISMATCH", f"签名栏须填写您本人账号登记的姓名：{actor.name}")
        self._check_pin(actor, pin)

    def check_cosigner(self, actor: Actor, username: str, pin: str, area_code: str, action: Action) -> Actor:
        """A second clerk who confirms a decision at the same desk with their own PIN (双人复核)."""
        with self.uow() as uow:
            user = uow.staff.get_by_username(str(username or "").strip())
        if user is None or user.username == actor.id:
            raise ValidationError("SECOND_SIGNER_INVALID", "复核人须是另一名工作人员，请填写其登录账号")
        other = staff_actor(user)
        require(other, action, area_code)
        self._check_pin(other, pin)
        return other

    def _check_pin(self, actor: Actor, pin: str) -> None:
        subject = f"pin:{actor.id}"
        lockout = Lockout(clock=self.clock)
        with self.uow() as uow:
            lockout.check(uow, subject, refusal=PIN_LOCKED)
            user = uow.staff.get_by_username(actor.id)
        try:
            _hasher.verify(user.password_hash if user else _dummy_hash(), str(pin or ""))
            return
        except (VerifyMismatchError, InvalidHashError):
            pass
        with self.uow() as uow:
            locked = lockout.fail(uow, subject, ACCOUNT_TRIES)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="staff",
                    object_id=actor.id,
                    action="signing_pin_failed",
                    at=self.clock.now(),
                    reason="已锁定" if locked else None,
                )
            )
        raise NotAuthenticated("SIGNATURE_PIN_WRONG", "签名密码不正确，决定未提交")

    def open_session(self, user: StaffUser) -> str:
        """A server-side session record; the cookie holds only its random id, so logout really ends it."""
        session_id = secrets.token_urlsafe(32)
        until = self.clock.now() + timedelta(hours=SESSION_HOURS)
        with self.uow() as uow:
            uow.kv.put(
                SESSION_NS,
                _session_key(session_id),
                {"username": user.username, "until": until.isoformat(), "epoch": user.session_epoch},
            )
        return session_id

    def close_session(self, session_id: str | None) -> None:
        if not session_id:
            return
        with self.uow() as uow:
            record = uow.kv.get(SESSION_NS, _session_key(session_id))
            if record is None:
                return
            uow.kv.delete(SESSION_NS, _session_key(session_id))
            uow.audit.append(
                AuditEvent(
                    actor=f"staff:{record['username']}",
                    object_type="staff",
                    object_id=record["username"],
                    action="logout",
                    at=self.clock.now(),
                )
            )

    def session_user(self, session_id: str | None) -> StaffUser:
        """The account of a live console session. A session ends at logout, after SESSION_HOURS, and when the
        account is disabled or its password reset or changed (the account's session epoch moved on)."""
        with self.uow() as uow:
            record = uow.kv.get(SESSION_NS, _session_key(session_id)) if session_id else None
            user = uow.staff.get_by_username(record["username"]) if record else None
        if (
            user is None
            or record is None
            or datetime.fromisoformat(record["until"]) <= self.clock.now()
            or not user.active
            or record.get("epoch", 0) != user.session_epoch
        ):
            raise NotAuthenticated(*SESSION_ENDED)
        return user

    def staff_from_session(self, session_id: str | None) -> Actor:
        return staff_actor(self.session_user(session_id))

    def staff_token(self, user: StaffUser) -> dict:
        """A bearer token for the staff API, after staff_login. It names the password it was issued under, so a
        changed password ends every token; it expires by the service clock like everything else."""
        if user.must_change_password:
            raise Forbidden(
                "PASSWORD_CHANGE_REQUIRED",
                "密码已被管理员重置，请先设置新密码（POST /api/v1/staff/password 或工作人员后台“修改密码”）",
            )
        expires_at = self.clock.now() + timedelta(hours=STAFF_TOKEN_HOURS)
        token = self._staff_tokens.dumps(
            {"u": user.username, "p": _fingerprint(user), "exp": expires_at.isoformat(), "s": self.open_session(user)}
        )  # a server-side session: logout ends it
        return {"token": token, "expires_at": expires_at.isoformat()}

    def staff_from_token(self, token: str) -> Actor:
        data = self._token_data(token)
        if self.clock.now() >= datetime.fromisoformat(data["exp"]):
            raise NotAuthenticated("TOKEN_EXPIRED", "登录已过期，请重新登录")
        user = self.session_user(data.get("s"))
        if user.username != data["u"] or _fingerprint(user) != data["p"]:
            raise NotAuthenticated("TOKEN_INVALID", "登录凭证无效，请重新登录")
        return staff_actor(user)

    def end_token(self, token: str) -> None:
        """Staff API logout: the token's session record is deleted, so the token stops working at once."""
        self.close_session(self._token_data(token).get("s"))

    def _token_data(self, token: str) -> dict:
        try:
            return self._staff_tokens.loads(token)
        except BadSignature as exc:
            raise NotAuthenticated("TOKEN_INVALID", "登录凭证无效，请重新登录") from exc

    def staff_actor(self, username: str) -> Actor:
        with self.uow() as uow:
            user = uow.staff.get_by_username(username)
        if user is None or not user.active:
            raise NotAuthenticated("LOGIN_REQUIRED", "请先登录")
        return staff_actor(user)


def _fingerprint(user: StaffUser) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _session_key(session_id: str) -> str:
    """Stored hashed: a copy of the records store holds no live session id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def staff_actor(user: StaffUser) -> Actor:
    return Actor(
        kind="staff",
        id=user.username,
        name=user.display_name,
        role=user.role,
        area_code=user.area_code,
        department=user.department,
    )
