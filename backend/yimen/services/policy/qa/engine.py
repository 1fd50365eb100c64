"""Policy Q&A: a question as people type it -> a short plain answer from the catalogue or the FAQ.

Pipeline: traditional -> simplified (zhconv), clause breaks (spaces count: voice input has no commas),
misspelling and dialect rewrites (text.py), item detection by longest dictionary match (phrases.py: catalogue
names and aliases + synonyms such as 五保 -> 特困, also with same-sound characters; items.py adds facts such
as an age of 80 or a sum spent on illness (numbers.py); an aid named in a clause that asks nothing, or
already paid out, is only the story, and what a person is like (瘫痪) gives way to an aid named), intent by
weighted keywords, also typed with same-sound characters ("才料"), and question forms (intents.py: cues near
the end of the question weigh more: that is where people ask), and BM25 retrieval over the catalogue
(retrieval.py) and FAQ (faq.py) when the dictionary does not decide; a FAQ entry answers only about the item
asked about, or, with none named, on the question's subject, not on its cue words alone ("结婚登记要带什么材料"
is not ours). When the likeliest intent finds nothing to answer with (a combination question naming one
item, a place question with no item), the runner-up intent is tried before saying "没有找到". Another
department's words (宅基地, 社保卡 ...) with no aid named say "没有找到" at once; a general question about aid
that names no item ("有哪些救助政策") gets the overview of everything on offer, and one about what to bring,
where or how to apply for aid in general gets the FAQ answer that holds for every aid.
What is asked is decided by the keyword scores together with a learned intent model (learned.py over
intent_model.py: naive Bayes over the labelled question sets, each aid's name masked), which places
phrasings nobody listed; how sure the two are together decides between one answer, a short "您是想问哪一个？"
with the two likeliest readings, and the honest "没有找到" with 12345 and the township window. A question
naming two aids answers both and says whether they can be held together; every reply cites the pages it
came from (answers.py). Everything is local: no network, no model download. Built from the data files by
build.py, once per process (bootstrap.Services.policy_qa).
"""

import re
from collections.abc import Callable

from yimen.domain.policy import Catalogue, Item
from yimen.services.policy.qa.answers import NOT_FOUND, TEMPLATES, Answer, Composer
from yimen.services.policy.qa.faq import Faq
from yimen.services.policy.qa.intents import KeywordIntents
from yimen.services.policy.qa.items import ItemFinder, codes
from yimen.services.policy.qa.learned import LearnedIntents
from yimen.services.policy.qa.numbers import spent_match
from yimen.services.policy.qa.phrases import FACT, STATUS, TOPIC, WEAK
from yimen.services.policy.qa.retrieval import ItemIndex
from yimen.services.policy.qa.words import Words

# item-free intents are answered from the FAQ; the rest need an aid item
GENERAL_INTENTS = ("status", "happiness_list", "report", "review", "proxy")
# the learned intent scores (log-likelihood against the likeliest intent over the square root of the number
# of features: 0 for the likeliest, -5 to -30 for unlikely ones) weigh 1.5 times against the keyword scores:
# compared leaving each question set out, 1.5 was best overall and on the one set the rules had not seen
# either (benchmarks/compare_qa_methods.py)
LEARNED_WEIGHT = 1.5
RUNNER_UP_GAP = 5.0  # a runner-up intent this close is tried when the first has nothing to answer with
STRONG_LEAD = 6.0  # a lead this large over the runner-up is a clear intent
# a runner-up this close is as likely: the reply offers both readings ("您是想问…")
CHOICE_GAP = 2.5
# a combination question naming one item needs one of these ("低保能和哪些一起领"); "去年遭了火灾现在
# 还能申请吗" is not about two items
BOTH = re.compile("同时|一起|一块|叠加|兼得|重复")
# what to bring, where and how to apply is the same for every aid (three papers, one window, one
# procedure), so a question about aid in general gets the FAQ answer; who qualifies, how much and how
# long differ from aid to aid
SAME_FOR_ALL_AID = ("materials", "place", "process")


class PolicyQA:
    """Answers a question: finds the aids it names and what it asks, then the answer that fits best."""

    def __init__(
        self,
        *,
        cat: Catalogue,
        normalise: Callable[[str], str],
        words: Words,
        items: ItemFinder,
        intents: KeywordIntents,
        learned: LearnedIntents,
        index: ItemIndex,
        faq: Faq,
        compose: Composer,
        outside_words: tuple[str, ...],
        aid_words: tuple[str, ...],
    ):
        self.cat = cat
        self.normalise = normalise
        self.words = words
        self.items = items
        self.intents = intents
        self.learned = learned
        self.index = index
        self.faq = faq
        self.compose = compose
        self.outside_words = outside_words  # another department's business: 宅基地, 社保卡 ...
        self.aid_words = aid_words  # words that speak of aid in general: 救助, 补贴 ...
        self.weights = (1.0, LEARNED_WEIGHT)  # keyword scores, learned scores

    def ask(self, question: str) -> Answer:
        text = self.normalise(question)[:200]
        hits = self.items.mentions(text)
        if self._outside(text, hits):
            return self.compose.not_found()
        rules = dict(self.intents.ranking(text))
        ranking = self.ranking(text, rules)
        if ranking[0][0] == NOT_FOUND and not codes(hits, below=WEAK):
            return self.compose.not_found()
        ranking = [(intent, score) for intent, score in ranking if intent != NOT_FOUND]  # an aid named makes it ours
        best, runner_up = ranking[0][1], ranking[1][1]
        # the likeliest intent, then runner-ups that are close and have a keyword or question form of their own
        candidates: list[str | None] = [ranking[0][0]]
        candidates += [intent for intent, score in ranking[1:] if score >= best - RUNNER_UP_GAP and intent in rules]
        if hits:
            candidates.append(None)  # a question that names an item is never "not found"
        tokens = self.words.cut(text)
        for intent in candidates:
            answer = self._answer(text, intent, best - runner_up, hits, tokens)
            if answer and intent == ranking[0][0] and best - runner_up < CHOICE_GAP:
                other = self._answer(text, ranking[1][0], 0.0, hits, tokens)
                return self.compose.choice(answer, other) if other else answer
            if answer:
                return answer
        return self.compose.not_found()

    def ranking(self, text: str, rules: dict[str, float]) -> list[tuple[str, float]]:
        """Intents, likeliest first: the keyword and question-form scores (`rules`, from intents.ranking) plus
        the learned model's, weighed alike. The learned model also knows "out_of_scope" (医保卡, 高铁票 ...
        asked the way ours are)."""
        learned = self.learned.scores(text)
        floor = min(learned.values())
        rules_weight, learned_weight = self.weights
        combined = {
            intent: rules_weight * rules.get(intent, 0.0) + learned_weight * learned.get(intent, floor)
            for intent in dict.fromkeys([*self.intents.intents, *learned])
        }
        return sorted(combined.items(), key=lambda pair: -pair[1])  # stable: the lexicon's order on ties

    def search(self, query: str, limit: int = 8) -> list[Item]:
        """Items for the H5 search box: named items first, then BM25 matches that share real words."""
        text = self.normalise(query)[:200]
        found = self.items.find(text)
        tokens = self.words.cut(text)
        if tokens:
            found += [code for code in self.index.ranked(tokens) if code not in found]
        return [self.cat.items[c] for c in found[:limit]]

    def _answer(
        self, text: str, intent: str | None, lead: float, hits: list[tuple[str, int]], tokens: list[str]
    ) -> Answer | None:
        """The answer for this intent, or None when there is nothing to answer it with."""
        named_codes = codes(hits)
        if intent in GENERAL_INTENTS:  # "我爸住院了，能帮他交申请吗": a generic hint is not the topic
            # the happiness list holds every aid of the household, whichever one the question names
            named = [] if intent == "happiness_list" else codes(hits, below=WEAK)
            return self._from_faq(intent, named, tokens, 0.9)
        if intent == "overview":  # "残疾人能享受哪些救助", "孩子还在上学…有哪些救助": a hint or a fact of the
            named_codes = codes([hit for hit in hits if hit[1] in (TOPIC, STATUS)])  # story is no topic
            if named_codes and not codes(hits, below=FACT):  # "低保边缘家庭能享受啥": what goes with what one has
                item = self.cat.items[named_codes[0]]
                return self.compose.item_answer(item, "overview", 0.75, text, with_stacking=True)
        if intent == "combination":  # "特困和残补能一起领吗" compares the two in that order
            named = codes(hits, below=WEAK, in_text_order=True)
            return self.compose.combination(named) if len(named) >= 2 or (named and BOTH.search(text)) else None
        topics = codes(hits, below=min(rank for _, rank in hits) + 1) if hits else []  # named most specifically
        faq = self.faq.best(tokens, intent, topics)
        if faq:
            return self.compose.faq_answer(faq, intent or faq["intent"], named_codes, 0.85)
        named = codes(hits, below=FACT, in_text_order=True)
        if intent in TEMPLATES and len(named) >= 2 and not spent_match(text):  # "低保和特困各给多少"
            return self.compose.two_items(self.cat.items[named[0]], self.cat.items[named[1]], intent, 0.75)
        if not named_codes:  # "救助一般在哪申请" is about all aid, not about the one item retrieval finds
            general = self._about_all_aid(text, intent, tokens)
            named_codes = [] if general else self.index.best(tokens)
            if not named_codes:
                return general
            confidence = 0.6
        else:
            confidence = 0.9 if lead >= STRONG_LEAD else 0.75
        item = self.cat.items[named_codes[0]]
        chosen = intent if intent in TEMPLATES else "overview"
        return self.compose.item_answer(item, chosen, confidence, text)

    def _outside(self, text: str, hits: list[tuple[str, int]]) -> bool:
        """Another department's business ("宅基地上盖新房子"), unless an aid is named more specifically
        than by a generic hint such as 房子."""
        return any(word in text for word in self.outside_words) and not codes(hits, below=WEAK)

    def _about_all_aid(self, text: str, intent: str | None, tokens: list[str]) -> Answer | None:
        """ "政府有哪些救助政策", "申请救助要准备什么资料": no one item is asked about, so the list of
        everything on offer, or the FAQ entry of this intent that holds for every aid (basic materials,
        where and how to apply); only when the question speaks of aid at all ("股票有哪些政策" is not ours)."""
        if not any(word in text for word in self.aid_words):
            return None
        if intent == "overview":
            return self.compose.faq_answer(self.faq.overview, "overview", [], 0.6)
        if intent not in SAME_FOR_ALL_AID:
            return None
        return self.compose.faq_answer(self.faq.for_every_aid(intent, tokens), intent, [], 0.6)

    def _from_faq(self, intent: str, named: list[str], tokens: list[str], confidence: float) -> Answer:
        entry = self.faq.for_intent(intent, named[0] if named else None, tokens)
        return self.compose.faq_answer(entry, intent, named, confidence)
