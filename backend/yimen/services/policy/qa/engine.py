"""Policy Q&A: a question as people type it -> a short plain answer from the catalogue or the FAQ.

Pipeline: traditional -> simplified (zhconv), clause breaks (spaces count: voice input has no commas),
misspelling and dialect rewrites, item detection by longest dictionary match (catalogue names and
aliases + synonyms such as 五保 -> 特困, also with same-sound characters, plus facts such as an age of 80
or a sum spent on illness; an aid named in a clause that asks nothing, or already paid out, is only the
story, and what a person is like (瘫痪) gives way to an aid named), intent by weighted keywords, also
typed with same-sound characters ("才料"), and question forms (cues near the end of the question weigh
more: that is where people ask), and BM25 retrieval over the catalogue and FAQ when the dictionary does
not decide; a FAQ entry answers only about the item asked about, or, with none named, on the
question's subject, not on its cue words alone ("结婚登记要带什么材料" is not ours). When the likeliest
intent finds nothing to answer with (a combination question naming one item, a place question with no
item), the runner-up intent is tried before saying "没有找到". Another department's words (宅基地,
社保卡 ...) with no aid named say "没有找到" at once; a general question about aid that names no item
("有哪些救助政策") gets the overview of everything on offer, and one about what to bring, where or how
to apply for aid in general gets the FAQ answer that holds for every aid.
What is asked is decided by the keyword scores together with a learned intent model (intent_model.py:
naive Bayes over the labelled question sets, each aid's name masked), which places phrasings nobody
listed; how sure the two are together decides between one answer, a short "您是想问哪一个？" with the two
likeliest readings, and the honest "没有找到" with 12345 and the township window. A question naming two
aids answers both and says whether they can be held together; every reply cites the pages it came from.
Everything is local: no network, no model download. Built once per process (see `policy_qa()`).
"""

from __future__ import annotations

import functools
import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from yimen.domain.policy import Catalogue, Item, catalogue, plain_yuan
from yimen.services.policy.qa.intent_model import NaiveBayes, load_questions

DATA = Path(__file__).resolve().parents[3] / "data"
MAX_ANSWER = 300
# item-free intents are answered from the FAQ; the rest need an aid item
GENERAL_INTENTS = ("status", "happiness_list", "report", "review", "proxy")
NOT_FOUND = "out_of_scope"
BM25_MIN = 2.5  # below this a retrieval hit shares only common words with the question
MIN_COVERAGE = 0.5  # and at least half of the question's words must occur in the hit
# the learned intent scores (log-likelihood against the likeliest intent over the square root of the number
# of features: 0 for the likeliest, -5 to -30 for unlikely ones) weigh 1.5 times against the keyword scores:
# compared leaving each question set out, 1.5 was best overall and on the one set the rules had not seen
# either (benchmarks/compare_qa_methods.py)
LEARNED_WEIGHT = 1.5
RUNNER_UP_GAP = 5.0  # a runner-up intent this close is tried when the first has nothing to answer with
STRONG_LEAD = 6.0  # a lead this large over the runner-up is a clear intent
# a runner-up this close is as likely: the reply offers both readings ("您是想问…")
CHOICE_GAP = 2.5
CHOICE_HEAD = "您是想问哪一个？"
CHOICE_CONFIDENCE = 0.5
ITEM_MARK = "＠"  # an aid's name, for the learned model
POSITION_BONUS = 1.0  # a cue at the very end of the question weighs (1 + this) times one at the start
# ranks of item hints, see PolicyQA._aliases, PolicyQA._facts and PolicyQA.mentions (an aid named in a
# clause that asks nothing is a fact of the story)
TOPIC, FACT, STATUS, WEAK = 0, 1, 2, 3
FAQ_PREFERRED = 6.0  # a FAQ entry this close to the question beats the generic item template
CLAUSE = "，"  # normalised questions keep their clause breaks as this one mark
# a sum spent on illness ("住院花了五万", "医保报了还剩两万") points to the item paid by the sum spent
MEDICAL = frozenset({"yiliao", "linshi-zhichu"})
SPENT_ITEM = "linshi-zhichu"
# and asks how much help it brings unless the question says otherwise: it weighs more than a bare yes/no
# form (at most 6: "自己还要出三万，能再补点吗") and less than a word such as 条件 or 能报销
SPENT_WEIGHT = 7
# a combination question naming one item needs one of these ("低保能和哪些一起领"); "去年遭了火灾现在
# 还能申请吗" is not about two items
BOTH = re.compile("同时|一起|一块|叠加|兼得|重复")
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
OVERVIEW_FAQ = "what-is-yimen"  # the answer to a general question about what help there is
# what to bring, where and how to apply is the same for every aid (three papers, one window, one
# procedure), so a question about aid in general gets the FAQ answer; who qualifies, how much and how
# long differ from aid to aid
SAME_FOR_ALL_AID = ("materials", "place", "process")


@dataclass(frozen=True)
class Answer:
    answer: str
    intent: str
    intent_label: str
    item_code: str | None = None
    item_name: str | None = None
    sources: tuple[dict, ...] = ()
    confidence: float = 0.0

    @property
    def body(self) -> str:
        """The answer without its link line, for pages that show the link as a button."""
        return self.answer.rsplit("详情：", 1)[0]

    @property
    def links(self) -> list[str]:
        """The site-relative pages the answer cites (two for a question about two aids)."""
        head, _, tail = self.answer.rpartition("详情：")
        return tail.split() if head or tail else []

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "item_code": self.item_code,
            "item_name": self.item_name,
            "intent": self.intent,
            "intent_label": self.intent_label,
            "sources": list(self.sources),
            "links": self.links,
            "confidence": round(self.confidence, 2),
        }


class BM25:
    """Okapi BM25 over a handful of short documents (k1=1.5, b=0.75)."""

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.freqs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = sum(self.lengths) / max(len(docs), 1)
        df = Counter(t for d in docs for t in set(d))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def coverage(self, query: list[str], doc: int) -> float:
        """Share of the question's words found in the document: one shared word is not a topic."""
        return sum(t in self.freqs[doc] for t in query) / max(len(query), 1)

    def scores(self, query: list[str]) -> list[float]:
        out = []
        for freq, length in zip(self.freqs, self.lengths, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / self.avg)
            out.append(sum(self.idf[t] * freq[t] * (self.k1 + 1) / (freq[t] + norm) for t in query if t in freq))
        return out


# clause breaks (a "." between digits is a decimal point) and marks that carry no meaning. A space is a
# clause break: voice input and quick typing separate clauses with spaces, not commas ("嗯 那个 俩娃都上小学
# 这种能吃低保不"), and Chinese puts no spaces between words
CLAUSE_MARKS = re.compile(r"[\s,!?;:。！？；：…~～]+|(?<!\d)\.|\.(?!\d)")
OTHER_MARKS = re.compile(r"[、“”\"'（）()【】\[\]]+")


def _rewriter(mapping: dict[str, str]):
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return lambda text: pattern.sub(lambda m: mapping[m.group(0)], text)


class PolicyQA:
    def __init__(self, cat: Catalogue, data_dir: Path = DATA, held_out: frozenset[str] = frozenset()):
        """`held_out` names question sets (file names in data/policy_questions) the learned model must not
        see: to measure it on them, as benchmarks/compare_qa_methods.py does."""
        self.cat = cat
        self.weights = (1.0, LEARNED_WEIGHT)  # keyword scores, learned scores
        import yaml  # with the engine, not when the callback's blueprint is imported

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster
        lexicon = yaml.load((data_dir / "policy_lexicon.yaml").read_text(encoding="utf-8"), Loader=loader)
        self.faq = yaml.load((data_dir / "policy_faq.yaml").read_text(encoding="utf-8"), Loader=loader)
        self.rewrite = _rewriter(lexicon["rewrite"])
        self.stopwords = frozenset(lexicon["stopwords"])
        self._load_intents(lexicon)
        self.aliases = self._aliases(
            lexicon["synonyms"], lexicon["status_words"], lexicon["state_words"], lexicon["weak_synonyms"]
        )
        self.longest_alias = max(map(len, self.aliases))
        self.people = tuple(lexicon["people_words"])
        self.item_patterns = [(re.compile(p["re"]), p["item"]) for p in lexicon["item_patterns"]]
        self._load_sounds(lexicon["sound_alike"])
        self.outside_words = tuple(lexicon["outside_words"])
        self.aid_words = tuple(lexicon["aid_words"])
        self.overview_faq = next(f for f in self.faq if f["id"] == OVERVIEW_FAQ)
        self.tokenizer = _tokenizer()
        for word in (*self.aliases, *(w for i in self.intents.values() for w in i["words"])):
            self.tokenizer.add_word(word, freq=20000)
        self.tokenizer.load_userdict(str(data_dir / "policy_dict.txt"))
        self.items = list(cat.items.values())
        self.item_index = BM25([self._tokens(self._item_text(i)) for i in self.items])
        self.faq_index = BM25([self._tokens(" ".join(f["questions"])) for f in self.faq])
        self.learned = NaiveBayes(self._examples(data_dir, held_out))

    def _examples(self, data_dir: Path, held_out: frozenset[str]) -> list[tuple[list[str], str]]:
        """Every labelled question written so far and every FAQ wording, as (features, intent)."""
        labelled = [
            (q, intent)
            for path in sorted((data_dir / "policy_questions").glob("*.tsv"))
            if path.name not in held_out
            for q, intent, _ in load_questions(path)
        ]
        labelled += [(q, f["intent"]) for f in self.faq for q in f["questions"]]
        return [(self.features(self.normalise(q)), intent) for q, intent in labelled]

    def features(self, normalised: str) -> list[str]:
        """Characters, character pairs and triples (whatever the spelling, dialect or word breaks) and
        jieba's words, for the learned intent model. Each aid's name is one mark, ITEM_MARK: what is asked
        shows in the question's form, not in which aid it names (combination questions in the sets often
        name 护理补贴, which says nothing about "护理补贴如何报名")."""
        masked = self._mask_items(normalised)
        padded = f"^{masked}$"
        grams = [padded[i : i + n] for n in (1, 2, 3) for i in range(len(padded) - n + 1)]
        return grams + [f"w:{word}" for word in self._cut(masked)]

    def _mask_items(self, text: str) -> str:
        sounds = text.translate(self.sounds)
        out, i = [], 0
        while i < len(text):
            phrase = self._phrase_at(text, sounds, i)
            out.append(ITEM_MARK if phrase else text[i])
            i += len(phrase) if phrase else 1
        return "".join(out)

    def _load_intents(self, lexicon: dict) -> None:
        self.intents = {
            name: {"label": spec["label"], "words": {str(w): n for w, n in spec["words"].items()}}
            for name, spec in lexicon["intents"].items()
        }
        self.keywords: dict[str, list[tuple[str, int]]] = {}
        for name, spec in self.intents.items():
            for word, weight in spec["words"].items():
                self.keywords.setdefault(word, []).append((name, weight))
        # a lookahead finds the longest keyword starting at every position, overlaps included
        alternatives = "|".join(re.escape(w) for w in sorted(self.keywords, key=len, reverse=True))
        self.keyword_re = re.compile(f"(?=({alternatives}))")
        self.patterns = [
            (intent, re.compile(p["re"]), p["weight"])
            for intent, entries in lexicon["patterns"].items()
            for p in entries
        ]
        unknown = {intent for intent, _, _ in self.patterns} - set(self.intents)
        if unknown:
            raise ValueError(f"policy_lexicon.yaml: patterns for unknown intents {', '.join(sorted(unknown))}")

    def _aliases(
        self, synonyms: dict[str, str], status: dict[str, str], state: dict[str, str], weak: dict[str, str]
    ) -> dict[str, tuple[str, int]]:
        """phrase -> (item code, rank). Rank TOPIC names the topic; FACT is what the person is like (瘫痪,
        不能自理), which gives way to an aid named; STATUS says who is asking (低保户的孩子...); WEAK is a
        generic hint that decides only when nothing more specific is named."""
        aliases: dict[str, tuple[str, int]] = {}
        for phrase, code in status.items():
            aliases[str(phrase)] = (code, STATUS)
        for item in self.cat.items.values():
            for name in (item.name, item.short_name, *item.aliases):
                aliases.setdefault(self.normalise(name), (item.code, TOPIC))
        for table, rank in ((synonyms, TOPIC), (state, FACT), (weak, WEAK)):
            for phrase, code in table.items():
                aliases.setdefault(str(phrase), (code, rank))
        unknown = {code for code, _ in aliases.values()} - set(self.cat.items)
        if unknown:
            raise ValueError(f"policy_lexicon.yaml names unknown items: {', '.join(sorted(unknown))}")
        return aliases

    def _load_sounds(self, groups: list[str]) -> None:
        """Same-sound spellings of item phrases and of intent keywords: each character stands for the
        first of its group."""
        self.sounds = str.maketrans({c: group[0] for group in groups for c in group})
        self.sound_alike = self._sound_keys({phrase: code for phrase, (code, _) in self.aliases.items()})
        misspellable = {w: tuple(self.keywords[w]) for w in self.keywords if any(ord(c) in self.sounds for c in w)}
        self.sound_keywords = self._sound_keys(misspellable)
        alternatives = "|".join(re.escape(k) for k in sorted(self.sound_keywords, key=len, reverse=True))
        self.sound_keyword_re = re.compile(f"(?=({alternatives}))")

    def _sound_keys(self, meanings: dict[str, object]) -> dict[str, str]:
        """Sound key -> phrase. One character, or two phrases that sound alike and mean different things:
        exact spelling only."""
        table: dict[str, str] = {}
        clashes = set()
        for phrase, meaning in meanings.items():
            key = phrase.translate(self.sounds)
            other = table.setdefault(key, phrase)
            if len(phrase) < 2 or meanings[other] != meaning:
                clashes.add(key)
        for key in clashes:
            table.pop(key, None)
        return table

    @staticmethod
    def _item_text(item: Item) -> str:
        return " ".join((item.name, item.short_name, *item.aliases, item.summary, *item.conditions))

    # ------------------------------------------------------------ understanding

    def normalise(self, text: str) -> str:
        """Simplified characters, no spaces or quotes, clause breaks kept as one "，", dialect rewritten."""
        import zhconv  # on first use (pkg_resources, ~120 ms), not in the API's cold start

        text = unicodedata.normalize("NFKC", text)  # full-width digits and letters -> ASCII
        text = zhconv.convert(text, "zh-cn")
        text = CLAUSE_MARKS.sub(CLAUSE, text)
        text = OTHER_MARKS.sub("", text).lower()
        text = re.sub(f"{CLAUSE}+", CLAUSE, text).strip(CLAUSE)
        return self.rewrite(text)

    def _tokens(self, text: str) -> list[str]:
        return self._cut(self.normalise(text))

    def _cut(self, normalised: str) -> list[str]:
        """Words for retrieval: jieba with the domain dictionary, without the everyday words."""
        return [t for t in self.tokenizer.lcut(normalised) if t.strip() and t not in self.stopwords]

    def mentions(self, text: str) -> list[tuple[str, int]]:
        """(item code, rank) for each item hint in the text, in text order: phrases by longest dictionary
        match (exact spelling first, then same-sound spelling), question patterns and facts."""
        found, i = [], 0
        sounds = text.translate(self.sounds)
        while i < len(text):
            phrase = self._phrase_at(text, sounds, i)
            if phrase:
                code, rank = self.aliases[phrase]
                found.append((i, code, self._rank_here(text, sounds, i, phrase, rank)))
                i += len(phrase)
            else:
                i += 1
        found += [(m.start(), code, TOPIC) for pattern, code in self.item_patterns for m in pattern.finditer(text)]
        found += self._facts(text, {code for _, code, _ in found})
        story = self._story_clauses(text)
        return [
            (code, FACT if rank == TOPIC and text.count(CLAUSE, 0, i) in story else rank)
            for i, code, rank in sorted(found, key=lambda hit: hit[0])
        ]

    def _story_clauses(self, text: str) -> set[int]:
        """Numbers of the clauses that ask nothing (no intent keyword, no question form) while another
        clause asks: an aid named there is part of the story, the one named where the question is asked
        is the topic ("俩娃都上小学，这种能吃低保不", "家里没吃低保，残疾人补贴能领不")."""
        clauses = text.split(CLAUSE)
        story = {n for n, clause in enumerate(clauses) if not self._asks(clause)}
        return story if len(story) < len(clauses) else set()

    def _asks(self, clause: str) -> bool:
        """Whether the clause holds an intent keyword or a question form."""
        return bool(self._keywords_in(clause)) or any(p.search(clause) for _, p, _ in self.patterns)

    def _phrase_at(self, text: str, sounds: str, i: int) -> str | None:
        """The longest item phrase starting at i; a same-sound spelling only when no phrase is spelt
        right there ("五保护理费" is 五保 + 护理费, not a misspelt 五保户)."""
        sizes = range(min(self.longest_alias, len(text) - i), 0, -1)
        for size in sizes:
            if text[i : i + size] in self.aliases:
                return text[i : i + size]
        for size in sizes:
            phrase = self.sound_alike.get(sounds[i : i + size])
            if phrase and 2 * sum(a != b for a, b in zip(phrase, text[i : i + size], strict=True)) <= size:
                return phrase
        return None

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
        if self._phrase_at(text, sounds, end):
            return False
        return phrase.endswith(self.people) or text.startswith(self.people, end) or text[start - 1 : start] == "是"

    def _facts(self, text: str, codes: set[str]) -> list[tuple[int, str, int]]:
        """Item hints from numbers: a sum spent on illness, an age of 80 or more."""
        facts = []
        spent = _spent_match(text)
        if spent and codes & MEDICAL:  # "住院花了五万多，医保报了还剩两万"
            facts.append((spent.start(), SPENT_ITEM, FACT))
        age = _age_80(text)
        if age:  # "八十五岁的老人", "85岁": 高龄津贴 is the likely topic
            facts.append((age.start(), "gaoling", WEAK))
        return facts

    def find_items(self, text: str) -> list[str]:
        """Item codes, the question's topic first: topic words, facts, who-is-asking words, then hints."""
        return _codes(self.mentions(text))

    def _keywords_in(self, text: str) -> list[tuple[int, str]]:
        """(end, keyword) for the keywords in the text, leaving out those inside a longer one: "还能领"
        counts for 能否同时享受 and not also "能领" for 条件; "能救助多少" counts both "能救助" and "救助多少"."""
        spans = [(m.start(), m.start() + len(m.group(1)), m.group(1)) for m in self.keyword_re.finditer(text)]
        spans += self._misspelt_keywords(text)
        return [
            (end, word)
            for start, end, word in spans
            if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
        ]

    def _misspelt_keywords(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, keyword) for keywords typed with same-sound characters ("才料" for 材料, "复合" for
        复核), like item phrases: at most half of the characters differ, no aid's name is read as a
        misspelt keyword ("低保多少" holds no 报多少), and only in a question about aid."""
        sounds = text.translate(self.sounds)
        found = []
        for m in self.sound_keyword_re.finditer(sounds):
            word = self.sound_keywords[m.group(1)]
            start, end = m.start(), m.start() + len(word)
            typed = text[start:end]
            differ = sum(a != b for a, b in zip(typed, word, strict=True))
            if 0 < 2 * differ <= len(word) and not self._in_item_phrase(text, start, end):
                found.append((start, end, word))
        return found if found and self._about_aid(text, sounds) else []

    def _spelt_right(self, text: str) -> str:
        """The text with its misspelt intent keywords spelt right, for the question forms as for the
        keywords: "没批，我想申请复合" asks for a 复核 after a refusal. A same-sound spelling has the
        keyword's length, so positions (and so the weight near the end) stay as typed."""
        chars = list(text)
        for start, end, word in self._misspelt_keywords(text):
            chars[start:end] = word
        return "".join(chars)

    def _about_aid(self, text: str, sounds: str) -> bool:
        """Whether the text names an aid or speaks of aid: a guessed keyword alone makes no question of
        ours ("复合肥多少钱" is not a misspelt 复核)."""
        return any(w in text for w in self.aid_words) or any(self._phrase_at(text, sounds, i) for i in range(len(text)))

    def _in_item_phrase(self, text: str, start: int, end: int) -> bool:
        """Whether an item phrase, spelt exactly, covers any character of text[start:end]."""
        for i in range(max(0, start - self.longest_alias + 1), end):
            for size in range(1, self.longest_alias + 1):
                if i + size > start and text[i : i + size] in self.aliases:
                    return True
        return False

    def intent_ranking(self, text: str) -> list[tuple[str, float]]:
        """Intents with a positive score, most likely first (ties: the earlier intent of the lexicon).

        Keywords and question forms add their weight, more the nearer they are to the end: in "协理员
        问：帮张大爷申请低保，他儿子在外省，怎么算收入" the question is the last clause, the rest is the story.
        """
        scores = dict.fromkeys(self.intents, 0.0)
        for end, word in self._keywords_in(text):
            for intent, weight in self.keywords[word]:
                scores[intent] += weight * self._near_end(end, text)
        spelt = self._spelt_right(text)
        for intent, pattern, weight in self.patterns:
            ends = [m.end() for m in pattern.finditer(spelt)]
            if ends:
                scores[intent] += weight * self._near_end(ends[-1], text)
        if _spent_match(text):
            scores["standard"] += SPENT_WEIGHT
        ranked = sorted(scores.items(), key=lambda pair: -pair[1])  # stable: the lexicon's order on ties
        return [(intent, score) for intent, score in ranked if score > 0]

    @staticmethod
    def _near_end(end: int, text: str) -> float:
        return 1 + POSITION_BONUS * end / max(len(text), 1)

    # ------------------------------------------------------------ answering

    def ranking(self, text: str, rules: dict[str, float]) -> list[tuple[str, float]]:
        """Intents, likeliest first: the keyword and question-form scores (`rules`, from intent_ranking) plus
        the learned model's, weighed alike. The learned model also knows "out_of_scope" (医保卡, 高铁票 ...
        asked the way ours are)."""
        learned = self.learned.scores(self.features(text))
        floor = min(learned.values())
        rules_weight, learned_weight = self.weights
        combined = {
            intent: rules_weight * rules.get(intent, 0.0) + learned_weight * learned.get(intent, floor)
            for intent in dict.fromkeys([*self.intents, *learned])
        }
        return sorted(combined.items(), key=lambda pair: -pair[1])  # stable: the lexicon's order on ties

    def ask(self, question: str) -> Answer:
        text = self.normalise(question)[:200]
        hits = self.mentions(text)
        if self._outside(text, hits):
            return self.not_found()
        rules = dict(self.intent_ranking(text))
        ranking = self.ranking(text, rules)
        if ranking[0][0] == NOT_FOUND and not _codes(hits, below=WEAK):
            return self.not_found()
        ranking = [(intent, score) for intent, score in ranking if intent != NOT_FOUND]  # an aid named makes it ours
        best, runner_up = ranking[0][1], ranking[1][1]
        # the likeliest intent, then runner-ups that are close and have a keyword or question form of their own
        candidates: list[str | None] = [ranking[0][0]]
        candidates += [intent for intent, score in ranking[1:] if score >= best - RUNNER_UP_GAP and intent in rules]
        if hits:
            candidates.append(None)  # a question that names an item is never "not found"
        tokens = self._cut(text)
        for intent in candidates:
            answer = self._answer(text, intent, best - runner_up, hits, tokens)
            if answer and intent == ranking[0][0] and best - runner_up < CHOICE_GAP:
                other = self._answer(text, ranking[1][0], 0.0, hits, tokens)
                return self._choice(answer, other) if other else answer
            if answer:
                return answer
        return self.not_found()

    def _choice(self, first: Answer, second: Answer) -> Answer:
        """Two readings about as likely ("低保怎么才能办下来": the conditions or the procedure?): the start
        of both, so the person sees which one was meant, with both pages; the first stays the answer of
        record. The same reading twice is just the answer."""
        if (second.intent, second.item_code) == (first.intent, first.item_code) or second.body == first.body:
            return first
        links = tuple(dict.fromkeys((*first.links, *second.links)))
        room = (MAX_ANSWER - len(CHOICE_HEAD) - len(_link_line(links))) // 2
        body = CHOICE_HEAD + "".join(
            _clip(f"{mark}{a.body}", room) for mark, a in zip(("\n（一）", "\n（二）"), (first, second), strict=True)
        )
        return Answer(
            fit(body, *links),
            first.intent,
            first.intent_label,
            first.item_code,
            first.item_name,
            first.sources,
            CHOICE_CONFIDENCE,
        )

    def _answer(
        self, text: str, intent: str | None, lead: float, hits: list[tuple[str, int]], tokens: list[str]
    ) -> Answer | None:
        """The answer for this intent, or None when there is nothing to answer it with."""
        codes = _codes(hits)
        if intent in GENERAL_INTENTS:  # "我爸住院了，能帮他交申请吗": a generic hint is not the topic
            # the happiness list holds every aid of the household, whichever one the question names
            named = [] if intent == "happiness_list" else _codes(hits, below=WEAK)
            return self._from_faq(intent, named, tokens, 0.9)
        if intent == "overview":  # "残疾人能享受哪些救助", "孩子还在上学…有哪些救助": a hint or a fact of the
            codes = _codes([hit for hit in hits if hit[1] in (TOPIC, STATUS)])  # story is no topic
            if codes and not _codes(hits, below=FACT):  # "低保边缘家庭能享受啥": what goes with what one has
                return self._item_answer(self.cat.items[codes[0]], "overview", 0.75, text, with_stacking=True)
        if intent == "combination":  # "特困和残补能一起领吗" compares the two in that order
            named = _codes(hits, below=WEAK, in_text_order=True)
            return self._combination(named) if len(named) >= 2 or (named and BOTH.search(text)) else None
        topics = _codes(hits, below=min(rank for _, rank in hits) + 1) if hits else []  # named most specifically
        faq = self._best_faq(tokens, intent, topics)
        if faq:
            return self._faq_answer(faq, intent or faq["intent"], codes, 0.85)
        named = _codes(hits, below=FACT, in_text_order=True)
        if intent in TEMPLATES and len(named) >= 2 and not _spent_match(text):  # "低保和特困各给多少"
            return self._two_items(self.cat.items[named[0]], self.cat.items[named[1]], intent, 0.75)
        if not codes:  # "救助一般在哪申请" is about all aid, not about the one item retrieval finds
            general = self._about_all_aid(text, intent, tokens)
            codes = [] if general else self._retrieve_item(tokens)
            if not codes:
                return general
            confidence = 0.6
        else:
            confidence = 0.9 if lead >= STRONG_LEAD else 0.75
        item = self.cat.items[codes[0]]
        chosen = intent if intent in TEMPLATES else "overview"
        return self._item_answer(item, chosen, confidence, text)

    def _outside(self, text: str, hits: list[tuple[str, int]]) -> bool:
        """Another department's business ("宅基地上盖新房子"), unless an aid is named more specifically
        than by a generic hint such as 房子."""
        return any(word in text for word in self.outside_words) and not _codes(hits, below=WEAK)

    def _about_all_aid(self, text: str, intent: str | None, tokens: list[str]) -> Answer | None:
        """ "政府有哪些救助政策", "申请救助要准备什么资料": no one item is asked about, so the list of
        everything on offer, or the FAQ entry of this intent that holds for every aid (basic materials,
        where and how to apply); only when the question speaks of aid at all ("股票有哪些政策" is not ours)."""
        if not any(word in text for word in self.aid_words):
            return None
        if intent == "overview":
            return self._faq_answer(self.overview_faq, "overview", [], 0.6)
        if intent not in SAME_FOR_ALL_AID:
            return None
        general = [i for i, f in enumerate(self.faq) if f["intent"] == intent and not f.get("item")]
        scores = self.faq_index.scores(tokens)
        return self._faq_answer(self.faq[max(general, key=lambda i: scores[i])], intent, [], 0.6)

    def _best_faq(self, tokens: list[str], intent: str | None, topics: list[str]) -> dict | None:
        """A FAQ entry on the same topic that is close to the question.

        With an item named, the FAQ must be about one of the items named most specifically, not about a
        hint beside them (in "四级残疾，一个月六百块收入，能领残疾人生活补贴吗" 收入 hints at 低保, the 残补 is
        asked about; "低保和低保边缘有什么区别" names two topics), and very close (else the item's own page
        answers better). Without one, the FAQ is the only source, so an ordinary match will do, but on the
        question's subject: the cue words of an intent are no subject ("结婚登记要带什么材料" shares only
        带什么 and 材料 with "申请救助要带什么材料"); a question of cue words only ("要不要带原件") is all subject.
        """
        if not tokens:
            return None
        scores = self.faq_index.scores(tokens)
        threshold = FAQ_PREFERRED if topics else BM25_MIN
        subject = [t for t in tokens if t not in self.keywords] or tokens
        for i in sorted(range(len(self.faq)), key=lambda i: -scores[i])[:3]:
            entry = self.faq[i]
            same_item = entry.get("item") in topics if topics else True
            same_intent = intent is None or entry["intent"] == intent
            grounded = bool(topics) or self.faq_index.coverage(subject, i) >= MIN_COVERAGE
            if scores[i] >= threshold and same_item and same_intent and grounded:
                return entry
        return None

    def _from_faq(self, intent: str, codes: list[str], tokens: list[str], confidence: float) -> Answer:
        code = codes[0] if codes else None
        candidates = [f for f in self.faq if f["intent"] == intent]
        specific = [f for f in candidates if f.get("item") == code] if code else []
        if len(specific) > 1 or (not specific and len(candidates) > 1):
            pool = specific or candidates
            scores = self.faq_index.scores(tokens)
            entry = max(pool, key=lambda f: scores[self.faq.index(f)])
        else:
            entry = (specific or candidates)[0]
        return self._faq_answer(entry, intent, codes, confidence)

    def _faq_answer(self, entry: dict, intent: str, codes: list[str], confidence: float) -> Answer:
        code = entry.get("item") or (codes[0] if codes else None)
        item = self.cat.items.get(code) if code else None
        link = entry.get("link") or (item.url if item else "/policy")
        # folded YAML puts a space at each line break; Chinese text has none
        body = "".join(entry["answer"].split()).format(**self._contact())
        sources = [{"title": f"常见问题：{entry['questions'][0]}", "url": link, "faq": entry["id"]}]
        if item:
            sources += _basis_sources(item)
        return Answer(
            fit(body, link),
            intent,
            self.intents[intent]["label"],
            code,
            item.name if item else None,
            tuple(sources),
            confidence,
        )

    def _retrieve_item(self, tokens: list[str]) -> list[str]:
        if not tokens:
            return []
        scores = self.item_index.scores(tokens)
        best = max(range(len(scores)), key=lambda i: scores[i])
        grounded = self.item_index.coverage(tokens, best) >= MIN_COVERAGE
        return [self.items[best].code] if scores[best] >= BM25_MIN and grounded else []

    def _combination(self, codes: list[str]) -> Answer:
        item = self.cat.items[codes[0]]
        if len(codes) >= 2:
            return self._two_items(item, self.cat.items[codes[1]], "combination", 0.9)
        return Answer(
            fit(self._stacking(item), item.url),
            "combination",
            self.intents["combination"]["label"],
            item.code,
            item.name,
            tuple(_basis_sources(item)),
            0.9,
        )

    def _stacking(self, item: Item) -> str:
        nots = "、".join(self.cat.items[c].short_name for c in item.not_with) or "无"
        stacks = "、".join(self.cat.items[c].short_name for c in item.stacks_with) or "无"
        return f"{item.name}可以和{stacks}叠加享受；不能同时享受的：{nots}。"

    def _together(self, item: Item, other: Item) -> str:
        """Whether two items can be held together, from the catalogue's exclusions and stacking lists."""
        pair = f"{item.short_name}和{other.short_name}"
        reason = self.cat.conflicts(item.code, other.code)
        if reason:
            return f"{pair}不能同时享受：{reason}。"
        if other.code in item.stacks_with or item.code in other.stacks_with:
            return f"{pair}可以同时享受（可叠加），符合条件的分别申请即可。"
        return f"{pair}没有“不可同时享受”的规定，符合各自条件的可以分别申请，以审批为准。"

    def _two_items(self, item: Item, other: Item, intent: str, confidence: float) -> Answer:
        """A question naming two aids ("低保和护理补贴能一起办吗", "低保和特困的条件"): what it asks about
        each, shortened to fit, and whether the two can be held together; both pages cited."""
        together = self._together(item, other)
        template = TEMPLATES["overview" if intent == "combination" else intent]
        links = (item.url, other.url)
        room = (MAX_ANSWER - len(together) - len(_link_line(links))) // 2
        parts = "".join(_clip(template(i, self.cat), room) for i in (item, other))
        body = together + parts if intent == "combination" else parts + together
        return Answer(
            fit(body, *links),
            intent,
            self.intents[intent]["label"],
            item.code,
            item.name,
            tuple(_basis_sources(item) + _basis_sources(other)),
            confidence,
        )

    def _item_answer(
        self, item: Item, intent: str, confidence: float, text: str = "", with_stacking: bool = False
    ) -> Answer:
        body = TEMPLATES[intent](item, self.cat) + (self._stacking(item) if with_stacking else "")
        spent = _spent_match(text)
        amount = (_fen(spent) if spent else parse_amount_fen(text)) if intent == "standard" else None
        band = item.band_for("", amount) if amount else None
        if band:  # "自付三万能救助多少": answer with the sum, not only the table
            body = (
                f"按{item.short_name}分档标准，个人自付 {plain_yuan(amount)} 元可按 {band[0]}% 救助，"
                f"约 {plain_yuan(band[1])} 元（示范县演示标准，以审批为准）。" + body
            )
        return Answer(
            fit(body, item.url),
            intent,
            self.intents[intent]["label"],
            item.code,
            item.name,
            tuple(_basis_sources(item)),
            confidence,
        )

    def search(self, query: str, limit: int = 8) -> list[Item]:
        """Items for the H5 search box: named items first, then BM25 matches that share real words."""
        text = self.normalise(query)[:200]
        codes = self.find_items(text)
        tokens = self._cut(text)
        if tokens:
            scores = self.item_index.scores(tokens)
            ranked = sorted(range(len(self.items)), key=lambda i: -scores[i])
            codes += [self.items[i].code for i in ranked if scores[i] >= BM25_MIN and self.items[i].code not in codes]
        return [self.cat.items[c] for c in codes[:limit]]

    def _contact(self) -> dict:
        region = self.cat.region("")
        return {k: region[k] for k in ("hotline", "window", "report_line", "centre")}

    def not_found(self) -> Answer:
        c = self._contact()
        body = (
            f"没有找到和您的问题相关的救助政策。您可以换个说法再问，或拨打 {c['hotline']}，"
            f"也可以到{c['window']}当面咨询。"
        )
        return Answer(fit(body, "/policy"), NOT_FOUND, "没有找到", None, None, (), 0.0)


CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"万": 10000, "千": 1000, "元": 1, "块": 1}


def _cn_number(text: str) -> int:
    """一 .. 一百九十九 as people write them: 三, 十五, 二十, 三十五, 一百零一."""
    hundreds, has_hundreds, rest = text.rpartition("百")
    if has_hundreds:
        return CN_DIGITS.get(hundreds, 1) * 100 + _cn_number(rest.lstrip("零"))
    if "十" not in text:
        return CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return CN_DIGITS.get(tens, 1) * 10 + CN_DIGITS.get(ones, 0)


AGE = re.compile(r"(\d{2,3}|[一二三四五六七八九十百零]+)多?(?:岁|了)")
AMOUNT = re.compile(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)(万|千|元|块)([一二两三四五六七八九\d])?")
SPENT_BEFORE = re.compile("[花掏出剩付欠借用费差垫]")  # 花了, 自己掏, 还要出, 还剩, 自付, 欠了, 医疗费, 还差, 垫了


def parse_amount_fen(text: str) -> int | None:
    """The first sum of money in a question ("3万", "一万五", "15000元", "两千块") in fen, or None."""
    match = AMOUNT.search(text)
    return _fen(match) if match else None


def _spent_match(text: str) -> re.Match | None:
    """The last sum said to be spent: in "花了五万多，医保报了还剩两万" the family pays 两万."""
    spent = [m for m in AMOUNT.finditer(text) if SPENT_BEFORE.search(text[max(0, m.start() - 4) : m.start()])]
    return spent[-1] if spent else None


def _age_80(text: str) -> re.Match | None:
    for match in AGE.finditer(text):
        number = match.group(1)
        if (int(number) if number.isdigit() else _cn_number(number)) >= 80:
            return match
    return None


def _codes(hits: list[tuple[str, int]], below: int = WEAK + 1, in_text_order: bool = False) -> list[str]:
    """Item codes of the hints ranked below `below`, the question's topic first (or in text order)."""
    chosen = [(code, rank) for code, rank in hits if rank < below]
    if not in_text_order:
        chosen.sort(key=lambda hit: hit[1])  # stable: text order within a rank
    return list(dict.fromkeys(code for code, _ in chosen))


def _fen(match: re.Match) -> int:
    number, unit, tail = match.groups()
    value = float(number) if number[0].isdigit() else _cn_number(number)
    yuan_amount = value * UNITS[unit]
    if tail and unit in ("万", "千"):  # 一万五 = 15000, 两千五 = 2500
        digit = int(tail) if tail.isdigit() else CN_DIGITS[tail]
        yuan_amount += digit * UNITS[unit] // 10
    return int(yuan_amount * 100)


def _basis_sources(item: Item) -> list[dict]:
    return [{"title": f"{b['title']} {b['article']}", "url": item.url} for b in item.basis[:2]]


def _link_line(links: tuple[str, ...]) -> str:
    return f"详情：{' '.join(links)}" if links else ""


def _clip(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


def fit(body: str, *links: str) -> str:
    """Chat-bubble sized: at most 300 characters including the links to the items' pages."""
    tail = _link_line(links)
    return _clip(body, MAX_ANSWER - len(tail)) + tail


def _standard_text(item: Item, cat: Catalogue) -> str:
    lines = item.standard_lines("")
    demo = "（示范县演示数值，以当地公布为准）" if lines and lines[0].demo else ""
    parts = "；".join(f"{line.label} {line.text()}" for line in lines)
    bands = item.standard_block("").get("bands")
    if bands:
        parts += "；" + "，".join(f"自付 {plain_yuan(b['from_fen'])} 元起按 {b['pct']}%" for b in bands["steps"])
    return f"{item.name}标准{demo}：{parts}。"


def _numbered(steps: tuple[str, ...]) -> str:
    marks = "①②③④⑤⑥⑦⑧"
    return "".join(f"{marks[i]}{s.rstrip('。')}；" for i, s in enumerate(steps[:8]))


TEMPLATES = {
    "overview": lambda item, cat: f"{item.name}：{item.summary}",
    "conditions": lambda item, cat: (f"{item.name}的条件：{_numbered(item.conditions)}可以先在“一门”用“测一测”自查。"),
    "materials": lambda item, cat: (
        f"办{item.name}要带：{'、'.join(item.materials)}。收入、房产、车辆等由平台统一核对，不用另开证明。"
    ),
    "process": lambda item, cat: (
        f"{item.name}办理流程：{_numbered(item.process)}办理时限 {item.time_limit_days} 个工作日。"
    ),
    "standard": _standard_text,
    "time_limit": lambda item, cat: (
        f"{item.name}办理时限为 {item.time_limit_days} 个工作日（从受理之日算，"
        "节假日不算）。超时的会被督办，您可以随时在“查进度”里看办到哪一步。"
    ),
    "place": lambda item, cat: (
        f"{item.name}请到{item.place}办理，主管部门：{item.department}。"
        "也可以在“一门”小程序在线申请，或请村协理员代办。"
    ),
}


def _tokenizer():
    """jieba, imported when the engine is first built: it loads pkg_resources (~100 ms), which the API's
    cold start should not pay for."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # jieba builds its prefix dictionary (~1 s) into /tmp on first use, which a fresh Lambda container would
    # pay on every cold start: the layer ships it built (scripts/publish_layers.py).
    shipped = Path(jieba.__file__).with_name("jieba.cache")
    if shipped.is_file():
        tokenizer.tmp_dir = str(shipped.parent)
    return tokenizer


@functools.cache
def policy_qa() -> PolicyQA:
    """One Q&A engine per process: jieba's dictionary and the indexes are built once."""
    return PolicyQA(catalogue())
