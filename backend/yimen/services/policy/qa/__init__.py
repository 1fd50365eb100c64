"""Policy Q&A: `build_policy_qa(catalogue)` once per process, then `PolicyQA.ask(question)` -> `Answer`.

Importing it loads jieba and zhconv: bootstrap.Services.policy_qa imports it on the first question.

Modules, in the order a question goes through them: text (normalising), phrases and items (which aids are
named), intents and learned (what is asked: keyword rules and naive Bayes, intent_model), words and retrieval
(jieba, BM25 over the catalogue), faq, answers (composition); engine decides, build assembles."""

from yimen.services.policy.qa.answers import MAX_ANSWER, Answer
from yimen.services.policy.qa.build import DATA, build_policy_qa
from yimen.services.policy.qa.engine import PolicyQA

__all__ = ["DATA", "MAX_ANSWER", "Answer", "PolicyQA", "build_policy_qa"]
