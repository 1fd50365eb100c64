"""Numbers as people say them: sums of money ("一万五", "两千块") and ages ("八十多了"), which hint at an aid."""

import re

CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"万": 10000, "千": 1000, "元": 1, "块": 1}
AGE = re.compile(r"(\d{2,3}|[一二三四五六七八九十百零]+)多?(?:岁|了)")
AMOUNT = re.compile(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)(万|千|元|块)([一二两三四五六七八九\d])?")
SPENT_BEFORE = re.compile("[花掏出剩付欠借用费差垫]")  # 花了, 自己掏, 还要出, 还剩, 自付, 欠了, 医疗费, 还差, 垫了


def cn_number(text: str) -> int:
    """一 .. 一百九十九 as people write them: 三, 十五, 二十, 三十五, 一百零一."""
    hundreds, has_hundreds, rest = text.rpartition("百")
    if has_hundreds:
        return CN_DIGITS.get(hundreds, 1) * 100 + cn_number(rest.lstrip("零"))
    if "十" not in text:
        return CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return CN_DIGITS.get(tens, 1) * 10 + CN_DIGITS.get(ones, 0)


def parse_amount_fen(text: str) -> int | None:
    """The first sum of money in a question ("3万", "一万五", "15000元", "两千块") in fen, or None."""
    match = AMOUNT.search(text)
    return fen(match) if match else None


def spent_match(text: str) -> re.Match | None:
    """The last sum said to be spent: in "花了五万多，医保报了还剩两万" the family pays 两万."""
    spent = [m for m in AMOUNT.finditer(text) if SPENT_BEFORE.search(text[max(0, m.start() - 4) : m.start()])]
    return spent[-1] if spent else None


def age_80(text: str) -> re.Match | None:
    """The first age of 80 or more in the text."""
    for match in AGE.finditer(text):
        number = match.group(1)
        if (int(number) if number.isdigit() else cn_number(number)) >= 80:
            return match
    return None


def fen(match: re.Match) -> int:
    """An AMOUNT match in fen."""
    number, unit, tail = match.groups()
    value = float(number) if number[0].isdigit() else cn_number(number)
    yuan_amount = value * UNITS[unit]
    if tail and unit in ("万", "千"):  # 一万五 = 15000, 两千五 = 2500
        digit = int(tail) if tail.isdigit() else CN_DIGITS[tail]
        yuan_amount += digit * UNITS[unit] // 10
    return int(yuan_amount * 100)
