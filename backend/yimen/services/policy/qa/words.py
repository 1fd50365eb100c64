"""Tokenising: jieba with the domain dictionary, for retrieval and the learned model."""

import logging
from collections.abc import Iterable
from pathlib import Path

import jieba


class Words:
    """Words of a normalised question, without the everyday ones (stopwords)."""

    def __init__(self, *, tokenizer: jieba.Tokenizer, stopwords: frozenset[str]):
        self.tokenizer = tokenizer
        self.stopwords = stopwords

    def cut(self, normalised: str) -> list[str]:
        """Words for retrieval: jieba with the domain dictionary, without the everyday words."""
        return [t for t in self.tokenizer.lcut(normalised) if t.strip() and t not in self.stopwords]


def jieba_tokenizer(words: Iterable[str], user_dict: Path) -> jieba.Tokenizer:
    """jieba knowing the lexicon's phrases and the domain dictionary."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # jieba builds its prefix dictionary (~1 s) into /tmp on first use, which a fresh Lambda container would
    # pay on every cold start: the layer ships it built (scripts/publish_layers.py).
    shipped = Path(jieba.__file__).with_name("jieba.cache")
    if shipped.is_file():
        tokenizer.tmp_dir = str(shipped.parent)
    for word in words:
        tokenizer.add_word(word, freq=20000)
    tokenizer.load_userdict(str(user_dict))
    return tokenizer
