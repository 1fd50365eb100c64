"""Policy Q&A pieces: normalisation, synonyms, amounts, combination answers, honest "not found"."""

import pytest

from yimen.services.policy_qa import parse_amount_fen, policy_qa


def test_engine_is_built_once_per_process():
    assert policy_qa() is policy_qa()


def test_traditional_misspelt_and_dialect_text_is_normalised():
    qa = policy_qa()
    assert qa.normalise("申請低保") == "申请低保"
    assert qa.normalise("底保咋个申请") == "低保怎么申请"
    assert qa.normalise("ＡＢＣ１２３ 五保 户！") == "abc123五保户"


@pytest.mark.parametrize(
    ("phrase", "code"),
    [("五保户", "tekun"), ("两项补贴", "canji-shenghuo"), ("护理费", "canji-huli"), ("危房", "zhufang"),
     ("大病救助", "yiliao"), ("低保户", "dibao"), ("残补", "canji-shenghuo"), ("发大水", "shouzai")],
)
def test_synonyms_name_the_item(phrase, code):
    qa = policy_qa()
    assert qa.find_items(qa.normalise(phrase))[0] == code


def test_specific_words_beat_generic_ones():
    qa = policy_qa()
    assert qa.find_items(qa.normalise("大病慈善救助最多给多少"))[0] == "cishan"
    assert qa.find_items(qa.normalise("看病自付三万"))[0] == "linshi-zhichu"


@pytest.mark.parametrize(
    ("text", "fen"),
    [("一万五", 1_500_000), ("3万", 3_000_000), ("15000元", 1_500_000), ("两千五", 250_000), ("没钱", None)],
)
def test_amounts_in_questions(text, fen):
    assert parse_amount_fen(text) == fen


def test_expenditure_question_gets_the_computed_amount():
    answer = policy_qa().ask("看病自付花了三万能救助多少")
    assert answer.item_code == "linshi-zhichu"
    assert "个人自付 30000 元可按 60% 救助，约 18000 元" in answer.answer


def test_combination_answers_from_the_catalogue_rules():
    qa = policy_qa()
    no = qa.ask("五保户还能领残疾人补贴吗")
    assert no.intent == "combination" and "不能同时享受" in no.answer and "云和" in no.answer
    yes = qa.ask("低保户还能领高龄津贴吗")
    assert "可以同时享受" in yes.answer


def test_out_of_scope_says_not_found_with_hotline_and_window():
    answer = policy_qa().ask("驾照怎么考")
    assert answer.intent == "out_of_scope" and answer.item_code is None and answer.confidence == 0
    assert answer.answer.startswith("没有找到") and "12345" in answer.answer and "窗口" in answer.answer
