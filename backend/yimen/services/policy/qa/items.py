"""Item recognition: which aids a question is about, and how each is named (topic, story, who asks, hint)."""

import re

from yimen.services.policy.qa.intents import KeywordIntents
from yimen.services.policy.qa.numbers import age_80, spent_match
from yimen.services.policy.qa.phrases import FACT, STATUS, TOPIC, WEAK, ItemPhrases
from yimen.services.policy.qa.text import CLAUSE

# a sum spent on illness ("住院花了五万", "医保报了还剩两万") points to the item paid by the sum spent
MEDICAL = frozenset({"yiliao", "linshi-zhichu"})
SPENT_ITEM = "linshi-zhichu"
# an item phrase right after a comparison is a yardstick, not the topic: "比低保线高一点点能评低保边缘户吗"
YARDSTICK_BEFORE = re.compile("(比|超过|超出|高于|低于|不到|达到|够不上)$")
# nor is an item the family is said not to have: "家里没吃低保，残疾人补贴能领不"
NOT_HAD_BEFORE = re.compile("(没|没有|未|不是)(吃|领|拿|享受|申请|评上|办)?过?$")
# nor one already paid out: "医保和医疗救助报完以后自己还掏了三万五，听说有个支出型救助，能补多少" asks
# about what comes after it
PAID_AFTER = re.compile("(都|也|已经)?(报完|报销完|领完|发完|用完)")
# a who-is-asking word right after a verb of applying is what is applied for ("能不能评个低保边缘户",
# "能认定成边缘户吗"), and so is one asked to be explained ("边缘户到底是个啥")
APPLY_BEFORE = re.compile("(评|申请|认定|纳入|当|成为|算)(上|为|成|作)?个?$")
EXPLAINED_AFTER = re.compile("(到底|究竟|具体)?(是|指)(个|的是)?(什么|哪)|什么意思")


def codes(hits: list[tuple[str, int]], below: int = WEAK + 1, in_text_order: bool = False) -> list[str]:
    """Item codes of the hints ranked below `below`, the question's topic first (or in text order)."""
    chosen = [(code, rank) for code, rank in hits if rank < below]
    if not in_text_order:
        chosen.sort(key=lambda hit: hit[1])  # stable: text order within a rank
    return list(dict.fromkeys(code for code, _ in chosen))


class ItemFinder:
    """Item hints of a normalised question: aid phrases ranked by where they stand, the lexicon's question
    patterns (`patterns`: regex -> item code), facts from numbers; an aid named in a clause that asks
    nothing is only the story, and a topic word next to a word for people (`people`) says who is asking."""

    def __init__(
        self,
        *,
        phrases: ItemPhrases,
        patterns: list[tuple[re.Pattern, str]],
        people: tuple[str, ...],
        intents: KeywordIntents,
    ):
        self.phrases = phrases
        self.patterns = patterns
        self.people = people
        self.intents = intents

    def mentions(self, text: str) -> list[tuple[str, int]]:
        """(item code, rank) for each item hint in the text, in text order: phrases by longest dictionary
        match (exact spelling first, then same-sound spelling), question patterns and facts."""
        found, i = [], 0
        sounds = text.translate(self.phrases.sounds)
        while i < len(text):
            phrase = self.phrases.at(text, sounds, i)
            if phrase:
                code, rank = self.phrases.aliases[phrase]
                found.append((i, code, self._rank_here(text, sounds, i, phrase, rank)))
                i += len(phrase)
            else:
                i += 1
        found += [(m.start(), code, TOPIC) for pattern, code in self.patterns for m in pattern.finditer(text)]
        found += self._facts(text, {code for _, code, _ in found})
        story = self._story_clauses(text)
        return [
            (code, FACT if rank == TOPIC and text.count(CLAUSE, 0, i) in story else rank)
            for i, code, rank in sorted(found, key=lambda hit: hit[0])
        ]

    def find(self, text: str) -> list[str]:
        """Item codes, the question's topic first: topic words, facts, who-is-asking words, then hints."""
        return codes(self.mentions(text))

    def _story_clauses(self, text: str) -> set[int]:
        """Numbers of the clauses that ask nothing (no intent keyword, no question form) while another
        clause asks: an aid named there is part of the story, the one named where the question is asked
        is the topic ("俩娃都上小学，这种能吃低保不", "家里没吃低保，残疾人补贴能领不")."""
        clauses = text.split(CLAUSE)
        story = {n for n, clause in enumerate(clauses) if not self.intents.asks(clause)}
        return story if len(story) < len(clauses) else set()

    def _rank_here(self, text: str, sounds: str, start: int, phrase: str, rank: int) -> int:
        """The rank of an item phrase where it stands: after 比/超过 it is a yardstick ("比低保线高"), after
        没 something the family does not have ("没吃低保") and before 报完 something already paid out
        ("医疗救助报完以后"); after 评/申请, or before 是什么, a
        who-is-asking word is what is asked about ("评个低保边缘户", "边缘户是啥"); and a topic word
        followed by a word for people says who is asking ("低保边缘家庭...")."""
        before, end = text[max(0, start - 4) : start], start + len(phrase)
        if YARDSTICK_BEFORE.search(before) or NOT_HAD_BEFORE.search(before) or PAID_AFTER.match(text, end):
            return max(rank, STATUS)
        if rank <= STATUS and (APPLY_BEFORE.search(before) or EXPLAINED_AFTER.match(text, end)):
            return TOPIC
        if rank == TOPIC and self._about_people(text, sounds, start, phrase):
            return STATUS
        return rank

    def _about_people(self, text: str, sounds: str, start: int, phrase: str) -> bool:
        """ "低保边缘家庭能享受教育救助吗", "家里是低保": the item says who is asking, not what about.
        Not when another item phrase follows at once: "特困人员护理费" is the 护理费 of 特困."""
        end = start + len(phrase)
        if self.phrases.at(text, sounds, end):
            return False
        return phrase.endswith(self.people) or text.startswith(self.people, end) or text[start - 1 : start] == "是"

    @staticmethod
    def _facts(text: str, named: set[str]) -> list[tuple[int, str, int]]:
        """Item hints from numbers: a sum spent on illness, an age of 80 or more."""
        facts = []
        spent = spent_match(text)
        if spent and named & MEDICAL:  # "住院花了五万多，医保报了还剩两万"
            facts.append((spent.start(), SPENT_ITEM, FACT))
        age = age_80(text)
        if age:  # "八十五岁的老人", "85岁": 高龄津贴 is the likely topic
            facts.append((age.start(), "gaoling", WEAK))
        return facts
