"""The policy Q&A against the labelled question sets: intent and item must both match.

The sets in backend/yimen/data/policy_questions are the learned intent model's training data; only the sets
here in tests/policy are held out from it."""

import re
from pathlib import Path

import pytest

from yimen.services.policy.qa import DATA, MAX_ANSWER
from yimen.services.policy.qa.intent_model import load_questions

QUESTIONS = DATA / "policy_questions" / "questions.tsv"
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
# questions_blind6.tsv (80 questions) was written blind before the third round and never tuned on in it:
# 85.0% (68/80) before that round, 90.0% (72/80) after it. It became TRAINING data in the fourth round,
# whose fixes are again classes unit-tested on phrasings of their own: a FAQ entry answers only about an
# item named most specifically, not about a hint beside it (收入 hints at 低保 and its FAQ on income, but
# "四级残疾，收入六百，能领残疾人生活补贴吗" and "收入九百，算不算低边户" ask about the aid named); with no item
# named, a FAQ entry must share the question's subject, not only its cue words ("结婚登记要带什么材料" is
# not ours; 办 is no subject, papers from the police are another department's); 复核 alone is the routine
# re-check (process) and an appeal only after a refusal, cancellation or stop, with question forms read as
# spelt right ("没批，想申请复合"); "怎么才能" asks how (process), "什么样的人才能" who; "还能不能领" is the
# 还能领 of a combination; an aid already paid out ("医疗救助报完以后") is the story and the sum still to pay
# (还差, 垫了) the question; what a person is like (瘫痪, 不能自理) gives way to an aid named, and 照料 is
# 特困供养's word for care ("五保户不能自理的照料费"); "怎么样" is no longer rewritten to "怎怎样".
# Before -> after: blind6 90.0% -> 100% (80/80); every other set unchanged (question set, holdout, fresh,
# blind2, blind3, blind4, blind5 100%; blind 97.5%).
# questions_blind7.tsv (80 questions, written blind before the fourth round by a writer asked for a new mix:
# emergencies, children asking for parents, 江西/安徽/东北/云南 phrasing) is the honest figure now, never tuned
# on: 78.8% (63/80) both before and after the fourth round. Like the second round, the fourth fitted its
# training set without moving unseen accuracy. Typical misses: two aids where one is already held ("五保户…
# 护理补贴还能另外拿吗"), near-domain requests outside the catalogue (高铁优惠, 农业保险, 老年卡), and
# "有哪些救助…都给我说说" after a long story.
# Fifth round: the method, not the word lists. Every set above (questions.tsv .. questions_blind7.tsv) moved
# to backend/yimen/data/policy_questions and became the training data of a learned intent model: naive Bayes
# over character 1-3-grams and jieba words, each aid's name masked, its scores added to the keyword scores
# (services/policy/qa/intent_model.py and learned.py, PolicyQA.ranking). Methods compared leaving one set out at a time
# (benchmarks/compare_qa_methods.py; the keyword rules had seen every set but blind7, so only that column is
# fair to them, and this round's two rule fixes below were made looking at its misses): keyword rules alone
# 97.2% overall / 80.0% blind7 (78.8% before this round); learned model alone 91.4% / 88.8%; both with
# weight 1 97.5% / 88.8%, 1.5 (kept) 97.3% / 91.2%, 2 96.5% / 91.2%. Scratch baselines, not kept: BM25
# nearest question over jieba words 37.7% (intent only 66.6%), over character n-grams 47.1%; naive Bayes
# for intent and item with no rules 70.8%. Also new: "您是想问哪一个？" with both readings when the two
# likeliest are close, two aids named -> both answered plus whether they stack, happiness-list questions
# name no item, and an overview question takes as its topic only an aid named or held (not a hint or a
# fact of the story). In-sample after the round: blind 97.5%, blind7 96.2%, every other set 100%.
# questions_blind8.tsv (198 questions in four voices: an elderly villager, a young migrant worker, a
# village assistant asking for someone, a clerk; written blind by a writer who saw neither the engine nor
# the other sets) is the held-out figure of the fifth round, measured once after the method was final and
# committed (3e1e62b, b63c9a7 on main): 93.4% (185/198). 11 of the 198 replies offered two readings
# ("您是想问哪一个？"); 6 of those had the expected reading first. It is kept out of the training data (it
# stays here in tests/policy) and has not been tuned on. Misses: a combination in dialect with a misspelt
# aid ("护里补贴还能整不"), "对象范围/包括哪些人" read as an overview instead of conditions, papers asked
# about by name (自理能力评估表, 事故情况说明) and "回户籍地申请" read as other intents, "要我送东西 我要告他"
# and "所有救助项目的清单" read as out of scope.
HELD_OUT = {"questions_blind8.tsv": 0.934}
LATER_SETS = {
    "questions_holdout.tsv": 0.97,
    "questions_fresh.tsv": 0.97,
    "questions_blind.tsv": 0.95,
    "questions_blind2.tsv": 0.97,
    "questions_blind3.tsv": 0.97,
    "questions_blind4.tsv": 0.98,
    "questions_blind6.tsv": 0.98,
    "questions_blind5.tsv": 0.98,
    "questions_blind7.tsv": 0.95,
}


def test_question_set_is_large_and_varied():
    rows = load_questions(QUESTIONS)
    assert len(rows) >= 150
    assert len({r[1] for r in rows}) >= 13  # every intent of the issue plus overview and out-of-scope
    assert sum(1 for q, _, _ in rows if any(c in q for c in "與們麼還嗎請辦該裡領")) >= 8  # traditional


def measure(qa, path: Path, label: str, capsys) -> float:
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


def test_accuracy_at_least_90_percent(qa, capsys):
    assert measure(qa, QUESTIONS, "question set", capsys) >= TARGET


@pytest.mark.parametrize(("name", "floor"), LATER_SETS.items())
def test_later_question_sets_are_reported(qa, name, floor, capsys):
    assert measure(qa, QUESTIONS.with_name(name), name, capsys) >= floor


@pytest.mark.parametrize(("name", "floor"), HELD_OUT.items())
def test_held_out_sets_stay_at_their_first_measurement(qa, name, floor, capsys):
    assert measure(qa, Path(__file__).with_name(name), name, capsys) >= floor


def test_every_answer_fits_a_chat_bubble_and_links(qa):
    paths = [QUESTIONS.with_name(name) for name in ("questions.tsv", *LATER_SETS)]
    paths += [Path(__file__).with_name(name) for name in HELD_OUT]
    questions = [q for path in paths for q, _, _ in load_questions(path)]
    for question in questions:
        answer = qa.ask(question)
        assert 0 < len(answer.answer) <= MAX_ANSWER, question
        assert re.search(r"详情：/[a-z/-]*( /[a-z/-]*)?$", answer.answer), question
