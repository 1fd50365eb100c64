"""提交申请: a citizen's application (idempotent on its key), for her own household or, as 协理员, for a
resident; an ID number already on file never tells the submitter anything (no ID-number oracle).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from yimen.domain import idcard
from yimen.domain.errors import Conflict, NotFound, ValidationError
from yimen.domain.masking import mask_id_number, mask_name
from yimen.domain.model import Actor, Household, RegionLevel
from yimen.domain.payee import Bank, check_payee, payee_of
from yimen.domain.workflow import Application, Assistant
from yimen.ports import BlobStore, Clock, UnitOfWork
from yimen.ports_ocr import Images
from yimen.services import messagebus
from yimen.services.applications import uploads
from yimen.services.applications.cases import audit, store_materials
from yimen.services.applications.forms import emergency_text, household_from_form, materials_from, requested_items
from yimen.services.funds.payees import apply_payee
from yimen.services.staff.regions import county_regions

IDEMPOTENCY_NS = "idempotency:applications"


class Submission:
    def __init__(
        self, *, uow: Callable[[], UnitOfWork], clock: Clock, blobs: BlobStore, images: Images, banks: list[Bank]
    ):
        self.uow = uow
        self.clock = clock
        self.blobs = blobs
        self.images = images
        self.banks = banks

    def submit(self, actor: Actor, body: dict, idempotency_key: str) -> tuple[Application, bool]:
        """(application, created). A retry with the same key and body returns the first application."""
        if not 8 <= len(idempotency_key) <= 100:
            raise ValidationError("IDEMPOTENCY_KEY_REQUIRED", "请求头缺少 Idempotency-Key（8-100 个字符）")
        items = requested_items(body.get("items"))
        materials = materials_from(
            body.get("materials"),
            assistant_mode=bool(body.get("assistant")),
            fetch=lambda key: uploads.take(self.blobs, actor, key),
            images=self.images,
        )
        body_sha = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        now = self.clock.now()
        with self.uow() as uow:
            seen = uow.kv.get(IDEMPOTENCY_NS, f"{actor.id}:{idempotency_key}")
            if seen:
                if seen["body_sha256"] != body_sha:
                    raise Conflict("IDEMPOTENCY_KEY_REUSED", "同一个 Idempotency-Key 不能用于不同的申请内容")
                first = uow.applications.get(seen["application_id"])
                if first is None:
                    raise NotFound("APPLICATION_NOT_FOUND", "找不到该申请")
                return first, False
            household, assistant, identity_check = self._household_for(uow, actor, body)
            if not identity_check:  # an unproven submitter never sets the account of a household on file
                self._take_payee(uow, actor, household, body)
            app = Application(
                household_id=household.id,
                village_code=household.village_code,
                applicant_openid=actor.id,
                items=items,
                submitted_at=now,
                emergency=emergency_text(body.get("emergency")),
                identity_check=identity_check,
            )
            app.materials = store_materials(self.blobs, app.id, materials)
            if assistant:
                app.assistant = Assistant(
                    actor.id,
                    assistant,
                    app.materials["assistant_authorisation"],
                    now.date(),
                    resident=_masked_resident(body["assistant"]),
                )
            app.start(now, actor.label, assistant or "")
            uow.applications.add(app)
            uow.kv.put_if_absent(
                IDEMPOTENCY_NS, f"{actor.id}:{idempotency_key}", {"application_id": app.id, "body_sha256": body_sha}
            )
            audit(uow, actor, app, "submit", None, now, reason=f"协理员 {assistant} 代办" if assistant else None)
            messagebus.handle(uow, app.pop_events())
            return app, True

    def _take_payee(self, uow: UnitOfWork, actor: Actor, household: Household, body: dict) -> None:
        """The account given with the application (`payee`, or the older `household.bank_card`); the holder
        must be the applicant or a household member. Nothing is saved if it is wrong."""
        raw = body.get("payee")
        if raw in (None, {}):
            return
        if not isinstance(raw, dict):
            raise ValidationError("BAD_PAYEE", "收款账户格式不正确")
        checked = check_payee(
            self.banks,
            raw.get("bank"),
            raw.get("account_number"),
            raw.get("holder_name"),
            household=household,
        )
        if checked.payee == payee_of(household):
            return
        apply_payee(uow, self.clock, actor, household, checked.payee, "申请时填写")
        uow.households.update(household)

    def _household_for(self, uow: UnitOfWork, actor: Actor, body: dict) -> tuple[Household, str | None, str | None]:
        """The household applied for, the assistant's name in 协理员 mode, and what the window must check
        before the case moves on. Whether an ID number is on file never changes the answer (no ID-number
        oracle): a household on file that the submitter has not proved to be theirs (bound, see
        services/households/binding.py) gets the application, marked for the window to check the ID card or the
        resident's signed authorisation; the submitter sees nothing of the file."""
        if body.get("household_id"):
            household = uow.households.get(str(body["household_id"]))
            if household is None or household.owner_openid != actor.id:
                raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
            return household, None, None
        helper = _assistant_name(body.get("assistant"))
        declared = household_from_form(body.get("household"))
        if declared.village_code not in {v.code for v in county_regions(uow) if v.level == RegionLevel.VILLAGE}:
            raise ValidationError("BAD_VILLAGE", "请选择所在村（社区）")
        if helper:
            _resident_in(declared, body["assistant"])
        filed = next(filter(None, (uow.households.find_by_id_number(m.id_number) for m in declared.members)), None)
        if filed is None:
            declared.owner_openid = None if helper else actor.id
            uow.households.add(declared)
            return declared, helper, None
        if not helper and filed.owner_openid == actor.id:
            return filed, None, None  # her own household, filed or bound before
        return filed, helper, _identity_note(filed, declared, helper)


def _assistant_name(helper) -> str | None:
    if helper is None:
        return None
    if not isinstance(helper, dict) or not all(
        str(helper.get(k) or "").strip() for k in ("assistant_name", "resident_id_number", "resident_name")
    ):
        raise ValidationError("BAD_ASSISTANT", "代办申请需填写协理员姓名、被代办人身份证号和姓名")
    return str(helper["assistant_name"]).strip()


def _resident_in(declared: Household, helper: dict) -> None:
    """In 协理员 mode the resident must be one of the household's members as typed (checked against the
    form only, never against the file)."""
    number = idcard.normalize_number(str(helper["resident_id_number"]))
    if not any(m.id_number == number and m.name == str(helper["resident_name"]).strip() for m in declared.members):
        raise ValidationError("BAD_ASSISTANT", "被代办人须是所填家庭的成员（姓名和身份证号与家庭成员一致）")


def _identity_note(filed: Household, declared: Household, assistant: str | None) -> str:
    """For the window only: why this case waits for an identity check, and whether the names typed agree."""
    on_file = {m.id_number: m.name for m in filed.members}
    agree = all(on_file[m.id_number] == m.name for m in declared.members if m.id_number in on_file)
    who = (
        f"协理员 {assistant} 代办，请核对被代办人签字的代办授权书和身份证"
        if assistant
        else "申请人尚未绑定该户，请核对其身份证（可电话联系档案中的手机号）"
    )
    names = "申报姓名与档案一致" if agree else "申报姓名与档案不一致，可能冒名"
    return f"申报的身份证号已在档案中（{mask_name(filed.head.name)}户）：{who}；{names}。核验后再受理。"


def _masked_resident(helper: dict) -> dict:
    return {
        "name": mask_name(str(helper["resident_name"]).strip()),
        "id_number": mask_id_number(idcard.normalize_number(helper["resident_id_number"])),
    }
