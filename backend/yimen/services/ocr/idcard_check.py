"""Check a photo of an ID card's front side: harden the upload, read it, and tell the person what is wrong.

Flow for a good photo, upright or turned: decode once, measure sharpness and colour on a thumbnail, one
engine call, layout parsing. The photo is turned and read again only when that read finds no card or a
turned card lacks a field, so the common case costs little more than the engine call itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from yimen.domain import idcard
from yimen.domain.errors import ValidationError
from yimen.domain.idcard import Finding, FrontFields, OcrLine
from yimen.domain.masking import mask_id_number
from yimen.ports_ocr import Images, OcrEngine, Picture
from yimen.services.ocr.photos import load_upload, photo_slot

MIN_SIDE = 320  # below this the 18 digits are a few pixels tall
OCR_LONG_SIDE = 1600  # larger photos are shrunk first: the detector works at ~1000 px anyway
SHARPNESS_UNREADABLE = 12.0  # Laplacian variance on the 640-px thumbnail; calibrated on tests/ocr
SHARPNESS_SOFT = 40.0
SATURATION_GREY = 18  # 95th percentile of HSV saturation (0-255); blue labels and the portrait are far above
FULL_READ = 6  # FrontFields' five text fields and a valid number
BORDER_MARGIN = 0.012  # text this close to the image edge means the card runs past it

TOO_BLURRED = ("IMAGE_TOO_BLURRED", "照片太模糊，看不清字，请对准身份证、拿稳手机重新拍摄。")


# ---- quality measures ----------------------------------------------------------------------------


def card_saturation(image: Picture, lines: list[OcrLine]) -> float:
    """95th percentile of HSV saturation inside the box around the text: the card, not the table under it
    (a photocopy laid on a wooden table is still grey)."""
    xs = [x for ln in lines for x, _ in ln.box] or [0, image.width]
    ys = [y for ln in lines for _, y in ln.box] or [0, image.height]
    return image.saturation((max(0, min(xs)), max(0, min(ys)), min(image.width, max(xs)), min(image.height, max(ys))))


# ---- reading -------------------------------------------------------------------------------------


@dataclass
class _Read:
    lines: list[OcrLine]
    fields: FrontFields
    image: Picture  # as read: shrunk and possibly turned, so the boxes are in its pixels

    @property
    def found_card(self) -> bool:
        return bool(self.fields.id_text) and self.fields.labels_found >= 2

    @property
    def completeness(self) -> int:
        """Fields read, plus one for a number that passes its check digit."""
        f = self.fields
        present = sum(v is not None for v in (f.name, f.gender, f.ethnicity, f.birth_date, f.address))
        return present + idcard.is_valid_number(idcard.normalize_number(f.id_text or ""))


def _read(engine: OcrEngine, image: Picture) -> _Read:
    lines = [ln for ln in engine.read(image) if _meaningful(ln.text)]
    return _Read(lines, idcard.parse_front(lines), image)


def _meaningful(text: str) -> bool:
    """Drop specks the detector finds in the portrait ("●", a lone "D"): no Chinese and hardly any digits."""
    return bool(idcard.CJK.search(text)) or sum(c.isalnum() for c in text) >= 4


def read_card(engine: OcrEngine, image: Picture) -> _Read:
    """One engine call for an upright or 90/180°-turned photo (the layout tells the direction). A second
    call only when needed: a turned card that lacks a field is read again upright (the detector misses
    more on turned text), and a read that found no card is retried on the image turned."""
    first = _read(engine, image)
    if first.found_card:
        if first.fields.orientation and first.completeness < FULL_READ:
            again = _read(engine, image.rotated(first.fields.orientation))
            return again if again.completeness >= first.completeness else first
        return first
    if idcard.looks_like_back_side(first.lines):
        return first
    vertical = abs(math.sin(idcard.axis_angle(first.lines))) > 0.7 if first.lines else False
    for turn in (90, 270) if vertical else (180,):
        again = _read(engine, image.rotated(turn))
        if again.found_card:
            return again
    return first


def _reject_unread(read: _Read, sharp: float) -> None:
    if read.found_card:
        return
    if idcard.looks_like_back_side(read.lines):
        raise ValidationError("IDCARD_BACK_SIDE", "这是身份证的国徽面，请翻过来拍有照片和号码的人像面。")
    if sharp < SHARPNESS_SOFT:
        raise ValidationError(*TOO_BLURRED)
    if read.fields.labels_found == 0 and not read.fields.id_text:
        raise ValidationError("NOT_AN_IDCARD", "照片里没有找到身份证，请把身份证人像面平放、拍完整。")


def _quality_findings(read: _Read, sharp: float, greyscale: bool) -> list[Finding]:
    findings = []
    if greyscale:
        findings.append(Finding("GREYSCALE_COPY", "这张照片是黑白的，像是复印件。请拍摄身份证原件的彩色照片。"))
    if sharp < SHARPNESS_SOFT:
        findings.append(Finding("IMAGE_BLURRY", "照片有些模糊，请仔细核对识别结果，看不清时请重拍。"))
    if _touches_border(read):
        findings.append(Finding("CARD_CUT_OFF", "身份证没有拍全，边上的字被截掉了。请把整张卡片放进画面再拍。"))
    return findings


def _touches_border(read: _Read) -> bool:
    w, h = read.image.size
    mx, my = max(3.0, w * BORDER_MARGIN), max(3.0, h * BORDER_MARGIN)
    return any(x < mx or y < my or x > w - mx or y > h - my for ln in read.lines for x, y in ln.box)


# ---- the use case --------------------------------------------------------------------------------


def check_idcard(
    data: bytes,
    images: Images,
    engine: OcrEngine,
    expected_name: str | None = None,
    expected_id_number: str | None = None,
) -> dict:
    """Read and check an uploaded front-side photo. Unusable photos raise ValidationError/TooLarge."""
    with photo_slot():  # decoded and read in one slot: bounded memory in the OCR worker too
        clean = load_upload(data, images)
        return check_image(clean.image, engine, expected_name, expected_id_number)


def check_image(
    image: Picture, engine: OcrEngine, expected_name: str | None = None, expected_id_number: str | None = None
) -> dict:
    if min(image.size) < MIN_SIDE:
        raise ValidationError("IMAGE_TOO_SMALL", "照片太小，看不清字。请靠近一些，让身份证占满大半个画面再拍。")
    sharp = image.sharpness()
    if sharp < SHARPNESS_UNREADABLE:  # hopeless: spare the person a wait for the engine
        raise ValidationError(*TOO_BLURRED)
    read = read_card(engine, image.shrunk(OCR_LONG_SIDE))
    _reject_unread(read, sharp)
    greyscale = card_saturation(read.image, read.lines) < SATURATION_GREY
    result = idcard.check_front(read.fields, expected_name, expected_id_number)
    findings = _quality_findings(read, sharp, greyscale) + result.findings
    f = read.fields
    return {
        "id_number": result.id_number,
        "name": f.name,
        "gender": f.gender,
        "ethnicity": f.ethnicity,
        "birth_date": f.birth_date.isoformat() if f.birth_date else None,
        "address": f.address,
        "region": result.region,
        "checks": {
            **result.checks,
            "orientation": f.orientation,
            "greyscale": greyscale,
            "sharpness": round(sharp, 1),
            "cut_off": any(x.code == "CARD_CUT_OFF" for x in findings),
        },
        "warnings": [x.as_dict() for x in findings],
    }


# ---- CLI -----------------------------------------------------------------------------------------

FIELD_TITLES = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("ethnicity", "民族"),
    ("birth_date", "出生"),
    ("address", "住址"),
    ("region", "号码所属地区"),
)


def format_result(result: dict) -> str:
    """Plain Chinese for a clerk at a terminal; the number is masked as on every screen."""
    lines = [f"公民身份号码：{mask_id_number(result['id_number']) or '（未读到）'}"]
    lines += [f"{title}：{result[key] or '（未读到）'}" for key, title in FIELD_TITLES]
    if not result["warnings"]:
        lines.append("检查结果：全部通过")
    else:
        lines.append(f"检查结果：{len(result['warnings'])} 项需要注意")
        lines += [f"  - {w['message']}（{w['code']}）" for w in result["warnings"]]
    return "\n".join(lines)
