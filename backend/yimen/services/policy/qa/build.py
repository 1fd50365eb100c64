"""Assembly: a PolicyQA built from the data files (lexicon, FAQ, domain dictionary, labelled questions)."""

import re
from pathlib import Path

import yaml

from yimen.domain.policy import Catalogue
from yimen.services.policy.qa.answers import Composer
from yimen.services.policy.qa.engine import PolicyQA
from yimen.services.policy.qa.faq import Faq
from yimen.services.policy.qa.intents import KeywordIntents, read_intents
from yimen.services.policy.qa.items import ItemFinder
from yimen.services.policy.qa.learned import LearnedIntents, labelled_questions
from yimen.services.policy.qa.phrases import ItemPhrases, build_aliases, sound_table
from yimen.services.policy.qa.retrieval import BM25, ItemIndex, item_text
from yimen.services.policy.qa.text import Normaliser
from yimen.services.policy.qa.words import Words, jieba_tokenizer

DATA = Path(__file__).resolve().parents[3] / "data"


def build_policy_qa(cat: Catalogue, data_dir: Path = DATA, held_out: frozenset[str] = frozenset()) -> PolicyQA:
    """The engine over `cat`, its words from `data_dir` (~1 s: jieba's dictionary, the indexes, the learned
    model). `held_out` names question sets (file names in data/policy_questions) the learned model must not
    see: to measure it on them, as benchmarks/compare_qa_methods.py does."""
    lexicon, faq = _read_yaml(data_dir / "policy_lexicon.yaml"), _read_yaml(data_dir / "policy_faq.yaml")
    normalise = Normaliser(rewrite=lexicon["rewrite"])
    intent_specs, patterns = read_intents(lexicon)
    aliases = build_aliases(
        cat, normalise, lexicon["synonyms"], lexicon["status_words"], lexicon["state_words"], lexicon["weak_synonyms"]
    )
    phrases = ItemPhrases(
        aliases=aliases, sounds=sound_table(lexicon["sound_alike"]), aid_words=tuple(lexicon["aid_words"])
    )
    intents = KeywordIntents(intents=intent_specs, patterns=patterns, phrases=phrases)
    items = ItemFinder(
        phrases=phrases,
        patterns=[(re.compile(p["re"]), p["item"]) for p in lexicon["item_patterns"]],
        people=tuple(lexicon["people_words"]),
        intents=intents,
    )
    known = (*aliases, *(w for i in intent_specs.values() for w in i["words"]))
    words = Words(
        tokenizer=jieba_tokenizer(known, data_dir / "policy_dict.txt"), stopwords=frozenset(lexicon["stopwords"])
    )
    catalogue_items = list(cat.items.values())
    labelled = labelled_questions(data_dir / "policy_questions", held_out, faq)
    return PolicyQA(
        cat=cat,
        normalise=normalise,
        words=words,
        items=items,
        intents=intents,
        learned=LearnedIntents(phrases=phrases, words=words, examples=[(normalise(q), i) for q, i in labelled]),
        index=ItemIndex(
            items=catalogue_items, index=BM25([words.cut(normalise(item_text(i))) for i in catalogue_items])
        ),
        faq=Faq(
            entries=faq,
            index=BM25([words.cut(normalise(" ".join(f["questions"]))) for f in faq]),
            cue_words=intents.keywords,
        ),
        compose=Composer(cat=cat, labels={name: spec["label"] for name, spec in intent_specs.items()}),
        outside_words=tuple(lexicon["outside_words"]),
        aid_words=phrases.aid_words,
    )


def _read_yaml(path: Path):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
