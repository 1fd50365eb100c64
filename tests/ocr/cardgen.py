"""Synthetic ID-card photos of fictional people, for tests and benchmarks/bench_ocr.py.

Everything is drawn with Pillow from a seed: the front (人像面) and back (国徽面) of a second-generation
card, then phone-photo perturbations (perspective on a table, tilt, 90/180°, blur, JPEG artefacts, low
resolution, glare, noise, greyscale). Names are drawn from common characters and are no one's.
"""

from __future__ import annotations

import glob
import io
import random
import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from yimen.domain.idcard import OcrLine, check_digit

W, H = 1000, 630  # 85.6 x 54 mm at ~11.7 px/mm
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国玉春梅林红志忠德文海燕云飞鹏俊学宇晓"
ETHNICITIES = ["汉", "汉", "汉", "汉", "彝", "藏", "回", "土家", "蒙古", "苗"]
# Real county codes with their names, so the printed address agrees with the number's region.
COUNTIES = [
    ("511703", "四川省达州市达川区"),
    ("511722", "四川省达州市宣汉县"),
    ("511781", "四川省达州市万源市"),
    ("370104", "山东省济南市槐荫区"),
    ("371581", "山东省聊城市临清市"),
    ("331125", "浙江省丽水市云和县"),
    ("320412", "江苏省常州市武进区"),
    ("513401", "四川省凉山彝族自治州西昌市"),
]
TOWNS = ["河市镇", "南外镇", "石梯镇", "麻柳镇", "大堰乡", "百节镇", "双庙镇", "金垭镇"]
VILLAGES = ["青龙村", "新华村", "石板村", "柏树村", "桥湾村", "长岭村", "红星村", "松林村"]


@dataclass(frozen=True)
class Person:
    name: str
    gender: str
    ethnicity: str
    birth: date
    address: str
    id_number: str
    printed_birth: date | None = None  # differs from the number's date only in negative samples

    @property
    def shown_birth(self) -> date:
        return self.printed_birth or self.birth


@lru_cache(maxsize=1)
def font_path() -> str:
    """A CJK font from fonts-wqy-microhei (scripts/apt-packages.txt); fontconfig first, known paths next."""
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}", "sans:lang=zh-cn"], capture_output=True, text=True)
        if out.stdout.endswith((".ttc", ".ttf", ".otf")) and ("wqy" in out.stdout or "Noto" in out.stdout):
            return out.stdout
    for pattern in ("/usr/share/fonts/truetype/wqy/wqy-*.tt[cf]", "/usr/share/fonts/**/NotoSansCJK*.tt[co]"):
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    raise RuntimeError("没有中文字体：请安装 fonts-wqy-microhei（scripts/apt-packages.txt）")


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(), size)


def make_number(region: str, birth: date, gender: str, seq: int) -> str:
    order = seq * 2 + (1 if gender == "男" else 0)
    first17 = f"{region}{birth:%Y%m%d}{order % 1000:03d}"
    return first17 + check_digit(first17)


def make_person(rng: random.Random) -> Person:
    gender = rng.choice("男女")
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    birth = date(1935, 1, 1) + timedelta(days=rng.randrange(365 * 70))
    region, place = rng.choice(COUNTIES)
    address = f"{place}{rng.choice(TOWNS)}{rng.choice(VILLAGES)}{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
    number = make_number(region, birth, gender, rng.randrange(500))
    return Person(name, gender, rng.choice(ETHNICITIES), birth, address, number)


@lru_cache(maxsize=1)
def _card_base() -> np.ndarray:
    """Pale blue-grey guilloche-ish background of the card (the same on every card, so computed once)."""
    grad = np.linspace(0, 1, W, dtype=np.float32)[None, :] * np.ones((H, 1), np.float32)
    waves = np.sin(np.arange(W)[None, :] / 9.0 + np.arange(H)[:, None] / 23.0).astype(np.float32) * 6
    return np.stack([228 + 14 * grad + waves, 236 + 10 * grad + waves, 242 + 6 * grad], axis=-1)


def _speckle(shape: tuple[int, ...], rng: random.Random, spread: int) -> np.ndarray:
    return np.random.default_rng(rng.randrange(1 << 30)).integers(-spread, spread + 1, shape, dtype=np.int16)


def _background(rng: random.Random) -> Image.Image:
    base = _card_base() + _speckle((H, W, 3), rng, 3)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))


def _rounded(card: Image.Image) -> Image.Image:
    mask = Image.new("L", card.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, W - 1, H - 1), radius=36, fill=255)
    card.putalpha(mask)
    return card


def draw_front(p: Person, rng: random.Random) -> Image.Image:
    card = _background(rng)
    d = ImageDraw.Draw(card)
    label, value, big = (40, 110, 150), (20, 20, 20), font(34)
    lab = font(30)
    d.text((60, 70), "姓  名", font=lab, fill=label)
    d.text((185, 64), p.name, font=font(40), fill=value)
    d.text((60, 150), "性  别", font=lab, fill=label)
    d.text((185, 146), p.gender, font=big, fill=value)
    d.text((330, 150), "民  族", font=lab, fill=label)
    d.text((445, 146), p.ethnicity, font=big, fill=value)
    b = p.shown_birth
    d.text((60, 225), "出  生", font=lab, fill=label)
    d.text((185, 221), f"{b.year}  年  {b.month}  月  {b.day}  日", font=big, fill=value)
    d.text((60, 300), "住  址", font=lab, fill=label)
    for i in range(0, len(p.address), 12):
        d.text((185, 296 + (i // 12) * 50), p.address[i : i + 12], font=big, fill=value)
    d.text((60, 535), "公民身份号码", font=lab, fill=label)
    d.text((335, 528), p.id_number, font=font(42), fill=value)
    _portrait(d, rng)
    return _rounded(card)


def _portrait(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    """A plain silhouette where the photo goes: no face of anyone."""
    x0, y0 = 690, 90
    tone = rng.randint(150, 200)
    d.rectangle((x0, y0, x0 + 250, y0 + 330), fill=(tone, tone + 20, 240))
    d.ellipse((x0 + 70, y0 + 60, x0 + 180, y0 + 190), fill=(90, 70, 60))
    d.pieslice((x0 + 20, y0 + 200, x0 + 230, y0 + 420), 180, 360, fill=(40, 40, 60))


def draw_back(rng: random.Random) -> Image.Image:
    card = _background(rng)
    d = ImageDraw.Draw(card)
    d.ellipse((70, 50, 250, 230), fill=(200, 30, 30))
    d.regular_polygon((160, 140, 50), 5, fill=(250, 210, 0))
    d.text((330, 80), "中华人民共和国", font=font(60), fill=(20, 20, 20))
    d.text((380, 190), "居民身份证", font=font(66), fill=(20, 20, 20))
    start = date(2010, 1, 1) + timedelta(days=rng.randrange(3650))
    d.text((150, 420), "签发机关", font=font(30), fill=(20, 20, 20))
    d.text((320, 416), "达州市公安局达川区分局", font=font(34), fill=(20, 20, 20))
    d.text((150, 500), "有效期限", font=font(30), fill=(20, 20, 20))
    end = start.replace(year=start.year + 20)
    d.text((320, 496), f"{start:%Y.%m.%d}-{end:%Y.%m.%d}", font=font(34), fill=(20, 20, 20))
    return _rounded(card)


def draw_receipt(rng: random.Random) -> Image.Image:
    """Not an ID card: a shop receipt."""
    page = Image.new("RGB", (700, 900), (248, 248, 244))
    d = ImageDraw.Draw(page)
    d.text((200, 40), "超市购物小票", font=font(44), fill=(20, 20, 20))
    for i, item in enumerate(["大米 5kg  39.90", "菜籽油  68.00", "鸡蛋 30枚  24.50", "食盐  3.00"]):
        d.text((60, 160 + i * 70), item, font=font(34), fill=(20, 20, 20))
    d.text((60, 500), f"合计 {rng.randint(100, 200)}.40 元  谢谢惠顾", font=font(34), fill=(20, 20, 20))
    return page


# ---- phone-photo perturbations -------------------------------------------------------------------


def _table(size: tuple[int, int], rng: random.Random) -> Image.Image:
    w, h = size
    tone = np.array(rng.choice([(150, 110, 80), (190, 180, 165), (90, 90, 95), (205, 200, 190)]), np.float32)
    grain = (np.sin(np.arange(h, dtype=np.float32) / rng.uniform(3, 9)) * 8)[:, None, None]
    arr = tone[None, None, :] + grain + _speckle((h, w, 3), rng, 6)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return list(np.linalg.solve(np.array(rows, float), np.array(rhs, float)))


def on_table(card: Image.Image, rng: random.Random, skew: float = 0.05, margin: float = 0.12) -> Image.Image:
    """Lay the card on a table and photograph it slightly from the side."""
    cw, ch = card.size
    out_w, out_h = int(cw * (1 + 2 * margin)), int(ch * (1 + 2 * margin * 1.4))
    ox, oy = (out_w - cw) / 2, (out_h - ch) / 2

    def jitter(x: float, y: float) -> tuple[float, float]:
        return x + rng.uniform(-skew, skew) * cw, y + rng.uniform(-skew, skew) * ch

    dst = [jitter(ox, oy), jitter(ox + cw, oy), jitter(ox + cw, oy + ch), jitter(ox, oy + ch)]
    src = [(0, 0), (cw, 0), (cw, ch), (0, ch)]
    warped = card.transform(
        (out_w, out_h), Image.Transform.PERSPECTIVE, _perspective_coeffs(dst, src), Image.Resampling.BILINEAR
    )
    photo = _table((out_w, out_h), rng)
    photo.paste(warped, (0, 0), warped)
    return photo


def to_rgb(card: Image.Image) -> Image.Image:
    if card.mode == "RGBA":
        flat = Image.new("RGB", card.size, (120, 120, 120))
        flat.paste(card, (0, 0), card)
        return flat
    return card.convert("RGB")


def glare(img: Image.Image, rng: random.Random) -> Image.Image:
    """A soft light reflection away from the number line."""
    w, h = img.size
    cx, cy, r = rng.uniform(0.55, 0.8) * w, rng.uniform(0.15, 0.4) * h, 0.22 * w
    yy, xx = np.mgrid[0:h, 0:w]
    spot = np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)))[..., None] * 0.55
    arr = np.asarray(img, float)
    return Image.fromarray(np.clip(arr + (255 - arr) * spot, 0, 255).astype(np.uint8))


def noise(img: Image.Image, rng: random.Random, sigma: float = 9) -> Image.Image:
    arr = np.asarray(img, float) + np.random.default_rng(rng.randrange(1 << 30)).normal(0, sigma, (*img.size[::-1], 3))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def dim(img: Image.Image) -> Image.Image:
    return ImageEnhance.Contrast(ImageEnhance.Brightness(img).enhance(0.7)).enhance(0.8)


def greyscale(img: Image.Image) -> Image.Image:
    return img.convert("L").convert("RGB")


def blur(img: Image.Image, radius: float) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius))


def scale(img: Image.Image, factor: float) -> Image.Image:
    return img.resize((int(img.width * factor), int(img.height * factor)), Image.Resampling.LANCZOS)


def rotate(img: Image.Image, degrees: float) -> Image.Image:
    if degrees % 90 == 0:
        return img.rotate(degrees, expand=True)
    return img.rotate(degrees, expand=True, resample=Image.Resampling.BICUBIC, fillcolor=(140, 120, 100))


# ---- the sample set ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    name: str
    image: Image.Image
    person: Person | None  # None for back sides and non-cards
    expect_ok: bool  # positive sample: every field exact and no data warning
    expect: str = ""  # warning or error code a negative sample must raise


POSITIVE_STYLES = [
    "plain",
    "table",
    "tilt",
    "rot90",
    "rot180",
    "rot270",
    "blur",
    "jpeg",
    "lowres",
    "glare",
    "noise",
    "dim",
]


def positive(style: str, p: Person, rng: random.Random) -> Image.Image:
    card = draw_front(p, rng)
    photo = to_rgb(card) if style == "plain" else on_table(card, rng)
    steps = {
        "plain": lambda im: im,
        "table": lambda im: im,
        "tilt": lambda im: rotate(im, rng.uniform(-6, 6)),
        "rot90": lambda im: rotate(im, 90),
        "rot180": lambda im: rotate(im, 180),
        "rot270": lambda im: rotate(im, 270),
        "blur": lambda im: blur(im, 1.2),
        "jpeg": lambda im: jpeg(im, 30),
        "lowres": lambda im: scale(im, 0.6),
        "glare": lambda im: glare(im, rng),
        "noise": lambda im: noise(im, rng),
        "dim": lambda im: dim(im),
    }
    return steps[style](photo)


def _corrupt(p: Person, kind: str, rng: random.Random) -> Person:
    n = p.id_number
    if kind == "ID_CHECK_DIGIT":
        wrong = next(c for c in "0123456789X" if c != n[17] and c != n[16])
        return replace(p, id_number=n[:17] + wrong)
    if kind == "ID_BIRTH_MISMATCH":
        return replace(p, printed_birth=p.birth + timedelta(days=rng.randint(40, 400)))
    if kind == "ID_GENDER_MISMATCH":
        return replace(p, gender="女" if p.gender == "男" else "男")
    if kind == "ID_REGION_UNKNOWN":
        first17 = "519999" + n[6:17]
        return replace(p, id_number=first17 + check_digit(first17))
    raise ValueError(kind)


def build_samples(seed: int = 2026, positives_per_style: int = 4) -> list[Sample]:
    rng = random.Random(seed)
    samples = []
    for style in POSITIVE_STYLES:
        for i in range(positives_per_style):
            p = make_person(rng)
            samples.append(Sample(f"{style}-{i}", positive(style, p, rng), p, True))
    for kind in ("ID_CHECK_DIGIT", "ID_BIRTH_MISMATCH", "ID_GENDER_MISMATCH", "ID_REGION_UNKNOWN"):
        for i in range(2):
            p = _corrupt(make_person(rng), kind, rng)
            samples.append(Sample(f"{kind.lower()}-{i}", on_table(draw_front(p, rng), rng), p, False, kind))
    samples += _bad_photos(rng)
    return samples


def _photocopy(p: Person, rng: random.Random) -> Image.Image:
    card = draw_front(p, rng)
    copy = greyscale(to_rgb(card))
    copy.putalpha(card.getchannel("A"))
    return copy


def _bad_photos(rng: random.Random) -> list[Sample]:
    out = []
    for i in range(2):
        p = make_person(rng)
        # A grey photo of the card, and a photocopy lying on a coloured table photographed in colour.
        grey = greyscale(on_table(draw_front(p, rng), rng)) if i == 0 else on_table(_photocopy(p, rng), rng)
        out.append(Sample(f"grey-{i}", grey, p, False, "GREYSCALE_COPY"))
        cut = on_table(draw_front(p, rng), rng)
        out.append(Sample(f"cut-{i}", cut.crop((0, 0, int(cut.width * 0.62), cut.height)), p, False, "CARD_CUT_OFF"))
        out.append(Sample(f"back-{i}", on_table(draw_back(rng), rng), None, False, "IDCARD_BACK_SIDE"))
        out.append(Sample(f"receipt-{i}", draw_receipt(rng), None, False, "NOT_AN_IDCARD"))
        out.append(Sample(f"tiny-{i}", scale(on_table(draw_front(p, rng), rng), 0.18), p, False, "IMAGE_TOO_SMALL"))
        out.append(Sample(f"blurred-{i}", blur(on_table(draw_front(p, rng), rng), 7), p, False, "IMAGE_TOO_BLURRED"))
    return out


# ---- what an engine returns for a card, for tests of the parser and of the read strategy -------------


def card_layout(number: str) -> list[tuple[str, int, int, int, int]]:
    """(text, x0, y0, x1, y1) of each line as the engine reads an upright 1000x630 front side."""
    return [
        ("姓名", 56, 69, 149, 106),
        ("李秀英", 172, 62, 300, 112),
        ("性别", 56, 148, 155, 187),
        ("女", 185, 146, 220, 186),
        ("民族土家", 325, 144, 520, 188),
        ("出生", 57, 225, 146, 261),
        ("1980年3月7日", 181, 221, 505, 260),
        ("住址", 56, 300, 143, 336),
        ("四川省达州市达川区河市", 182, 296, 593, 336),
        ("镇青龙村3组12号", 184, 347, 534, 383),
        ("公民身份号码", 59, 536, 242, 571),
        (number, 332, 533, 749, 573),
    ]


def card_lines(number: str, turn: int = 0, w: float = 1000, h: float = 630) -> list[OcrLine]:
    """The same card photographed turned `turn` degrees clockwise; corners start top-left as the engine
    gives them, so the reading direction is not in the point order."""

    def move(x: float, y: float) -> tuple[float, float]:
        return {0: (x, y), 90: (h - y, x), 180: (w - x, h - y), 270: (y, w - x)}[turn]

    out = []
    for text, x0, y0, x1, y1 in card_layout(number):
        pts = [move(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        out.append(OcrLine(text, ((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)))))
    return out[::-1] if turn else out
