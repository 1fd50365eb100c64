"""The policy Q&A against our own question set (tests/policy/questions.tsv): intent and item must both match."""

import re
from pathlib import Path

import pytest

from yimen.services.policy_qa import MAX_ANSWER, policy_qa

QUESTIONS = Path(__file__).with_name("questions.tsv")
TARGET = 0.90
# Later sets, each written after the previous round of tuning; the headers give the first measurement
# of each. None of them is unseen any more: questions_blind.tsv, questions_blind2.tsv and
# questions_blind3.tsv became TRAINING data in the generalisation round (vocabulary by class of word,
# same-sound spellings, cues weighted by position, who-is-asking words, items from ages and sums spent,
# runner-up intents, FAQ wording). Before -> after that round: blind 60.0% -> 95.0% (38/40), blind2
# 60.0% -> 92.5% (37/40), blind3 77.5% -> 100% (40/40); holdout 95.2% -> 100%, fresh 92.5% -> 97.5%.
# The floors are regression guards only.
# questions_blind4.tsv (80 questions) is the honest figure: written blind, by someone who saw neither the
# engine nor the other questions, before that round, and never tuned on since: 78.8% (63/80) before the
# round, 88.8% (71/80) after. Tuning on its misses would make it one more training set.
LATER_SETS = {"questions_holdout.tsv": 0.85, "questions_fresh.tsv": 0.85, "questions_blind.tsv": 0.92,
              "questions_blind2.tsv": 0.90, "questions_blind3.tsv": 0.97, "questions_blind4.tsv": 0.85}


def load_questions(path: Path = QUESTIONS) -> list[tuple[str, str, str | None]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            question, intent, item = line.split("\t")
            rows.append((question, intent, None if item == "-" else item))
    return rows


def test_question_set_is_large_and_varied():
    rows = load_questions()
    assert len(rows) >= 150
    assert len({r[1] for r in rows}) >= 13  # every intent of the issue plus overview and out-of-scope
    assert sum(1 for q, _, _ in rows if any(c in q for c in "與們麼還嗎請辦該裡領")) >= 8  # traditional


def measure(path: Path, label: str, capsys) -> float:
    qa = policy_qa()
    rows = load_questions(path)
    misses = []
    for question, intent, item in rows:
        got = qa.ask(question)
        if (got.intent, got.item_code) != (intent, item):
            misses.append(f"{question}: expected {intent}/{item}, got {got.intent}/{got.item_code}")
    accuracy = 1 - len(misses) / len(rows)
    with capsys.disabled():
        print(f"\npolicy Q&A accuracy ({label}): {accuracy:.1%} ({len(rows) - len(misses)}/{len(rows)})")
        for miss in misses:
            print("  miss:", miss)
    return accuracy


def test_accuracy_at_least_90_percent(capsys):
    assert measure(QUESTIONS, "question set", capsys) >= TARGET


@pytest.mark.parametrize(("name", "floor"), LATER_SETS.items())
def test_later_question_sets_are_reported(name, floor, capsys):
    assert measure(QUESTIONS.with_name(name), name, capsys) >= floor


def test_every_answer_fits_a_chat_bubble_and_links():
    names = ("questions.tsv", *LATER_SETS)
    questions = [q for name in names for q, _, _ in load_questions(QUESTIONS.with_name(name))]
    for question in questions:
        answer = policy_qa().ask(question)
        assert 0 < len(answer.answer) <= MAX_ANSWER, question
        assert re.search(r"详情：/[a-z/-]*$", answer.answer), question
