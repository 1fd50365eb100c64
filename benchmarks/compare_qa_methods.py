"""Policy Q&A methods compared on questions they were not built from (not part of `make bench`: ~1 min).

Leave one set out: for each labelled set in data/policy_questions the learned intent model is trained on
all the other sets, then asked that set's questions. Each method is the same engine with the keyword
scores and the learned scores weighed differently: keyword rules alone (1, 0), the learned model alone
(0, 1) and both (1, w). The keyword lexicon was tuned on every set up to questions_blind6.tsv, so only
questions_blind7.tsv is unseen by the rules; the other columns flatter them.

    .venv/bin/python benchmarks/compare_qa_methods.py
"""

from yimen.domain.policy import catalogue
from yimen.services.policy.qa import DATA, PolicyQA, build_policy_qa
from yimen.services.policy.qa.intent_model import load_questions

WEIGHTS = {
    "rules": (1.0, 0.0),
    "learned": (0.0, 1.0),
    "both w=1": (1.0, 1.0),
    "both w=1.5": (1.0, 1.5),
    "both w=2": (1.0, 2.0),
}


def accuracy(qa: PolicyQA, rows: list[tuple[str, str, str | None]]) -> float:
    right = 0
    for question, intent, item in rows:
        answer = qa.ask(question)
        right += (answer.intent, answer.item_code) == (intent, item)
    return right / len(rows)


def main() -> None:
    sets = sorted((DATA / "policy_questions").glob("*.tsv"))
    totals = dict.fromkeys(WEIGHTS, 0.0)
    count = 0
    print(f"{'held-out set':28}" + "".join(f"{name:>12}" for name in WEIGHTS))
    for path in sets:
        rows = load_questions(path)
        qa = build_policy_qa(catalogue(), held_out=frozenset({path.name}))
        line = f"{path.name + f' ({len(rows)})':28}"
        for name, weights in WEIGHTS.items():
            qa.weights = weights
            value = accuracy(qa, rows)
            totals[name] += value * len(rows)
            line += f"{value:12.1%}"
        count += len(rows)
        print(line, flush=True)
    print(f"{f'all ({count})':28}" + "".join(f"{totals[name] / count:12.1%}" for name in WEIGHTS))


if __name__ == "__main__":
    main()
