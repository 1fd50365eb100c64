"""Keyword intents: what a question asks, by the lexicon's weighted cue words and question forms."""

import re
from collections.abc import Collection

from yimen.services.policy.qa.numbers import spent_match
from yimen.services.policy.qa.phrases import ItemPhrases, sound_keys

POSITION_BONUS = 1.0  # a cue at the very end of the question weighs (1 + this) times one at the start
# a sum spent on illness ("住院花了五万", "医保报了还剩两万") asks how much help it brings unless the question
# says otherwise: it weighs more than a bare yes/no form (at most 6: "自己还要出三万，能再补点吗") and less
# than a word such as 条件 or 能报销
SPENT_WEIGHT = 7


def read_intents(lexicon: dict) -> tuple[dict[str, dict], list[tuple[str, re.Pattern, int]]]:
    """The lexicon's intents (name -> label and weighted words) and question forms (intent, pattern, weight)."""
    intents = {
        name: {"label": spec["label"], "words": {str(w): n for w, n in spec["words"].items()}}
        for name, spec in lexicon["intents"].items()
    }
    patterns = [
        (intent, re.compile(p["re"]), p["weight"]) for intent, entries in lexicon["patterns"].items() for p in entries
    ]
    unknown = {intent for intent, _, _ in patterns} - set(intents)
    if unknown:
        raise ValueError(f"policy_lexicon.yaml: patterns for unknown intents {', '.join(sorted(unknown))}")
    return intents, patterns


class KeywordIntents:
    """Scores each intent by its keywords (also typed with same-sound characters, "才料") and question forms,
    cues near the end of the question weighing more: that is where people ask."""

    def __init__(self, *, intents: dict[str, dict], patterns: list[tuple[str, re.Pattern, int]], phrases: ItemPhrases):
        self.intents = intents
        self.patterns = patterns
        self.phrases = phrases
        self.keywords: dict[str, list[tuple[str, int]]] = {}
        for name, spec in intents.items():
            for word, weight in spec["words"].items():
                self.keywords.setdefault(word, []).append((name, weight))
        self.keyword_re = _lookahead(self.keywords)
        sounds = phrases.sounds
        misspellable = {w: tuple(self.keywords[w]) for w in self.keywords if any(ord(c) in sounds for c in w)}
        self.sound_keywords = sound_keys(misspellable, sounds)
        self.sound_keyword_re = _lookahead(self.sound_keywords)

    def label(self, intent: str) -> str:
        return self.intents[intent]["label"]

    def keywords_in(self, text: str) -> list[tuple[int, str]]:
        """(end, keyword) for the keywords in the text, leaving out those inside a longer one: "还能领"
        counts for 能否同时享受 and not also "能领" for 条件; "能救助多少" counts both "能救助" and "救助多少"."""
        spans = [(m.start(), m.start() + len(m.group(1)), m.group(1)) for m in self.keyword_re.finditer(text)]
        spans += self.misspelt_keywords(text)
        return [
            (end, word)
            for start, end, word in spans
            if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
        ]

    def misspelt_keywords(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, keyword) for keywords typed with same-sound characters ("才料" for 材料, "复合" for
        复核), like item phrases: at most half of the characters differ, no aid's name is read as a
        misspelt keyword ("低保多少" holds no 报多少), and only in a question about aid."""
        sounds = text.translate(self.phrases.sounds)
        found = []
        for m in self.sound_keyword_re.finditer(sounds):
            word = self.sound_keywords[m.group(1)]
            start, end = m.start(), m.start() + len(word)
            typed = text[start:end]
            differ = sum(a != b for a, b in zip(typed, word, strict=True))
            if 0 < 2 * differ <= len(word) and not self.phrases.covers(text, start, end):
                found.append((start, end, word))
        return found if found and self.phrases.about_aid(text, sounds) else []

    def spelt_right(self, text: str) -> str:
        """The text with its misspelt intent keywords spelt right, for the question forms as for the
        keywords: "没批，我想申请复合" asks for a 复核 after a refusal. A same-sound spelling has the
        keyword's length, so positions (and so the weight near the end) stay as typed."""
        chars = list(text)
        for start, end, word in self.misspelt_keywords(text):
            chars[start:end] = word
        return "".join(chars)

    def asks(self, clause: str) -> bool:
        """Whether the clause holds an intent keyword or a question form."""
        return bool(self.keywords_in(clause)) or any(p.search(clause) for _, p, _ in self.patterns)

    def ranking(self, text: str) -> list[tuple[str, float]]:
        """Intents with a positive score, most likely first (ties: the earlier intent of the lexicon).

        Keywords and question forms add their weight, more the nearer they are to the end: in "协理员
        问：帮张大爷申请低保，他儿子在外省，怎么算收入" the question is the last clause, the rest is the story.
        """
        scores = dict.fromkeys(self.intents, 0.0)
        for end, word in self.keywords_in(text):
            for intent, weight in self.keywords[word]:
                scores[intent] += weight * _near_end(end, text)
        spelt = self.spelt_right(text)
        for intent, pattern, weight in self.patterns:
            ends = [m.end() for m in pattern.finditer(spelt)]
            if ends:
                scores[intent] += weight * _near_end(ends[-1], text)
        if spent_match(text):
            scores["standard"] += SPENT_WEIGHT
        ranked = sorted(scores.items(), key=lambda pair: -pair[1])  # stable: the lexicon's order on ties
        return [(intent, score) for intent, score in ranked if score > 0]


def _lookahead(words: Collection[str]) -> re.Pattern:
    """Finds the longest of the words starting at every position, overlaps included."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(f"(?=({alternatives}))")


def _near_end(end: int, text: str) -> float:
    return 1 + POSITION_BONUS * end / max(len(text), 1)
