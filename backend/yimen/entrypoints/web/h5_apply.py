"""申请 / 我的申请 / 查进度 / 我要反映 / 我的幸福清单 as H5 pages. Thin: every rule lives in the services;
these pages keep what was typed, and show each error in plain Chinese next to its field."""

import re
import secrets
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, session
from flask.typing import ResponseReturnValue

from yimen.domain import eligibility, photo_rule
from yimen.domain.errors import YimenError
from yimen.domain.model import HEALTH, Relation
from yimen.domain.money import parse_yuan
from yimen.domain.payee import account_warnings, normalise_account
from yimen.domain.policy import catalogue
from yimen.domain.workflow import Stage
from yimen.entrypoints.web.api_ocr import check_photo
from yimen.entrypoints.web.common import api_doc, check_csrf, current_actor, services
from yimen.entrypoints.web.h5 import citizen_page
from yimen.services.applications.forms import base64_image, image_type
from yimen.services.applications.uploads import new_key, take
from yimen.services.applications.views import application_view
from yimen.services.households.file import INCOME_SOURCES
from yimen.services.ocr.photos import clean_material, load_upload, photo_slot
from yimen.services.staff.regions import villages

bp = Blueprint("h5_apply", __name__)
bp.before_request(check_csrf)  # its forms carry csrf_token(); see common.check_csrf

# Which form field an error belongs next to; anything else shows at the top of the form.
FIELD_OF = {
    "BAD_NAME": "name",
    "BAD_ID_NUMBER": "id_number",
    "BAD_VILLAGE": "village_code",
    "ITEMS_REQUIRED": "items",
    "UNKNOWN_ITEM": "items",
    "MATERIALS_REQUIRED": "materials",
    "SIGNATURE_REQUIRED": "materials",
    "ID_NUMBER_TAKEN": "id_number",
    "NOT_AN_IDCARD": "id_photo",
    "IDCARD_BACK_SIDE": "id_photo",
    "BAD_ASSISTANT": "assistant_name",
    photo_rule.NOT_CONFIRMED: "id_photo",
    "PAYEE_BANK_REQUIRED": "payee_bank",
    "PAYEE_BANK_UNKNOWN": "payee_bank",
    "PAYEE_ACCOUNT_REQUIRED": "payee_account",
    "PAYEE_ACCOUNT_DIGITS": "payee_account",
    "PAYEE_ACCOUNT_LENGTH": "payee_account",
    "PAYEE_HOLDER_REQUIRED": "payee_holder",
    "PAYEE_HOLDER_BAD": "payee_holder",
    "PAYEE_HOLDER_NOT_MEMBER": "payee_holder",
}
MATERIAL_FIELDS = ("id_photo", "signature", "application_letter", "authorisation")


def _doc(summary: str):
    return api_doc(summary, tags=("h5",))


def _villages() -> list[tuple[str, str]]:
    return [(v["code"], v["township"] + v["name"]) for v in villages(uow=services().uow)]


def _actor():
    g.actor = current_actor()
    return g.actor


@bp.route("/apply", methods=["GET", "POST"])
@_doc("我要申请：填写信息、拍身份证、签名")
@citizen_page
def apply() -> ResponseReturnValue:
    owned = services().households.owned_by(_actor().id)
    form = (
        request.form
        if request.method == "POST"
        else {"items": request.args.get("items", ""), **(_from_file(owned[0]) if owned else {})}
    )
    errors: dict[str, str] = {}
    ocr, kept, doubt = None, {}, None
    if request.method == "POST":
        try:
            kept = _kept_materials(request.form, request.files)
            body, ocr = _body_from_form(request.form, kept)
            photo_rule.require_confirmed(ocr["warnings"], bool(request.form.get("photo_confirmed")))
            if (doubt := _card_doubt(body)) and not request.form.get("account_confirmed"):
                errors["payee_account"] = doubt
            else:
                app, _ = services().submission.submit(_actor(), body, request.form.get("idempotency_key", ""))
                return redirect(f"/my/{app.id}?new=1")
        except YimenError as exc:
            field = "id_photo" if exc.code.startswith("IMAGE_") else FIELD_OF.get(exc.code, "form")
            errors[field] = exc.message
    chosen = set(filter(None, (form.getlist("items") if hasattr(form, "getlist") else form["items"].split(","))))
    return render_template(
        "h5/apply.html",
        form=form,
        errors=errors,
        ocr=ocr,
        villages=_villages(),
        items=list(catalogue().items.values()),
        chosen=chosen,
        kept=kept,
        owned=owned,
        members=_member_indexes(form),
        sources=INCOME_SOURCES,
        relations=list(Relation)[1:],
        health=HEALTH,
        disabilities=eligibility.DISABILITY_TYPES,
        banks=services().payees.banks(),
        account_doubt=bool(doubt),
        idempotency_key=request.form.get("idempotency_key") or secrets.token_urlsafe(16),
    )


def _from_file(household) -> dict:
    """A bound resident applies for her household on file: her details are filled in from it."""
    head = household.head
    return {
        "household_id": household.id,
        "name": head.name,
        "id_number": head.id_number,
        "phone": household.phone or "",
        "village_code": household.village_code,
        "address": household.address,
    }


def _member_indexes(form) -> list[int]:
    """The other members typed so far (fields m1_name, m2_name ...), so a page sent back keeps them."""
    return sorted({int(k[1:].split("_")[0]) for k in form if re.fullmatch(r"m\d{1,2}_name", k)})


def _incomes(form, index: int) -> dict[str, int]:
    prefix = f"income:{index}:"
    return {
        k.removeprefix(prefix): fen
        for k in form
        if k.startswith(prefix)
        if (fen := parse_yuan(form[k]) if form[k].strip() else 0)
    }


def _members_from_form(form, name: str, number: str) -> list[dict]:
    """The applicant with her incomes, then each other member as typed (details optional, in plain words)."""
    members: list[dict[str, Any]] = [{"name": name, "id_number": number, "monthly_income_fen": _incomes(form, 0)}]
    for i in _member_indexes(form):
        grade = form.get(f"m{i}_disability_grade", "")
        members.append(
            {
                "name": form.get(f"m{i}_name", ""),
                "id_number": form.get(f"m{i}_id_number", "").strip(),
                "relation": form.get(f"m{i}_relation", ""),
                "health": form.get(f"m{i}_health", ""),
                "disability_type": form.get(f"m{i}_disability_type", ""),
                "disability_grade": int(grade) if grade.isdigit() else None,
                "monthly_income_fen": _incomes(form, i),
            }
        )
    return members


def _kept_materials(form, files) -> dict[str, str]:
    """Upload keys by material. Each photo or signature received is cleaned (EXIF gone) and kept in the
    citizen's upload folder, and its key rides along in the form: a page sent back for a fix does not
    ask the grandmother to take her ID photo or sign again. A newly chosen file replaces the kept one."""
    kept = {}
    for kind in MATERIAL_FIELDS:
        upload = files.get(kind)
        if upload and upload.filename:
            kept[kind] = _keep(load_upload(upload.read(), services().images).jpeg_bytes(), "image/jpeg", kind)
        elif kind == "signature" and form.get("signature", "").startswith("data:image/png;base64,"):
            drawn = clean_material(base64_image(kind, form["signature"].split(",", 1)[1]), services().images)
            kept[kind] = _keep(drawn, image_type(drawn), kind)
        elif form.get(f"{kind}_key"):
            kept[kind] = form[f"{kind}_key"]
    return kept


def _keep(data: bytes, content_type: str, kind: str) -> str:
    key = new_key(_actor(), content_type, kind)
    services().blobs.put(key, data, content_type)
    return key


def _body_from_form(form, kept: dict[str, str]) -> tuple[dict, dict]:
    """The citizen API's JSON body from the H5 form, and the check of the ID photo against what was typed."""
    if "id_photo" not in kept:
        raise YimenError("MATERIALS_REQUIRED", "请拍摄或选择身份证人像面照片")
    name, number = form.get("name", "").strip(), form.get("id_number", "").strip().upper()
    with photo_slot():
        photo = load_upload(take(services().blobs, _actor(), kept["id_photo"]), services().images)
        ocr = check_photo(photo.image, name or None, number or None)
    body = {"items": form.getlist("items"), "materials": {kind: {"upload_key": key} for kind, key in kept.items()}}
    if form.get("household_id") and not form.get("assistant_mode"):  # her own household on file (bound)
        body["household_id"] = form["household_id"]
    else:
        body["household"] = {
            "village_code": form.get("village_code", ""),
            "address": form.get("address", ""),
            "phone": form.get("phone", ""),
            "members": _members_from_form(form, name, number),
        }
    if any(form.get(f"payee_{part}", "").strip() for part in ("account", "bank")):
        body["payee"] = {
            "bank": form.get("payee_bank", ""),
            "account_number": form.get("payee_account", ""),
            "holder_name": form.get("payee_holder", "").strip() or name,
        }
    if form.get("assistant_mode"):  # 协理员 mode: the resident signs on the assistant's phone
        body["assistant"] = {
            "assistant_name": form.get("assistant_name", "").strip(),
            "resident_name": name,
            "resident_id_number": number,
        }
        if "signature" in kept:
            body["materials"]["assistant_authorisation"] = {"upload_key": kept["signature"]}
    return body, ocr


def _card_doubt(body: dict) -> str | None:
    """A UnionPay number whose check digit doesn't add up: asked once, then the person may go on."""
    try:
        doubts = account_warnings(normalise_account(body.get("payee", {}).get("account_number")))
    except YimenError:
        return None  # a malformed number is refused by the service, next to its field
    return doubts[0][1] if doubts else None


@bp.get("/my")
@_doc("我的申请")
@citizen_page
def my_applications():
    today = services().clock.today()
    apps, residents = [], {}  # 我代办的居民: (masked name, masked ID number) -> their applications
    for app, resident in services().citizen_cases.mine(_actor()):
        view = application_view(app, today, resident=resident)
        if resident:
            residents.setdefault((resident["name"], resident["id_number"]), []).append(view)
        else:
            apps.append(view)
    return render_template("h5/my.html", apps=apps, residents=residents)


@bp.get("/my/<app_id>")
@_doc("申请进度（时间线）；需要补正时显示要补什么，可以在这里补")
@citizen_page
def my_application(app_id: str):
    return _timeline(app_id)


def _timeline(app_id: str, errors: dict | None = None, kept: dict | None = None, status: int = 200):
    app = services().citizen_cases.get(_actor(), app_id)
    household = services().citizen_cases.correctable_file(_actor(), app) if app.stage == Stage.CORRECTION else None
    sources = (
        [list(dict.fromkeys([*INCOME_SOURCES, *m.monthly_income_fen])) for m in household.members] if household else []
    )
    return render_template(
        "h5/timeline.html",
        app=application_view(app, services().clock.today()),
        new=request.args.get("new"),
        fixed=request.args.get("fixed"),
        household=household,
        may_revoke=services().citizen_cases.may_revoke(_actor(), app),
        sources=sources,
        errors=errors or {},
        kept=kept or {},
        form=request.form,
        payee=services().citizen_cases.payee(_actor(), app_id),
    ), status


@bp.post("/my/<app_id>/resubmit")
@_doc("补正后重新提交：新照片、重新签名、修改某位家庭成员的月收入，回到要求补正的环节")
@citizen_page
def resubmit(app_id: str):
    kept = {}
    try:
        kept = _kept_materials(request.form, request.files)
        household = services().citizen_cases.correctable_file(_actor(), services().citizen_cases.get(_actor(), app_id))
        services().corrections.resubmit(
            _actor(),
            app_id,
            request.form.get("note", ""),
            {kind: {"upload_key": key} for kind, key in kept.items()},
            _changed_incomes(request.form, household) or None,
        )
    except YimenError as exc:
        return _timeline(app_id, errors={"fix": exc.message}, kept=kept, status=exc.status)
    return redirect(f"/my/{app_id}?fixed=1")


def _changed_incomes(form, household) -> list[dict]:
    """[{"member": index, "monthly_income_fen": {...}}] for the members whose incomes the form changes."""
    changed = []
    for index, member in enumerate(household.members if household else []):
        prefix = f"income:{index}:"
        typed = {k.removeprefix(prefix): form[k].strip() for k in form if k.startswith(prefix)}
        incomes = {source: parse_yuan(text) for source, text in typed.items() if text}
        if typed and {k: v for k, v in incomes.items() if v} != member.monthly_income_fen:
            changed.append({"member": index, "monthly_income_fen": incomes})
    return changed


@bp.post("/my/<app_id>/revoke-assistant")
@_doc("撤销协理员的代办授权（申请继续办理）")
@citizen_page
def revoke_assistant(app_id: str):
    services().withdrawal.revoke_assistant(_actor(), app_id)
    return redirect(f"/my/{app_id}")


@bp.post("/my/<app_id>/withdraw")
@_doc("撤回申请")
@citizen_page
def withdraw(app_id: str):
    services().withdrawal.withdraw(_actor(), app_id, request.form.get("reason", ""))
    return redirect(f"/my/{app_id}")


@bp.route("/status", methods=["GET", "POST"])
@_doc("查进度：身份证号 + 姓名（只显示办理环节）")
def status():
    result, error = None, None
    if request.method == "POST":
        try:
            services().rate_limiter.check("status-lookup", request.remote_addr or "-", 10, 60)
            result = services().citizen_cases.lookup(request.form.get("id_number", ""), request.form.get("name", ""))
        except YimenError as exc:
            error = exc.message
    logged_in = bool(session.get("citizen_token"))
    return render_template("h5/status.html", result=result, error=error, form=request.form, logged_in=logged_in)


@bp.route("/complaint", methods=["GET", "POST"])
@_doc("我要反映：在线举报（纪委监督受理）")
@citizen_page
def complaint():
    error, done = None, None
    if request.method == "POST":
        try:
            done = services().complaints.file(
                _actor(),
                request.form.get("content", ""),
                application_id=request.form.get("application_id") or None,
                contact=request.form.get("contact"),
                anonymous=request.form.get("anonymous") == "1",
            )
        except YimenError as exc:
            error = exc.message
    return render_template(
        "h5/complaint.html", error=error, done=done, form=request.form, mine=services().complaints.mine(_actor())
    )


@bp.get("/happiness")
@_doc("我家的幸福清单（本人登录）")
@citizen_page
def my_happiness():
    lists = services().happiness.mine(_actor())
    if len(lists) == 1:
        return redirect(lists[0][1].replace(services().config.public_base_url.rstrip("/"), ""))
    return render_template("h5/happiness_mine.html", lists=lists)
