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
# questions_blind4.tsv (80 questions) was written blind, by someone who saw neither the engine nor the
# other questions, before that round: 78.8% (63/80) before it, 88.8% (71/80) after, untuned. It became
# TRAINING data in the second generalisation round, whose fixes are classes, not questions: amounts per
# period or per head ("一月给几个钱", "一年有好多") and a sum spent outweighing a bare yes/no form; how-to
# verbs and who does the running ("怎么操作", "要自己跑"); where papers are handed in is a place
# ("去哪里递材料"); looking up one's application is status ("在哪里查", "什么状态"); other departments'
# words (宅基地, 规划许可, 社保卡...) make a question out of scope unless an aid is named; a general
# question about aid ("有哪些救助政策", "该申请啥") gets the overview of everything; a line compared with
# ("比低保线高") is not the topic and a status word after 评/申请 is ("评个低保边缘户"); how the help is
# given (住在家里, 干几天) is overview. Before -> after: blind4 88.8% -> 100% (80/80), blind 95.0% ->
# 97.5%, blind2 92.5% -> 100%, fresh 97.5% -> 100%; question set, holdout and blind3 stay at 100%.
# questions_blind5.tsv (80 questions) was written blind like blind4: 85.0% (68/80) before the second round
# and 85.0% after it, untuned, so the second round had fitted its training set without moving unseen
# accuracy. It became TRAINING data in the third round, whose fixes are again classes, each unit-tested on
# phrasings of its own (tests/policy/test_qa_engine.py): a space is a clause break (voice input has no
# commas), and an aid named in a clause that asks nothing is only the story ("俩娃都上小学，这种能吃低保不");
# an aid the family does not have is not the topic ("没吃低保"), one applied for or asked to be explained
# is ("认定成边缘户", "边缘户是个啥"); intent keywords also match with same-sound characters, like item
# phrases ("才料", "复合", "到帐"), but never inside an aid's name nor in a question not about aid;
# applying again or losing one aid for another is a combination ("还能再申请", "会不会把X扣掉", "影响");
# how long until it arrives is a time question even after "交上去"; "村委会能报不" is a place and "村里
# 统一报还是自己去" the process; what to bring, where and how to apply for aid in general gets the FAQ
# answer that holds for every aid. Before -> after: blind5 85.0% -> 100% (80/80); every other set
# unchanged (question set, holdout, fresh, blind2, blind3, blind4 100%; blind 97.5%).
# questions_blind6.tsv (80 questions) is the honest figure now: written blind before the third round, never
# tuned on: 85.0% (68/80) before that round, 90.0% (72/80) after it. Its misses (a lone 补帖 beside a low
# income, 低边户, the routine yearly 复核 read as an appeal, 照料费 under 五保) are left as they are.
LATER_SETS = {"questions_holdout.tsv": 0.85, "questions_fresh.tsv": 0.85, "questions_blind.tsv": 0.95,
              "questions_blind2.tsv": 0.97, "questions_blind3.tsv": 0.97, "questions_blind4.tsv": 0.98,
              "questions_blind6.tsv": 0.87, "questions_blind5.tsv": 0.98}


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
