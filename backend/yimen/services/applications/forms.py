"""The application form: requested items, materials (base64 or uploaded images), a new household and its members.
Validation only: every problem is a ValidationError in plain Chinese naming the field."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from yimen.domain.errors import ValidationError
from yimen.domain.model import Household, Member, Relation
from yimen.domain.policy import catalogue
from yimen.domain.workflow import RequestedItem
from yimen.ports_ocr import Images
from yimen.services.households.file import HOUSEHOLD_LABELS, MAX_MEMBERS, household_details, new_member
from yimen.services.ocr.photos import clean_material

MATERIALS = {
    "id_photo": "身份证照片",
    "application_letter": "申请书",
    "authorisation": "核对授权书",
    "signature": "手写签名",
    "assistant_authorisation": "代办授权书",
}
MAX_MATERIAL_BYTES = 4 * 1024 * 1024
IMAGE_MAGIC = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def catalogue_item(code: str) -> RequestedItem:
    item = catalogue().get(str(code))
    if item is None:
        raise ValidationError("UNKNOWN_ITEM", f"没有代码为“{code}”的救助事项")
    return RequestedItem(item.code, item.name, item.department, item.approver)


def requested_items(raw) -> list[RequestedItem]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 10:
        raise ValidationError("ITEMS_REQUIRED", "请选择要申请的救助事项（1-10 项）")
    codes = list(dict.fromkeys(str(c) for c in raw))
    return [catalogue_item(c) for c in codes]


def emergency_text(raw) -> str | None:
    if raw in (None, ""):
        return None
    text = str(raw.get("kind", "") if isinstance(raw, dict) else raw).strip()
    detail = str(raw.get("description", "") if isinstance(raw, dict) else "").strip()
    return "：".join(filter(None, (text, detail)))[:200] or None


def image_type(data: bytes) -> str:
    for magic, kind in IMAGE_MAGIC.items():
        if data.startswith(magic):
            return kind
    raise ValidationError("BAD_IMAGE", "材料须为 JPG 或 PNG 图片")


def materials_from(
    raw, *, assistant_mode: bool, fetch: Callable[[object], bytes], images: Images, partial: bool = False
) -> dict[str, bytes]:
    """Images by kind: base64 text, or {"upload_key": ...} for a photo already sent straight to the blob
    store (`fetch` reads it). Required: ID photo, and the two signed forms or an on-screen signature."""
    if not isinstance(raw, dict):
        raise ValidationError("MATERIALS_REQUIRED", "请上传身份证照片和签字材料")
    out = {}
    for kind, value in raw.items():
        if kind not in MATERIALS:
            raise ValidationError("UNKNOWN_MATERIAL", f"未知的材料类型：{kind}")
        data = fetch(value.get("upload_key")) if isinstance(value, dict) else base64_image(kind, value)
        if len(data) > MAX_MATERIAL_BYTES:
            raise ValidationError("MATERIAL_TOO_LARGE", f"{MATERIALS[kind]}超过 4MB，请压缩后上传")
        out[kind] = clean_material(data, images)  # checked and re-encoded like every photo: no 500, no location
    if partial:
        return out
    missing = [] if "id_photo" in out else ["身份证照片"]
    if "signature" not in out:
        missing += [MATERIALS[k] for k in ("application_letter", "authorisation") if k not in out]
    if assistant_mode and "assistant_authorisation" not in out:
        missing.append("被代办人签字的代办授权书")
    if missing:
        raise ValidationError("MATERIALS_REQUIRED", f"缺少材料：{'、'.join(missing)}")
    return out


def base64_image(kind: str, text) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("BAD_MATERIAL", f"{MATERIALS[kind]}不是有效的图片数据") from exc


def household_from_form(raw) -> Household:
    """A new household from the application form: members with their incomes, property and expenses."""
    if not isinstance(raw, dict) or not isinstance(raw.get("members"), list) or not raw["members"]:
        raise ValidationError("HOUSEHOLD_REQUIRED", "请填写家庭信息和家庭成员")
    village = str(raw.get("village_code") or "")
    if len(village) != 12 or not village.isdigit():
        raise ValidationError("BAD_VILLAGE", "请选择所在村（社区）")
    members = [_member_from_form(i, m) for i, m in enumerate(raw["members"][:MAX_MEMBERS])]
    if len({m.id_number for m in members}) != len(members):
        raise ValidationError("DUPLICATE_MEMBER", "家庭成员的身份证号有重复")
    details = household_details({k: raw[k] for k in HOUSEHOLD_LABELS if k in raw})
    return Household(
        village_code=village,
        members=members,
        **{"address": "", **details},
        bank_card=str(raw.get("bank_card") or "").replace(" ", "") or None,
        bank_name=str(raw.get("bank_name") or "").strip() or None,
    )


def _member_from_form(i: int, raw) -> Member:
    if not isinstance(raw, dict):
        raise ValidationError("BAD_MEMBER", f"第 {i + 1} 位家庭成员格式不正确")
    return new_member(raw, f"第 {i + 1} 位家庭成员", Relation.HEAD if i == 0 else Relation.OTHER)
