"""Normalising: one spelling for a question however it was typed, so every later step matches one form."""

import re
import unicodedata

import zhconv

# normalised questions keep their clause breaks as this one mark
CLAUSE = "，"
# clause breaks (a "." between digits is a decimal point) and marks that carry no meaning. A space is a
# clause break: voice input and quick typing separate clauses with spaces, not commas ("嗯 那个 俩娃都上小学
# 这种能吃低保不"), and Chinese puts no spaces between words
CLAUSE_MARKS = re.compile(r"[\s,!?;:。！？；：…~～]+|(?<!\d)\.|\.(?!\d)")
OTHER_MARKS = re.compile(r"[、“”\"'（）()【】\[\]]+")


class Normaliser:
    """Simplified characters, no spaces or quotes, clause breaks kept as one "，", dialect and misspellings
    rewritten by the lexicon's `rewrite` table (longest phrase first)."""

    def __init__(self, *, rewrite: dict[str, str]):
        pattern = re.compile("|".join(re.escape(k) for k in sorted(rewrite, key=len, reverse=True)))
        self.rewrite = lambda text: pattern.sub(lambda m: rewrite[m.group(0)], text)

    def __call__(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text)  # full-width digits and letters -> ASCII
        text = zhconv.convert(text, "zh-cn")
        text = CLAUSE_MARKS.sub(CLAUSE, text)
        text = OTHER_MARKS.sub("", text).lower()
        text = re.sub(f"{CLAUSE}+", CLAUSE, text).strip(CLAUSE)
        return self.rewrite(text)
