"""申请办理: submit (idempotent), the staff decisions of each stage, 绿色通道, 补正, withdrawal, 核对 reports,
duplicate-aid advice, the deadline scan, safe status lookup and 在线举报.

Every action loads the application, checks role and area, applies one domain transition, stores it with
its version (a stale version is a 409) and appends its audit event and notices in the same unit of work.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from yimen.domain import idcard, workdays
from yimen.domain.errors import Conflict, Forbidden, NotFound, TooLarge, ValidationError
from yimen.domain.masking import mask_id_number, mask_name
from yimen.domain.model import SYSTEM, Actor, AuditEvent, Household, RegionLevel, Role
from yimen.domain.money import yuan
from yimen.domain.payee import check_payee, payee_of
from yimen.domain.policy import catalogue
from yimen.domain.workflow import (
    ACCEPT,
    ANY_DEPARTMENT,
    CHECK_REPORT,
    GREEN_ROLES,
    ID_CHECK_ROLES,
    OPEN_STAGES,
    PROPOSE_ROLES,
    PROPOSE_STAGES,
    RETURN,
    STAGE_PHRASES,
    STAGE_ROLE,
    TERMINAL,
    Application,
    Assistant,
    Complaint,
    NextStep,
    RequestedItem,
    Stage,
    next_steps,
)
from yimen.ports import Page, UnitOfWork
from yimen.services import messagebus
from yimen.services.applications import uploads
from yimen.services.applications.consequences import OCR_JOB, time_limits
from yimen.services.applications.forms import (
    MATERIALS,
    catalogue_item,
    emergency_text,
    household_from_form,
    image_type,
    materials_from,
    requested_items,
)
from yimen.services.checking.reports import advice, check_report, current_aid_codes
from yimen.services.funds.payees import apply_payee, county_banks, payee_view
from yimen.services.households.file import correct_incomes
from yimen.services.notices.outbox import HOW_TO_GIVE_ACCOUNT
from yimen.services.ocr.idcard_check import check_idcard
from yimen.services.ocr.photos import clean_material, sniff
from yimen.services.staff.auth import require_area, require_role
from yimen.services.staff.regions import county_regions

IDEMPOTENCY_NS = "idempotency:applications"
CASE_ROLES = (Role.WINDOW, Role.CHECKING, Role.SUPERVISION, Role.APPROVER, Role.CENTRE)  # may see ID photos
STATUS_LOOKUP_MISS = "未查到与该身份证号和姓名相符的申请。请核对后重试，或到乡镇（街道）社会救助窗口咨询。"
MAX_DRAWN_BYTES = 200 * 1024


@dataclass(frozen=True)
class Signing:
    """What a clerk types under a decision: their name and their PIN (the console password)."""

    typed_name: str
    pin: str
    drawn_png: bytes | None = None  # optionally also signed by hand on the screen


@dataclass(frozen=True)
class CoSigner:
    """The second clerk who confirms a large green-channel grant: their login name and PIN."""

    username: str
    pin: str


def green_ceiling(item_code: str, village_code: str, county_max_fen: int) -> int:
    """The most a green-channel grant may be: the item's highest standard here, never above the county's cap."""
    item = catalogue().get(item_code)
    amounts = [line.fen for line in item.standard_lines(village_code) if line.fen] if item else []
    return min(county_max_fen, max(amounts)) if amounts else county_max_fen


class ApplicationService:
    def __init__(self, services):
        self.s = services

    # ================================================================ citizen side

    def submit(self, actor: Actor, body: dict, idempotency_key: str) -> tuple[Application, bool]:
        """(application, created). A retry with the same key and body returns the first application."""
        if not 8 <= len(idempotency_key) <= 100:
            raise ValidationError("IDEMPOTENCY_KEY_REQUIRED", "请求头缺少 Idempotency-Key（8-100 个字符）")
        items = requested_items(body.get("items"))
        materials = materials_from(
            body.get("materials"),
            assistant_mode=bool(body.get("assistant")),
            fetch=lambda key: uploads.take(self.s, actor, key),
            images=self.s.images,
        )
        body_sha = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        now = self.s.clock.now()
        with self.s.uow() as uow:
            seen = uow.kv.get(IDEMPOTENCY_NS, f"{actor.id}:{idempotency_key}")
            if seen:
                if seen["body_sha256"] != body_sha:
                    raise Conflict("IDEMPOTENCY_KEY_REUSED", "同一个 Idempotency-Key 不能用于不同的申请内容")
                return uow.applications.get(seen["application_id"]), False
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
            app.materials = self._storematerials_from(app.id, materials)
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
            _audit(uow, actor, app, "submit", None, now, reason=f"协理员 {assistant} 代办" if assistant else None)
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
            county_banks(self.s.config.banks_file),
            raw.get("bank"),
            raw.get("account_number"),
            raw.get("holder_name"),
            household=household,
        )
        if checked.payee == payee_of(household):
            return
        apply_payee(uow, self.s.clock, actor, household, checked.payee, "申请时填写")
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

    def _storematerials_from(self, app_id: str, materials: dict[str, bytes]) -> dict[str, str]:
        keys = {}
        for kind, data in materials.items():
            key = f"applications/{app_id}/{kind}"
            self.s.blobs.put(key, data, image_type(data))
            keys[kind] = key
        return keys

    def mine(self, actor: Actor) -> list[tuple[Application, dict | None]]:
        """Applications I submitted, and those an assistant submitted for my household, newest first. Each comes
        with the resident (masked) when I applied for them as 协理员."""
        with self.s.uow() as uow:
            own = {
                a.id: a
                for a in uow.applications.list_for_applicant(actor.id)
                if not (a.assistant and a.assistant.revoked_at)
            }
            for household in uow.households.find_by_owner(actor.id):
                own.update({a.id: a for a in uow.applications.list_for_household(household.id)})
        apps = sorted(own.values(), key=lambda a: a.submitted_at, reverse=True)
        return [(a, a.assistant.resident if a.assistant and a.assistant.openid == actor.id else None) for a in apps]

    def get_for_citizen(self, actor: Actor, app_id: str) -> Application:
        with self.s.uow() as uow:
            return self._citizen_app(uow, actor, app_id)

    def payee_for_citizen(self, actor: Actor, app_id: str) -> dict | None:
        """The household's account, masked, for the status page: where the money will go, or that an
        account is still needed. Not shown to a submitter the window has yet to identify."""
        with self.s.uow() as uow:
            app = self._citizen_app(uow, actor, app_id)
            household = uow.households.get(app.household_id)
        if household.owner_openid != actor.id and app.identity_check:
            return None
        return payee_view(household) or {"usable": False, "problem": "还没有登记收款账户", "how": HOW_TO_GIVE_ACCOUNT}

    @staticmethod
    def _citizen_app(uow: UnitOfWork, actor: Actor, app_id: str) -> Application:
        """The applicant (unless the resident revoked their authorisation) or the household's owner; else 404."""
        app = uow.applications.get(app_id)
        if app is not None:
            household = uow.households.get(app.household_id)
            if household and household.owner_openid == actor.id:
                return app
            if app.applicant_openid == actor.id and not (app.assistant and app.assistant.revoked_at):
                return app
        raise NotFound("APPLICATION_NOT_FOUND", "找不到该申请")

    def withdraw(self, actor: Actor, app_id: str, reason: str = "") -> Application:
        """By the applicant, or by the resident: in 协理员 mode that also revokes the authorisation."""
        now = self.s.clock.now()
        with self.s.uow() as uow:
            app = self._citizen_app(uow, actor, app_id)
            before = app.stage
            app.withdraw(now, actor.label, reason)
            if app.assistant and app.assistant.openid != actor.id:
                app.assistant.revoked_at = now
            uow.applications.update(app)
            _audit(uow, actor, app, "withdraw", before, now, reason=reason or None)
            return app

    def revoke_assistant(self, actor: Actor, app_id: str) -> Application:
        """The resident takes back her 代办授权 and keeps the application: the assistant no longer sees it."""
        now = self.s.clock.now()
        with self.s.uow() as uow:
            app = self._citizen_app(uow, actor, app_id)
            if not _may_revoke(actor, app, uow.households.get(app.household_id)):
                raise Conflict("NO_AUTHORISATION", "这份申请没有可撤销的代办授权")
            app.assistant.revoked_at = now
            uow.applications.update(app)
            _audit(
                uow,
                actor,
                app,
                "revoke_assistant",
                app.stage,
                now,
                reason=f"撤销协理员 {app.assistant.name} 的代办授权",
            )
            return app

    def may_revoke(self, actor: Actor, app: Application) -> bool:
        with self.s.uow() as uow:
            return _may_revoke(actor, app, uow.households.get(app.household_id))

    def resubmit(
        self, actor: Actor, app_id: str, note: str, materials: dict | None, incomes: list | None = None
    ) -> Application:
        """补正: replace just what was sent back for (a photo, the signature, a member's monthly income) and
        return to the stage that asked. `incomes`: [{"member": index, "monthly_income_fen": {source: fen}}]."""
        now = self.s.clock.now()
        new = materials_from(
            materials or {},
            assistant_mode=False,
            partial=True,
            fetch=lambda key: uploads.take(self.s, actor, key),
            images=self.s.images,
        )
        if not (note.strip() or new or incomes):
            raise ValidationError("NOTHING_CORRECTED", "请写一句补了什么，或补交照片、签名，或修改收入")
        with self.s.uow() as uow:
            app = self._citizen_app(uow, actor, app_id)
            before = app.stage
            app.resubmit(now, actor.label, note)
            if incomes:
                household = uow.households.get(app.household_id)
                if not _may_correct_file(actor, app, household):
                    raise Forbidden("FILE_AT_WINDOW", "这户的档案请到乡镇（街道）社会救助窗口修改")
                for line in correct_incomes(household, incomes):
                    uow.audit.append(
                        AuditEvent(
                            actor=actor.label,
                            object_type="household",
                            object_id=household.id,
                            action="edit",
                            at=now,
                            reason=f"补正：{line}",
                        )
                    )
                uow.households.update(household)
            if app.assistant and "signature" in new:  # the resident's new signature is her 授权书 too
                new["assistant_authorisation"] = new["signature"]
            for kind, key in self._storematerials_from(f"{app.id}/v{app.version + 1}", new).items():
                app.materials[kind] = key
            if app.assistant and "assistant_authorisation" in new:
                app.assistant.authorisation_key = app.materials["assistant_authorisation"]
            uow.applications.update(app)
            _audit(uow, actor, app, "resubmit", before, now, reason=note or None)
            return app

    def correctable_file(self, actor: Actor, app: Application) -> Household | None:
        """The household whose incomes this citizen may change in a 补正, if any."""
        with self.s.uow() as uow:
            household = uow.households.get(app.household_id)
        return household if _may_correct_file(actor, app, household) else None

    def status_lookup(self, id_number: str, name: str) -> dict:
        """达川-style lookup by ID number, made safe: the name must match, only stages are shown, and an
        unknown ID, a wrong name and a person without applications all get the very same answer."""
        number = idcard.normalize_number(id_number)
        with self.s.uow() as uow:
            household = uow.households.find_by_id_number(number) if idcard.is_valid_number(number) else None
            match = household and any(m.id_number == number and m.name == name.strip() for m in household.members)
            apps = uow.applications.list_for_household(household.id) if match else []
        if not apps:
            return {"found": False, "applications": [], "message": STATUS_LOOKUP_MISS}
        return {
            "found": True,
            "message": "查询到以下申请（仅显示办理环节）",
            "applications": [{"stage": a.stage.value} for a in apps],
        }

    def complain(
        self, actor: Actor, content: str, *, application_id: str | None, contact: str | None, anonymous: bool
    ) -> Complaint:
        content = (content or "").strip()
        if not 5 <= len(content) <= 2000:
            raise ValidationError("BAD_CONTENT", "举报内容请写 5-2000 字")
        now = self.s.clock.now()
        complaint = Complaint(
            content, now, actor.id, anonymous, application_id or None, (contact or "").strip() or None
        )
        with self.s.uow() as uow:
            uow.complaints.add(complaint)
            uow.audit.append(
                AuditEvent(
                    actor="citizen:anonymous" if anonymous else actor.label,
                    object_type="complaint",
                    object_id=complaint.id,
                    action="complaint_filed",
                    at=now,
                )
            )
        return complaint

    # ================================================================ staff side

    def queue(self, actor: Actor, stage: Stage | None, cursor: str | None = None) -> Page[Application]:
        if actor.kind != "staff":
            raise Forbidden("ROLE_REQUIRED", "仅限工作人员")
        with self.s.uow() as uow:
            page = uow.applications.list_in_area(actor.area_code, stage, limit=50, cursor=cursor)
        if actor.role == Role.APPROVER and stage == Stage.APPROVAL:  # 协同办理: her department's part only
            page.items = [a for a in page.items if a.awaits(actor.department)]
        return page

    def case(self, actor: Actor, app_id: str) -> tuple[Application, Household]:
        """Any staff member in the area may read a case; the read is audited."""
        with self.s.uow() as uow:
            app = self._staff_app(uow, actor, app_id)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label, object_type="application", object_id=app.id, action="view", at=self.s.clock.now()
                )
            )
            return app, uow.households.get(app.household_id)

    @staticmethod
    def _staff_app(uow: UnitOfWork, actor: Actor, app_id: str) -> Application:
        require_role(actor, *Role)
        app = uow.applications.get(app_id)
        if app is None:
            raise NotFound("APPLICATION_NOT_FOUND", "找不到该申请")
        require_area(actor, app.village_code)
        return app

    def material(self, actor: Actor, app_id: str, kind: str) -> tuple[bytes, str]:
        """ID photos and signed forms: only the roles that handle cases, inside their area; audited."""
        require_role(actor, *CASE_ROLES)
        with self.s.uow() as uow:
            app = self._staff_app(uow, actor, app_id)
            key = app.materials.get(kind)
            if key is None:
                raise NotFound("MATERIAL_NOT_FOUND", "该申请没有这份材料")
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="application",
                    object_id=app.id,
                    action="view_material",
                    at=self.s.clock.now(),
                    reason=MATERIALS[kind],
                )
            )
        data = self.s.blobs.get(key)
        return data, image_type(data)

    def sign(self, actor: Actor, signing: Signing, what: str) -> dict:
        """The clerk's e-signature: typed name + PIN checked against their account, digest over the decision."""
        self.s.auth.check_signer(actor, signing.typed_name, signing.pin)
        at = self.s.clock.now().isoformat()
        drawn = hashlib.sha256(signing.drawn_png).hexdigest() if signing.drawn_png else ""
        digest = hashlib.sha256(f"{actor.id}|{signing.typed_name.strip()}|{at}|{what}|{drawn}".encode()).hexdigest()
        signature = {"signer": actor.id, "typed_name": signing.typed_name.strip(), "at": at, "sha256": digest}
        if signing.drawn_png:
            if sniff(signing.drawn_png) != "image/png" or len(signing.drawn_png) > MAX_DRAWN_BYTES:
                raise ValidationError("BAD_SIGNATURE", "手写签名图片无效，请清除后重签")
            signature["drawn_key"] = f"signatures/{digest}.png"
            self.s.blobs.put(signature["drawn_key"], clean_material(signing.drawn_png, self.s.images), "image/png")
        return signature

    def next_steps(
        self, actor: Actor, app: Application, household: Household, advice: dict | None = None
    ) -> list[NextStep]:
        """What this clerk may do to the case now, from the domain's rules (console and staff API alike).
        `advice`: the duplicate-aid advice if the caller has it already (its proposals may be added)."""
        if actor.kind != "staff":
            return []
        if advice is None and app.stage in PROPOSE_STAGES:
            advice = self.advice(app, household)
        proposals = tuple(p["code"] for p in advice["proposals"]) if advice else ()
        return next_steps(app, actor.role, lambda item: _decides(actor, item), proposals)

    def decide(
        self,
        actor: Actor,
        app_id: str,
        version: int,
        phrase: str,
        reason: str,
        signing: Signing,
        *,
        identity_verified: bool = False,
    ) -> Stage:
        """A stage's standard phrase; 生成核对报告 is 核对's first phrase and needs no signature."""
        if phrase == CHECK_REPORT:
            return self.run_check(actor, app_id, version).stage
        signature = self.sign(actor, signing, f"{app_id}|v{version}|{phrase}|{reason}")
        now = self.s.clock.now()
        with self.s.uow() as uow:
            app = self._for_update(uow, actor, app_id, version)
            if app.stage not in STAGE_PHRASES:
                raise Conflict("NO_STAGE_DECISION", f"该申请当前在“{app.stage.value}”环节，没有可办理的决定")
            require_role(actor, STAGE_ROLE[app.stage])
            if phrase == ACCEPT:
                _verify_identity(uow, actor, app, identity_verified, now)
            before = app.stage
            app.decide(phrase, at=now, actor=actor.label, actor_name=actor.name, reason=reason, signature=signature)
            uow.applications.update(app)
            _audit(uow, actor, app, "decide", before, now, phrase=phrase, reason=reason or None)
            messagebus.handle(uow, app.pop_events())
            return app.stage

    def decide_item(
        self,
        actor: Actor,
        app_id: str,
        version: int,
        item_code: str,
        phrase: str,
        reason: str,
        amount_fen: int | None,
        monthly: bool,
        months: int,
        signing: Signing,
    ) -> Application:
        signature = self.sign(actor, signing, f"{app_id}|v{version}|{item_code}|{phrase}|{amount_fen}|{reason}")
        now = self.s.clock.now()
        require_role(actor, Role.APPROVER)
        with self.s.uow() as uow:
            app = self._for_update(uow, actor, app_id, version)
            before = app.stage
            app.decide_item(
                item_code,
                phrase,
                at=now,
                actor=actor.label,
                actor_name=actor.name,
                reason=reason,
                amount_fen=amount_fen,
                monthly=monthly,
                months=months,
                signature=signature,
                department=ANY_DEPARTMENT if actor.role == Role.ADMIN else actor.department,
            )
            uow.applications.update(app)
            _audit(uow, actor, app, f"decide_item:{item_code}", before, now, phrase=phrase, reason=reason or None)
            messagebus.handle(uow, app.pop_events())  # 同意救助: slips and the notice (services/messagebus.py)
            return app

    def green_channel(
        self,
        actor: Actor,
        app_id: str,
        version: int,
        item_code: str,
        amount_fen: int,
        reason: str,
        signing: Signing,
        *,
        identity_verified: bool = False,
        cosigner: CoSigner | None = None,
    ) -> Application:
        """绿色通道: 先救助、后补办. A one-off slip now; the case goes on as its paperwork, with its own limit.
        The amount is capped (item standard, county maximum); above a threshold a second clerk co-signs."""
        require_role(actor, *GREEN_ROLES)
        second = self._green_limits(actor, app_id, item_code, amount_fen, cosigner)
        signature = self.sign(actor, signing, f"{app_id}|v{version}|green|{item_code}|{amount_fen}|{reason}")
        if second:
            signature["second_signer"] = second.id
        now = self.s.clock.now()
        with self.s.uow() as uow:
            app = self._for_update(uow, actor, app_id, version)
            _verify_identity(uow, actor, app, identity_verified, now)
            app.grant_green_channel(
                at=now,
                actor=actor.label,
                actor_name=actor.name,
                item_code=item_code,
                amount_fen=amount_fen,
                reason=reason,
                signature=signature,
            )
            uow.applications.update(app)
            _audit(uow, actor, app, "green_channel", app.stage, now, phrase="绿色通道", reason=reason)
            messagebus.handle(uow, app.pop_events())  # the same consequences as any grant: services/messagebus.py
            return app

    def _green_limits(
        self, actor: Actor, app_id: str, item_code: str, amount_fen: int, cosigner: CoSigner | None
    ) -> Actor | None:
        """Checked before anything is signed or written; returns the co-signer when one was needed."""
        with self.s.uow() as uow:
            village = self._staff_app(uow, actor, app_id).village_code
        if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
            raise ValidationError("BAD_AMOUNT", "请填写应急救助金额")
        ceiling = green_ceiling(item_code, village, self.s.config.green_max_fen)
        if amount_fen > ceiling:
            raise ValidationError("GREEN_OVER_LIMIT", f"应急救助金额不能超过 {yuan(ceiling)} 元（事项标准和全县上限）")
        threshold = self.s.config.green_second_signer_fen
        if amount_fen <= threshold:
            return None
        if cosigner is None or not cosigner.username:
            raise ValidationError(
                "SECOND_SIGNER_REQUIRED", f"应急救助金额超过 {yuan(threshold)} 元，须另一名工作人员复核签字"
            )
        return self.s.auth.check_cosigner(actor, cosigner.username, cosigner.pin, village, *GREEN_ROLES)

    def run_check(self, actor: Actor, app_id: str, version: int) -> Application:
        """核对: build the economic-status report from the household file and imported department data."""
        require_role(actor, Role.CHECKING)
        now = self.s.clock.now()
        with self.s.uow() as uow:
            app = self._for_update(uow, actor, app_id, version)
            if app.stage != Stage.CHECKING:
                raise Conflict("NOT_IN_CHECKING", f"该申请当前在“{app.stage.value}”环节")
            household = uow.households.get(app.household_id)
            app.check_report = check_report(uow, self.s.cipher, app, household, now)
            uow.applications.update(app)
            _audit(uow, actor, app, "check_report", app.stage, now, reason="生成家庭经济状况核对报告")
            return app

    def check_id_photo(self, actor: Actor, app_id: str, version: int, engine) -> Application:
        """Read the ID photo (OCR) and compare it with the household head's name and number; the result is kept.
        The slow read runs outside the transaction; storing it still needs the version the clerk saw."""
        require_role(actor, *ID_CHECK_ROLES)
        with self.s.uow() as uow:
            app = self._staff_app(uow, actor, app_id)
            head = uow.households.get(app.household_id).head
        if "id_photo" not in app.materials:
            raise NotFound("MATERIAL_NOT_FOUND", "该申请没有身份证照片")
        result = self._read_id_photo(app, head, engine)
        with self.s.uow() as uow:
            app = self._for_update(uow, actor, app_id, version)
            return self._keep_id_check(uow, actor, app, result)

    def check_submitted_photo(self, app_id: str, engine) -> None:
        """The `ocr` job queued by every submit: the photo is read once and the result waits on the case for
        the clerk. Safe to run twice (the second run finds the result and stops)."""
        with self.s.uow() as uow:
            app = uow.applications.get(app_id)
            if app is None or app.id_check or "id_photo" not in app.materials:
                return
            head = uow.households.get(app.household_id).head
        result = self._read_id_photo(app, head, engine)
        for _ in range(3):  # a clerk may act meanwhile: keep the result on the newest version
            try:
                with self.s.uow() as uow:
                    fresh = uow.applications.get(app_id)
                    if not fresh.id_check:
                        self._keep_id_check(uow, SYSTEM, fresh, result)
                    return
            except Conflict:
                continue

    def _read_id_photo(self, app: Application, head, engine) -> dict:
        try:
            photo = self.s.blobs.get(app.materials["id_photo"])
            return check_idcard(photo, self.s.images, engine, head.name, head.id_number)
        except (ValidationError, TooLarge) as exc:  # an unreadable photo is a finding too: ask for 补正
            return {"checks": {"readable": False}, "warnings": [{"message": exc.message}]}

    def _keep_id_check(self, uow: UnitOfWork, actor: Actor, app: Application, result: dict) -> Application:
        now = self.s.clock.now()
        # kept without the number, name or address read from the card: the household file has them
        app.id_check = {
            "checked_at": now.isoformat(),
            "by": actor.name,
            "checks": result["checks"],
            "warnings": [w["message"] for w in result["warnings"]],
        }
        uow.applications.update(app)
        _audit(uow, actor, app, "id_check", app.stage, now, reason=f"身份证照片识别：{len(result['warnings'])} 条提示")
        return app

    def propose(self, actor: Actor, app_id: str, version: int, item_code: str) -> Application:
        require_role(actor, *PROPOSE_ROLES)
        now = self.s.clock.now()
        with self.s.uow() as uow:
            app = self._for_update(uow, actor, app_id, version)
            app.propose(catalogue_item(item_code), at=now, actor=actor.label, actor_name=actor.name)
            uow.applications.update(app)
            _audit(uow, actor, app, "propose_item", app.stage, now, reason=item_code)
            return app

    def _for_update(self, uow: UnitOfWork, actor: Actor, app_id: str, version: int) -> Application:
        app = self._staff_app(uow, actor, app_id)
        if app.version != version:
            raise Conflict(
                "STALE_VERSION",
                "该申请刚刚已被他人处理，请刷新页面查看最新状态",
                details={"current_version": app.version, "stage": app.stage.value},
            )
        return app

    def advice(self, app: Application, household: Household) -> dict:
        """Before approval: aid that can't be combined with what the household gets, and likely aid not asked for."""
        with self.s.uow() as uow:
            current = current_aid_codes(uow, household, exclude=app.id)
        return advice(app, household, current, self.s.clock.today())

    def dashboard(self, actor: Actor, warn_days: int) -> dict:
        """For the actor's area: open cases by stage with yellow/red (read from the county's stage queues,
        open cases only), and this year's closed cases and granted amounts (counters, kept with each
        application write), so the page reads no more than the open work and one counter item."""
        require_role(actor, *Role)
        today = self.s.clock.today()
        stats = {s: {"total": 0, workdays.YELLOW: 0, workdays.RED: 0} for s in Stage}
        green_pending = 0
        with self.s.uow() as uow:
            for stage in OPEN_STAGES:
                queue = all_pages(lambda c, stage=stage: uow.applications.list_in_area(actor.area_code, stage, 500, c))
                for app in queue:
                    row = stats[stage]
                    row["total"] += 1
                    mark = workdays.level(today, app.due_on, warn_days)
                    if mark in (workdays.YELLOW, workdays.RED):
                        row[mark] += 1
                    green_pending += bool(app.green and app.green.pending)
            figures = uow.applications.tallies(actor.area_code, today.year)
        for stage in TERMINAL:
            stats[stage]["total"] = figures.get(f"stage:{stage.value}", 0)
        return {
            "stages": stats,
            "granted_fen": figures.get("granted_fen", 0),
            "green_pending": green_pending,
            "overdue": sum(r[workdays.RED] for r in stats.values()),
            "year": today.year,
        }

    def overdue(self, actor: Actor) -> list[Application]:
        """纪委监督: every open case past its limit in the actor's area."""
        require_role(actor, Role.DISCIPLINE, Role.CENTRE, Role.SUPERVISION)
        yesterday = date.fromordinal(self.s.clock.today().toordinal() - 1)
        with self.s.uow() as uow:
            return all_pages(lambda c: uow.applications.list_due(yesterday, 500, c, area_code=actor.area_code))

    def complaints(self, actor: Actor, cursor: str | None = None) -> Page[Complaint]:
        require_role(actor, Role.DISCIPLINE)
        with self.s.uow() as uow:
            uow.audit.append(
                AuditEvent(
                    actor=actor.label, object_type="complaint", object_id="*", action="list", at=self.s.clock.now()
                )
            )
            return uow.complaints.list_recent(limit=50, cursor=cursor)

    def scan_deadlines(self, warn_days: int = workdays.DEFAULT_WARN_DAYS) -> dict:
        """The deadline job: one warning per case, stage and level, recorded and sent to the responsible role."""
        today, now = self.s.clock.today(), self.s.clock.now()
        horizon = workdays.add_working_days(today, warn_days).due
        counts = {workdays.YELLOW: 0, workdays.RED: 0}
        with self.s.uow() as uow:
            due = all_pages(lambda c: uow.applications.list_due(horizon, 500, c))
        for app in due:  # one unit per case: its mark, audit event and notices commit together
            warning = app.deadline_warning(now, warn_days)
            if warning is None:
                continue
            with self.s.uow() as uow:
                if not uow.kv.put_if_absent(
                    "deadline_warnings",
                    f"{app.id}:{app.stage}:{app.due_on}:{warning.level}",
                    {"at": now.isoformat(), "due_on": app.due_on.isoformat()},
                ):
                    continue
                counts[warning.level] += 1
                messagebus.handle(uow, [warning])
        return counts


# ==================================================================== helpers and views


def all_pages(fetch) -> list:
    out, cursor = [], None
    while True:
        page = fetch(cursor)
        out += page.items
        if not page.next_cursor:
            return out
        cursor = page.next_cursor


def _audit(
    uow: UnitOfWork,
    actor: Actor,
    app: Application,
    action: str,
    before: Stage | None,
    at,
    *,
    phrase: str | None = None,
    reason: str | None = None,
) -> None:
    uow.audit.append(
        AuditEvent(
            actor=actor.label,
            object_type="application",
            object_id=app.id,
            action=action,
            at=at,
            from_state=before.value if before else None,
            to_state=app.stage.value,
            phrase=phrase,
            reason=reason,
        )
    )


def _may_revoke(actor: Actor, app: Application, household: Household) -> bool:
    """Only the household's owner (bound, services/households/binding.py), of an assistant's authorisation in force."""
    return bool(
        app.assistant
        and not app.assistant.revoked_at
        and app.assistant.openid != actor.id
        and household.owner_openid == actor.id
    )


def _may_correct_file(actor: Actor, app: Application, household: Household) -> bool:
    """Her own household, or one this very application filed (协理员 mode) and nobody has bound since."""
    if household.owner_openid == actor.id:
        return True
    return household.owner_openid is None and app.applicant_openid == actor.id and not app.identity_check


def _verify_identity(uow: UnitOfWork, actor: Actor, app: Application, verified: bool, now) -> None:
    """Nothing moves on for a household on file until the window has checked who applied (issue 18)."""
    if not app.identity_check:
        return
    if not verified:
        raise ValidationError(
            "IDENTITY_UNVERIFIED",
            "该户已在档案中，提交人尚未证明身份：请先核对身份证"
            "（代办的还要核对被代办人签字的代办授权书），再勾选“已核验身份”",
        )
    uow.audit.append(
        AuditEvent(
            actor=actor.label,
            object_type="application",
            object_id=app.id,
            action="identity_verified",
            at=now,
            reason=app.identity_check,
        )
    )
    app.identity_check = None


def _decides(actor: Actor, item: RequestedItem) -> bool:
    """协同办理: a department approver decides only her department's items (民政 approves 低保, not 教育资助)."""
    return actor.role == Role.ADMIN or item.deciding_department == actor.department


def timeline(app: Application) -> list[dict]:
    """What the applicant sees: each stage with its date and phrase, never the clerk's personal details."""
    names = {i.code: i.name for i in app.items}
    return [
        {
            "stage": s.stage.value,
            "action": STEP_WORDS.get(s.action, s.action),
            "at": s.at.isoformat(),
            "phrase": s.phrase,
            "reason": s.reason,
            "item": names.get(s.item_code) if s.item_code else None,
        }
        for s in app.history
    ]


STEP_WORDS = {
    "submitted": "提交申请",
    "decided": "办理",
    "item_decided": "审批",
    "corrected": "补正后重新提交",
    "withdrawn": "撤回申请",
    "green_channel": "开通绿色通道（先救助、后补办）",
    "proposed": "工作人员建议增加救助事项",
}


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


def _correction_reason(app: Application) -> str | None:
    """What the clerk asked to fix: the reason of the 退回补正 that sent the case back."""
    if app.stage != Stage.CORRECTION:
        return None
    return next((s.reason for s in reversed(app.history) if s.phrase == RETURN), None)


def _masked_resident(helper: dict) -> dict:
    return {
        "name": mask_name(str(helper["resident_name"]).strip()),
        "id_number": mask_id_number(idcard.normalize_number(helper["resident_id_number"])),
    }


def application_view(
    app: Application, today: date, warn_days: int = workdays.DEFAULT_WARN_DAYS, *, resident: dict | None = None
) -> dict:
    """The citizen's JSON shape of an application; `resident` (masked) is shown to the assistant who applied."""
    return {
        "id": app.id,
        "stage": app.stage.value,
        "open": app.open,
        "submitted_at": app.submitted_at.isoformat(),
        "due_on": app.due_on.isoformat() if app.due_on else None,
        "due_approximate": app.due_approximate,
        "deadline_level": workdays.level(today, app.due_on, warn_days),
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "department": i.department,
                "decision": i.decision,
                "reason": i.reason,
                "amount_fen": i.amount_fen,
                "monthly": i.monthly,
                "proposed": bool(i.proposed_by),
            }
            for i in app.items
        ],
        "assistant": None
        if not app.assistant
        else {
            "name": app.assistant.name,
            "authorisation_signed_on": app.assistant.signed_on.isoformat(),
            "revoked": bool(app.assistant.revoked_at),
            "resident": resident,
        },
        "green_channel": None
        if not app.green
        else {
            "amount_fen": app.green.amount_fen,
            "paperwork_due": app.green.paperwork_due.isoformat(),
            "paperwork_status": "手续待补办" if app.green.pending else "手续已补齐",
        },
        "correction_requested": app.stage == Stage.CORRECTION,
        "correction_reason": _correction_reason(app),
        "time_limits": time_limits((i.code, i.name) for i in app.items),
        "timeline": timeline(app),
    }


def run_id_check_jobs(services, engine, lease_seconds: int = 300) -> int:
    """Local stand-in for the OCR queue (`yimen serve`): check every submitted photo waiting in the outbox."""
    service, done = ApplicationService(services), 0
    while True:
        now = services.clock.now()
        with services.uow() as uow:
            jobs = uow.job_leases.claim(OCR_JOB, now, now + timedelta(seconds=lease_seconds), 5)
        if not jobs:
            return done
        for job in jobs:
            service.check_submitted_photo(job.payload["application_id"], engine)
            with services.uow() as uow:
                uow.job_leases.finish(job.id, "done")
            done += 1
