"""Learned intents: the naive Bayes model's view of a question, trained on the labelled question sets."""

from pathlib import Path

from yimen.services.policy.qa.intent_model import NaiveBayes, load_questions
from yimen.services.policy.qa.phrases import ItemPhrases
from yimen.services.policy.qa.words import Words


class LearnedIntents:
    """Scores every intent the labelled questions know (also "out_of_scope") from a question's features;
    trained on `examples`, (normalised question, intent) pairs, when built."""

    def __init__(self, *, phrases: ItemPhrases, words: Words, examples: list[tuple[str, str]]):
        self.phrases = phrases
        self.words = words
        self.model = NaiveBayes([(self.features(q), intent) for q, intent in examples])

    def features(self, normalised: str) -> list[str]:
        """Characters, character pairs and triples (whatever the spelling, dialect or word breaks) and
        jieba's words, for the learned intent model. Each aid's name is one mark, ITEM_MARK: what is asked
        shows in the question's form, not in which aid it names (combination questions in the sets often
        name 护理补贴, which says nothing about "护理补贴如何报名")."""
        masked = self.phrases.mask(normalised)
        padded = f"^{masked}$"
        grams = [padded[i : i + n] for n in (1, 2, 3) for i in range(len(padded) - n + 1)]
        return grams + [f"w:{word}" for word in self.words.cut(masked)]

    def scores(self, normalised: str) -> dict[str, float]:
        return self.model.scores(self.features(normalised))


def labelled_questions(question_dir: Path, held_out: frozenset[str], faq: list[dict]) -> list[tuple[str, str]]:
    """Every labelled question written so far (but the `held_out` sets) and every FAQ wording, as
    (question, intent)."""
    labelled = [
        (q, intent)
        for path in sorted(question_dir.glob("*.tsv"))
        if path.name not in held_out
        for q, intent, _ in load_questions(path)
    ]
    return labelled + [(q, f["intent"]) for f in faq for q in f["questions"]]
