"""Binding a resident's WeChat to her household on file, after she has proved who she is: a one-time code
the window gives her after checking her ID card, or online with ID number + name + a code texted to the
phone on file. Asking for a text gets the same answer whether or not the number is on file."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from yimen.domain import idcard
from yimen.domain.errors import NotFound, ValidationError
from yimen.domain.masking import mask_openid
from yimen.domain.model import Actor, AuditEvent, Household
from yimen.domain.permissions import Action, require, require_area
from yimen.ports import Cipher, Clock, SmsSender, UnitOfWork

CODE_NS, SMS_NS = "binding:code", "binding:sms"
CODE_HOURS, SMS_MINUTES, SMS_TRIES = 24, 10, 5
SMS_ASKED = (
    "如果您填写的身份证号和姓名与档案一致，验证码已发到档案里登记的手机上，10 分钟内有效。"
    "没有收到？可能是档案里没有手机号或号码已变，请带身份证到乡镇（街道）社会救助窗口办理绑定。"
)
SMS_WRONG = ("BINDING_SMS_INVALID", "验证码不正确或已过期。请重新获取，或到乡镇（街道）社会救助窗口办理绑定。")


class BindingService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, cipher: Cipher, sms: SmsSender):
        self.uow, self.clock, self.cipher, self.sms = uow, clock, cipher, sms

    # ---------------------------------------------------------------- at the window

    def issue_code(self, actor: Actor, household_id: str) -> tuple[str, str]:
        """(code, valid until) for the clerk to print or read out; only its keyed hash is kept."""
        require(actor, Action.HOUSEHOLD_BIND)
        code = f"{secrets.randbelow(10**8):08d}"
        now = self.clock.now()
        until = now + timedelta(hours=CODE_HOURS)
        with self.uow() as uow:
            household = uow.households.get(household_id)
            if household is None:
                raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
            require_area(actor, household.village_code)
            uow.kv.put(CODE_NS, self._hash(code), {"household_id": household_id, "until": until.isoformat()})
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="household",
                    object_id=household_id,
                    action="binding_code_issued",
                    at=now,
                    reason=f"已核验身份证，发放一次性绑定码（{CODE_HOURS} 小时内有效）",
                )
            )
        return f"{code[:4]} {code[4:]}", until.strftime("%Y-%m-%d %H:%M")

    def redeem_code(self, actor: Actor, code: str) -> Household:
        key = self._hash("".join(ch for ch in str(code) if ch.isdigit()))
        now = self.clock.now()
        with self.uow() as uow:
            held = uow.kv.get(CODE_NS, key)
            if not held or held["until"] < now.isoformat():
                raise ValidationError(
                    "BINDING_CODE_INVALID", "绑定码不正确或已过期，请向乡镇（街道）社会救助窗口重新索取"
                )
            uow.kv.delete(CODE_NS, key)  # one time only
            return self._bind(uow, actor, held["household_id"], "窗口发放的绑定码")

    # ---------------------------------------------------------------- online, by text message

    def request_sms(self, id_number: str, name: str) -> str:
        """Text a code to the phone on file if number and name match a member; the answer is always SMS_ASKED."""
        number = idcard.normalize_number(id_number)
        now = self.clock.now()
        with self.uow() as uow:
            household = uow.households.find_by_id_number(number) if idcard.is_valid_number(number) else None
            if household is None or not household.phone or not _member_named(household, number, name):
                return SMS_ASKED
            code = f"{secrets.randbelow(10**6):06d}"
            uow.kv.put(
                SMS_NS,
                self.cipher.lookup_hash(number),
                {
                    "household_id": household.id,
                    "code": self._hash(code),
                    "tries": 0,
                    "until": (now + timedelta(minutes=SMS_MINUTES)).isoformat(),
                },
            )
            uow.audit.append(
                AuditEvent(
                    actor="system",
                    object_type="household",
                    object_id=household.id,
                    action="binding_sms_sent",
                    at=now,
                    reason="线上绑定：验证码已发到档案手机",
                )
            )
            phone = household.phone
        self.sms.send(
            phone,
            f"【一门救助】您正在绑定微信与家庭档案，验证码 {code}，{SMS_MINUTES} 分钟内有效。"
            "如非本人操作，请勿告诉他人。",
            ref=f"binding:{household.id}:{now.isoformat()}",
        )
        return SMS_ASKED

    def confirm_sms(self, actor: Actor, id_number: str, name: str, code: str) -> Household:
        number = idcard.normalize_number(id_number)
        key = self.cipher.lookup_hash(number)
        now = self.clock.now()
        with self.uow() as uow:
            held = uow.kv.get(SMS_NS, key)
            household = uow.households.get(held["household_id"]) if held else None
            right = bool(
                held
                and held["until"] >= now.isoformat()
                and household
                and _member_named(household, number, name)
                and secrets.compare_digest(held["code"], self._hash(str(code).strip()))
            )
            if right and household:  # right implies a household; said again for the type checker
                uow.kv.delete(SMS_NS, key)
                return self._bind(uow, actor, household.id, "身份证号、姓名和档案手机验证码")
            if held:  # a wrong guess uses up one of the few tries
                if held["tries"] + 1 >= SMS_TRIES:
                    uow.kv.delete(SMS_NS, key)
                else:
                    uow.kv.put(SMS_NS, key, {**held, "tries": held["tries"] + 1})
        raise ValidationError(*SMS_WRONG)

    # ---------------------------------------------------------------- shared

    def _bind(self, uow, actor: Actor, household_id: str, how: str) -> Household:
        household = uow.households.get(household_id)
        before = household.owner_openid
        household.owner_openid = actor.id
        uow.households.update(household)
        replaced = f"（替换原绑定 {mask_openid(before)}）" if before and before != actor.id else ""
        uow.audit.append(
            AuditEvent(
                actor=actor.label,
                object_type="household",
                object_id=household_id,
                action="bound",
                at=self.clock.now(),
                reason=f"微信绑定：{how}{replaced}",
            )
        )
        return household

    def _hash(self, code: str) -> str:
        return self.cipher.lookup_hash(f"binding:{code}")


def _member_named(household: Household, number: str, name: str) -> bool:
    return any(m.id_number == number and m.name == str(name).strip() for m in household.members)
