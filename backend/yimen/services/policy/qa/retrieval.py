"""Retrieval: BM25 over the catalogue's items, for when no aid is named in so many words."""

import math
from collections import Counter

from yimen.domain.policy import Item

BM25_MIN = 2.5  # below this a retrieval hit shares only common words with the question
MIN_COVERAGE = 0.5  # and at least half of the question's words must occur in the hit


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


def item_text(item: Item) -> str:
    """What an item is indexed by: its names, summary and conditions."""
    return " ".join((item.name, item.short_name, *item.aliases, item.summary, *item.conditions))


class ItemIndex:
    """The catalogue's items (in catalogue order) and their BM25 index over `item_text` words."""

    def __init__(self, *, items: list[Item], index: BM25):
        self.items = items
        self.index = index

    def best(self, tokens: list[str]) -> list[str]:
        """The one item the words are about, if it scores well and shares most of them; else none."""
        if not tokens:
            return []
        scores = self.index.scores(tokens)
        best = max(range(len(scores)), key=lambda i: scores[i])
        grounded = self.index.coverage(tokens, best) >= MIN_COVERAGE
        return [self.items[best].code] if scores[best] >= BM25_MIN and grounded else []

    def ranked(self, tokens: list[str]) -> list[str]:
        """Codes of the items that share real words with the question, best first."""
        scores = self.index.scores(tokens)
        ranked = sorted(range(len(self.items)), key=lambda i: -scores[i])
        return [self.items[i].code for i in ranked if scores[i] >= BM25_MIN]
