"""What a question asks, learned from questions people wrote: multinomial naive Bayes.

The rules in policy_lexicon.yaml know words; they miss the phrasings nobody listed. The labelled questions
(data/policy_questions/*.tsv, every set written so far) and the FAQ's own wordings teach a classifier that
weighs every character pair and word it has seen with each intent, so an unseen question is placed by all
its wording at once. Naive Bayes trains by counting: built in milliseconds when the engine starts, nothing
to download or ship but the questions.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path


def load_questions(path: Path) -> list[tuple[str, str, str | None]]:
    """(question, intent, item code or None) from a tab-separated set; "#" lines are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            question, intent, item = line.split("\t")
            rows.append((question, intent, None if item == "-" else item))
    return rows


class NaiveBayes:
    """Multinomial naive Bayes over sets of features, with additive smoothing; uniform prior (the sets
    were written to cover every intent, not in the proportions people ask)."""

    def __init__(self, examples: list[tuple[list[str], str]], alpha: float = 0.1):
        counts: dict[str, Counter] = {}
        for features, label in examples:
            counts.setdefault(label, Counter()).update(set(features))
        vocabulary = set().union(*counts.values())
        self.labels = sorted(counts)
        self.log_p = {label: self._log_probabilities(c, len(vocabulary), alpha) for label, c in counts.items()}
        self.unseen = {
            label: math.log(alpha / (sum(c.values()) + alpha * len(vocabulary))) for label, c in counts.items()
        }
        self.vocabulary = frozenset(vocabulary)

    @staticmethod
    def _log_probabilities(counts: Counter, size: int, alpha: float) -> dict[str, float]:
        total = sum(counts.values()) + alpha * size
        return {feature: math.log((n + alpha) / total) for feature, n in counts.items()}

    def scores(self, features: list[str]) -> dict[str, float]:
        """Log-likelihood relative to the best label (0 for the best, negative for the rest), divided by
        the square root of the number of known features: a long story says more than three words, but
        its overlapping n-grams are far from independent evidence."""
        known = [f for f in set(features) if f in self.vocabulary]
        if not known:
            return dict.fromkeys(self.labels, 0.0)
        raw = {
            label: sum(self.log_p[label].get(f, self.unseen[label]) for f in known) / math.sqrt(len(known))
            for label in self.labels
        }
        best = max(raw.values())
        return {label: value - best for label, value in raw.items()}
