"""The second-generation resident ID card: GB 11643-1999 number rules, GB/T 2260 regions, and reading the
front side (人像面) out of OCR lines by their layout.

Pure: no image library and no OCR engine here. Lines come in as text plus a 4-point box in image pixels;
everything a clerk is told comes out as `Finding(code, message)` with a stable code.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from statistics import median

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
GBT2260_CSV = Path(__file__).resolve().parents[1] / "data" / "gbt2260.csv"

# What an OCR engine reads instead of a digit; only these are ever repaired (never digit-for-digit).
DIGIT_CONFUSIONS = {"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "B": "8", "S": "5", "s": "5"}
LAST_CONFUSIONS = {**DIGIT_CONFUSIONS, "x": "X", "×": "X"}
ETHNIC_GROUPS = (
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
)
FIELD_LABELS = {"name": "姓名", "gender": "性别", "ethnicity": "民族", "birth_date": "出生", "address": "住址"}


@dataclass(frozen=True)
class Finding:
    """One warning for the person or the clerk: `code` is stable, `message` is shown as is."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


# ---- the number ----------------------------------------------------------------------------------


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date_in(number: str) -> date | None:
    """The date in digits 7-14, or None when it is not a real date (19900231) or not a plausible one."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if born.year >= 1880 else None


def gender_in(number: str) -> str:
    """The 17th digit: odd for men, even for women."""
    return "男" if int(number[16]) % 2 else "女"


def is_valid_number(number: str) -> bool:
    return bool(ID_PATTERN.match(number)) and check_digit(number[:17]) == number[17] and bool(birth_date_in(number))


def normalize_number(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper().replace("×", "X")


# ---- regions (GB/T 2260) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    province: str
    prefecture: str
    until: str  # last revision (YYYYMM) that listed it; "" while in force

    @property
    def full_name(self) -> str:
        parts = [self.province, self.prefecture, self.name]
        unique = [p for i, p in enumerate(parts) if p and p not in parts[:i]]
        return "".join(unique) + (f"（{self.until[:4]}年后已撤销）" if self.until else "")


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    with GBT2260_CSV.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {r["code"]: Division(r["code"], r["name"], r["province"], r["prefecture"], r["until"]) for r in rows}


def division(code: str) -> Division | None:
    return divisions().get(code)


# ---- single-confusion repair ---------------------------------------------------------------------


@dataclass(frozen=True)
class NumberReading:
    number: str | None  # a well-formed 18-character number, or None when it cannot be read safely
    finding: Finding | None = None
    repaired: bool = False


def read_number(raw: str | None, printed_birth: date | None) -> NumberReading:
    """Clean the OCR text of the number; repair exactly one look-alike character when that alone makes the
    number valid and agree with the printed birth date. Anything else is reported, never guessed."""
    text = re.sub(r"\s+", "", raw or "")
    if not text:
        return NumberReading(None, Finding("ID_NUMBER_MISSING", "没有读到公民身份号码，请把号码一行拍清楚。"))
    if len(text) != 18:
        return NumberReading(None, Finding("ID_NUMBER_FORMAT", f"读到的号码有{len(text)}位，身份证号码应为18位。"))
    odd = [i for i, c in enumerate(text) if not (c.isdigit() or (i == 17 and c == "X"))]
    if not odd:
        return NumberReading(text)
    if len(odd) == 1:
        i = odd[0]
        table = LAST_CONFUSIONS if i == 17 else DIGIT_CONFUSIONS
        if text[i] in table:
            candidate = text[:i] + table[text[i]] + text[i + 1 :]
            if is_valid_number(candidate) and printed_birth in (None, birth_date_in(candidate)):
                message = f"号码第{i + 1}位识别为“{text[i]}”，按校验规则应为“{candidate[i]}”，已自动更正，请核对。"
                return NumberReading(candidate, Finding("ID_NUMBER_REPAIRED", message), repaired=True)
    shown = "、".join(f"第{i + 1}位“{text[i]}”" for i in odd)
    return NumberReading(None, Finding("ID_NUMBER_UNREADABLE", f"号码中{shown}无法确认，请重新拍摄清楚。"))


# ---- layout parsing of the front side ------------------------------------------------------------


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[tuple[float, float], ...]  # four corners in image pixels, any starting corner
    score: float = 1.0

    @property
    def center(self) -> tuple[float, float]:
        return sum(p[0] for p in self.box) / 4, sum(p[1] for p in self.box) / 4


@dataclass
class FrontFields:
    name: str | None = None
    gender: str | None = None
    ethnicity: str | None = None
    birth_date: date | None = None
    address: str | None = None
    id_text: str | None = None  # the number as read, before any repair
    orientation: int = 0  # degrees the photo is turned clockwise from upright, as read from the layout
    labels_found: int = 0


@dataclass
class _Placed:
    """A line in card coordinates: u along the reading direction, v down the card."""

    text: str
    u0: float
    v0: float
    v1: float

    @property
    def v(self) -> float:
        return (self.v0 + self.v1) / 2


ID_LIKE = re.compile(r"[0-9OoDIl|BSsXx×]{14,}")
CJK = re.compile(r"[\u3400-\u9fff]")
BACK_SIDE_WORDS = ("中华人民共和国", "居民身份证", "签发机关", "有效期限")


def _id_text(text: str) -> str | None:
    """The number-looking run in a line, with the 公民身份号码 label and spaces removed."""
    found = ID_LIKE.findall(CJK.sub(" ", text).replace(" ", ""))
    return max(found, key=len) if found else None


def axis_angle(lines: list[OcrLine]) -> float:
    """Direction of the text baseline (mod 180°), averaged as doubled angles so 179° and 1° agree."""
    sx = sy = 0.0
    for line in lines:
        (x0, y0), (x1, y1), (x2, y2) = line.box[0], line.box[1], line.box[2]
        a, b = (x1 - x0, y1 - y0), (x2 - x1, y2 - y1)
        long_edge, short = (a, b) if math.hypot(*a) >= math.hypot(*b) else (b, a)
        length = math.hypot(*long_edge)
        if length < 2 * math.hypot(*short):
            continue  # a square box ("男") says nothing about the direction
        theta = math.atan2(long_edge[1], long_edge[0])
        sx, sy = sx + length * math.cos(2 * theta), sy + length * math.sin(2 * theta)
    return math.atan2(sy, sx) / 2 if sx or sy else 0.0


def _reading_direction(lines: list[OcrLine]) -> tuple[float, float]:
    """Unit vector of the reading direction. The engine's classifier turns upside-down text itself, so
    only the layout tells which way the card lies: the number line sits below the 姓名/性别/出生 rows."""
    theta = axis_angle(lines)
    r = (math.cos(theta), math.sin(theta))
    number = next((ln for ln in lines if _id_text(ln.text)), None)
    top = [ln for ln in lines if re.search("姓名|性别|民族|出生|住址", ln.text)]
    if number and top:
        (nx, ny), (tx, ty) = number.center, top[0].center
        want = (ny - ty, -(nx - tx))  # reading direction is "down" turned 90° anticlockwise
    else:
        want = (1.0, -0.01)  # no anchors: assume upright
    return r if r[0] * want[0] + r[1] * want[1] >= 0 else (-r[0], -r[1])


def _place(lines: list[OcrLine], r: tuple[float, float]) -> list[_Placed]:
    d = (-r[1], r[0])
    placed = []
    for ln in lines:
        us = [x * r[0] + y * r[1] for x, y in ln.box]
        vs = [x * d[0] + y * d[1] for x, y in ln.box]
        placed.append(_Placed(ln.text.strip(), min(us), min(vs), max(vs)))
    return placed


def _rows(placed: list[_Placed]) -> list[list[_Placed]]:
    if not placed:
        return []
    tol = 0.5 * median(p.v1 - p.v0 for p in placed)
    rows: list[list[_Placed]] = []
    for p in sorted(placed, key=lambda p: p.v):
        if rows and abs(p.v - median(q.v for q in rows[-1])) <= tol:
            rows[-1].append(p)
        else:
            rows.append([p])
    return [sorted(row, key=lambda p: p.u0) for row in rows]


@dataclass(frozen=True)
class _Row:
    text: str  # the row's lines joined left to right, spaces removed
    labelled: bool  # starts in the label column (姓名, 性别, ... are printed left-aligned)


def _joined_rows(placed: list[_Placed]) -> list[_Row]:
    rows = _rows(placed)
    if not rows:
        return []
    label_u = min(p.u0 for p in placed)
    slack = median(p.v1 - p.v0 for p in placed)
    return [_Row(re.sub(r"\s+", "", "".join(p.text for p in row)), row[0].u0 - label_u < slack) for row in rows]


def _strip_label(row: _Row, label: str) -> str:
    """Drop a leading two-character label, even one the OCR got a character of wrong (娃名) - but only
    when the row starts in the label column, so a name like 王名扬 whose label went unseen stays whole.
    Overlapping detector boxes can echo the label's last character ("姓名" + "名袁强芳"); no name or
    address starts with 名 or 址, so that echo goes too."""
    text = row.text
    if text.startswith(label) or (row.labelled and len(text) > 2 and (text[0] == label[0] or text[1] == label[1])):
        text = text[2:]
        return text[1:] if text.startswith(label[1]) else text
    return text


def _orientation(r: tuple[float, float]) -> int:
    return round(math.degrees(math.atan2(r[1], r[0])) / 90) % 4 * 90


def parse_front(lines: list[OcrLine]) -> FrontFields:
    """Read the fields of the front side from OCR lines by their rows: labels first, positions second."""
    r = _reading_direction(lines)
    rows = _joined_rows(_place(lines, r))
    fields = FrontFields(orientation=_orientation(r))
    number_at = next((i for i in range(len(rows) - 1, -1, -1) if _id_text(rows[i].text)), None)
    if number_at is not None:
        fields.id_text = _id_text(rows[number_at].text)
    body = rows[:number_at] if number_at is not None else rows
    found = {
        key: next((i for i, row in enumerate(body) if label in row.text), None) for key, label in FIELD_LABELS.items()
    }
    fields.labels_found = sum(v is not None for v in found.values())
    _read_name(fields, body, found)
    _read_gender_ethnicity(fields, body, found)
    _read_birth(fields, body, found)
    _read_address(fields, body, found)
    return fields


def _row_at(body: list[_Row], at: int | None, fallback: int) -> _Row | None:
    """The row a label was found on, else the row where it sits on every card."""
    at = fallback if at is None else at
    return body[at] if 0 <= at < len(body) else None


def _read_name(fields: FrontFields, body: list[_Row], found: dict[str, int | None]) -> None:
    row = _row_at(body, found["name"], 0)
    if row:
        name = "".join(re.findall(r"[\u3400-\u9fff·]", _simplified(_strip_label(row, "姓名"), NAME_CHARS)))
        fields.name = name or None


def _read_gender_ethnicity(fields: FrontFields, body: list[_Row], found: dict[str, int | None]) -> None:
    row = _row_at(body, found["gender"] if found["gender"] is not None else found["ethnicity"], 1)
    if not row:
        return
    gender = re.search("[男女]", row.text.replace("性别", ""))
    fields.gender = gender.group() if gender else None
    text = _simplified(row.text)  # 漢 -> 汉
    tail = text.rsplit("族", 1)[-1] if "族" in text else text[gender.end() + 2 :] if gender else ""
    fields.ethnicity = max((g for g in ETHNIC_GROUPS if tail.endswith(g)), key=len, default=None)


DATE_IN_ROW = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
# Digits read as letters inside the printed date; S/s are left alone since no date row holds them.
_DIGIT_LOOKALIKES = str.maketrans({k: v for k, v in DIGIT_CONFUSIONS.items() if k not in "sS"})


def _read_birth(fields: FrontFields, body: list[_Row], found: dict[str, int | None]) -> None:
    candidates = [found["birth_date"]] if found["birth_date"] is not None else range(len(body))
    for i in candidates:
        m = DATE_IN_ROW.search(body[i].text.translate(_DIGIT_LOOKALIKES))
        if m:
            try:
                fields.birth_date = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                fields.birth_date = None
            return


def _read_address(fields: FrontFields, body: list[_Row], found: dict[str, int | None]) -> None:
    """From the 住址 row (or the row after 出生) down to the number row, joined."""
    start = found["address"]
    if start is None:
        start = (found["birth_date"] if found["birth_date"] is not None else 2) + 1
    parts = [_strip_label(body[start], "住址")] if start < len(body) else []
    parts += [row.text for row in body[start + 1 :]]
    fields.address = _simplified("".join(parts)) or None


# Outside GB 2312 yet standard in names (通用规范汉字表), so never "simplified" away.
NAME_CHARS = frozenset("昇陞甦栢")


def _simplified(text: str, keep: frozenset[str] = frozenset()) -> str:
    """The recogniser sometimes prints a traditional form (涼 for 凉, 黃 for 黄). Convert only characters
    outside GB 2312, so simplified ones that zhconv would "convert" (乾 -> 干 in 乾县) stay as printed."""
    import zhconv  # on first use: it loads pkg_resources (~120 ms), which the API's cold start should not pay

    return "".join(c if c in keep or _in_gb2312(c) else zhconv.convert(c, "zh-cn") for c in text)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


# ---- checks --------------------------------------------------------------------------------------


@dataclass
class FrontCheck:
    id_number: str | None
    region: str | None
    checks: dict[str, bool | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def check_front(
    fields: FrontFields, expected_name: str | None = None, expected_id_number: str | None = None
) -> FrontCheck:
    """Every rule a clerk would check by eye, each failure a Finding."""
    reading = read_number(fields.id_text, fields.birth_date)
    result = FrontCheck(reading.number, None, {"repaired": reading.repaired})
    if reading.finding:
        result.findings.append(reading.finding)
    for key, label in FIELD_LABELS.items():
        if getattr(fields, key) is None:
            result.findings.append(Finding("FIELD_MISSING", f"没有读到“{label}”，请把证件拍完整、拍清楚。"))
    if reading.number:
        _check_number(reading.number, fields, result)
    _check_expected(result, expected_name, expected_id_number, fields.name)
    return result


def _check(result: FrontCheck, key: str, ok: bool | None, code: str, message: str) -> None:
    result.checks[key] = ok
    if ok is False:
        result.findings.append(Finding(code, message))


def _check_number(number: str, fields: FrontFields, result: FrontCheck) -> None:
    digit_ok = check_digit(number[:17]) == number[17]
    _check(result, "check_digit", digit_ok, "ID_CHECK_DIGIT", "身份证号码校验位不对，可能拍得不清或号码有误，请核对。")
    born = birth_date_in(number)
    _check(result, "birth_date_valid", born is not None, "ID_BIRTH_INVALID", "号码中的出生日期不是一个真实的日期。")
    printed = fields.birth_date
    _check(
        result,
        "birth_date_matches",
        None if not (born and printed) else born == printed,
        "ID_BIRTH_MISMATCH",
        "号码中的出生日期与证件上印的“出生”不一致。",
    )
    _check(
        result,
        "gender_matches",
        None if not fields.gender else gender_in(number) == fields.gender,
        "ID_GENDER_MISMATCH",
        "号码第17位（奇数为男，偶数为女）与证件上印的“性别”不一致。",
    )
    region = division(number[:6])
    result.region = region.full_name if region else None
    _check(
        result,
        "region_known",
        region is not None,
        "ID_REGION_UNKNOWN",
        f"号码前六位“{number[:6]}”不是已知的行政区划代码。",
    )


NAME_MISMATCH = Finding("EXPECTED_NAME_MISMATCH", "填写的姓名与身份证照片上的姓名不一致。")
NUMBER_MISMATCH = Finding("EXPECTED_ID_MISMATCH", "填写的身份证号码与照片上的号码不一致。")


def name_matches(expected_name: str, name_on_card: str | None) -> bool:
    return re.sub(r"\s+", "", expected_name) == name_on_card


def number_matches(expected_id: str, number_on_card: str | None) -> bool:
    return normalize_number(expected_id) == number_on_card


def _check_expected(result: FrontCheck, expected_name: str | None, expected_id: str | None, name: str | None) -> None:
    if expected_name:
        ok = name_matches(expected_name, name)
        _check(result, "name_matches_expected", ok, NAME_MISMATCH.code, NAME_MISMATCH.message)
    if expected_id:
        ok = number_matches(expected_id, result.id_number)
        _check(result, "id_matches_expected", ok, NUMBER_MISMATCH.code, NUMBER_MISMATCH.message)


def looks_like_back_side(lines: list[OcrLine]) -> bool:
    text = "".join(ln.text for ln in lines)
    return sum(word in text for word in BACK_SIDE_WORDS) >= 2 and not any(_id_text(ln.text) for ln in lines)
