"""The learned intent model: naive Bayes counts, scores relative to the likeliest intent."""

from yimen.services.policy.qa.intent_model import NaiveBayes, load_questions

EXAMPLES = [
    (["条件", "能不能"], "conditions"),
    (["条件", "够不够"], "conditions"),
    (["材料", "带啥"], "materials"),
    (["材料", "证明"], "materials"),
]


def test_the_likeliest_intent_scores_zero_and_the_others_less():
    scores = NaiveBayes(EXAMPLES).scores(["带啥", "证件"])
    assert scores["materials"] == 0 and scores["conditions"] < 0


def test_more_evidence_separates_more_but_not_linearly():
    model = NaiveBayes(EXAMPLES)
    one = model.scores(["能不能"])["materials"]
    two = model.scores(["能不能", "够不够"])["materials"]
    assert two < one < 0 and two > 2 * one


def test_a_question_of_unseen_words_favours_nothing():
    assert set(NaiveBayes(EXAMPLES).scores(["天气"]).values()) == {0.0}


def test_question_sets_read_with_comments_and_no_item(tmp_path):
    path = tmp_path / "set.tsv"
    path.write_text("# question\tintent\titem\n低保要啥条件\tconditions\tdibao\n\n有哪些救助\toverview\t-\n", "utf-8")
    assert load_questions(path) == [("低保要啥条件", "conditions", "dibao"), ("有哪些救助", "overview", None)]
