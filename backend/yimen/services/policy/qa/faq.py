"""The FAQ (data/policy_faq.yaml): which entry answers a question, if one is close enough and on its subject."""

from collections.abc import Container

from yimen.services.policy.qa.retrieval import BM25, BM25_MIN, MIN_COVERAGE

FAQ_PREFERRED = 6.0  # a FAQ entry this close to the question beats the generic item template
OVERVIEW_FAQ = "what-is-yimen"  # the answer to a general question about what help there is


class Faq:
    """The FAQ's entries, their BM25 index over their wordings (`index`, in entry order), and the intents' cue
    words (`cue_words`), which are no question's subject."""

    def __init__(self, *, entries: list[dict], index: BM25, cue_words: Container[str]):
        self.entries = entries
        self.index = index
        self.cue_words = cue_words
        self.overview = next(f for f in entries if f["id"] == OVERVIEW_FAQ)

    def best(self, tokens: list[str], intent: str | None, topics: list[str]) -> dict | None:
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
        scores = self.index.scores(tokens)
        threshold = FAQ_PREFERRED if topics else BM25_MIN
        subject = [t for t in tokens if t not in self.cue_words] or tokens
        for i in sorted(range(len(self.entries)), key=lambda i: -scores[i])[:3]:
            entry = self.entries[i]
            same_item = entry.get("item") in topics if topics else True
            same_intent = intent is None or entry["intent"] == intent
            grounded = bool(topics) or self.index.coverage(subject, i) >= MIN_COVERAGE
            if scores[i] >= threshold and same_item and same_intent and grounded:
                return entry
        return None

    def for_intent(self, intent: str, code: str | None, tokens: list[str]) -> dict:
        """The entry of this intent, about this item if there is one; the closest to the words if several."""
        candidates = [f for f in self.entries if f["intent"] == intent]
        specific = [f for f in candidates if f.get("item") == code] if code else []
        if len(specific) > 1 or (not specific and len(candidates) > 1):
            pool = specific or candidates
            scores = self.index.scores(tokens)
            return max(pool, key=lambda f: scores[self.entries.index(f)])
        return (specific or candidates)[0]

    def for_every_aid(self, intent: str, tokens: list[str]) -> dict:
        """The entry of this intent that is about no one aid (basic materials, where and how to apply), the
        closest to the words."""
        general = [i for i, f in enumerate(self.entries) if f["intent"] == intent and not f.get("item")]
        scores = self.index.scores(tokens)
        return self.entries[max(general, key=lambda i: scores[i])]
