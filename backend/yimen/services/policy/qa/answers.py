"""Answer composition: replies worded from the catalogue and the FAQ, sized for a chat bubble, citing pages."""

from dataclasses import dataclass

from yimen.domain.policy import Catalogue, Item, plain_yuan
from yimen.services.policy.qa.numbers import fen, parse_amount_fen, spent_match

MAX_ANSWER = 300
NOT_FOUND = "out_of_scope"
CHOICE_HEAD = "您是想问哪一个？"
CHOICE_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Answer:
    answer: str
    intent: str
    intent_label: str
    item_code: str | None = None
    item_name: str | None = None
    sources: tuple[dict, ...] = ()
    confidence: float = 0.0

    @property
    def body(self) -> str:
        """The answer without its link line, for pages that show the link as a button."""
        return self.answer.rsplit("详情：", 1)[0]

    @property
    def links(self) -> list[str]:
        """The site-relative pages the answer cites (two for a question about two aids)."""
        head, _, tail = self.answer.rpartition("详情：")
        return tail.split() if head or tail else []

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "item_code": self.item_code,
            "item_name": self.item_name,
            "intent": self.intent,
            "intent_label": self.intent_label,
            "sources": list(self.sources),
            "links": self.links,
            "confidence": round(self.confidence, 2),
        }


class Composer:
    """Words the answers: an item's template for the intent asked, two aids side by side, a FAQ entry, two
    readings to choose from, or "not found"; `labels` are the intents' plain names (intent -> label)."""

    def __init__(self, *, cat: Catalogue, labels: dict[str, str]):
        self.cat = cat
        self.labels = labels

    def item_answer(
        self, item: Item, intent: str, confidence: float, text: str = "", with_stacking: bool = False
    ) -> Answer:
        body = TEMPLATES[intent](item, self.cat) + (self._stacking(item) if with_stacking else "")
        spent = spent_match(text)
        amount = (fen(spent) if spent else parse_amount_fen(text)) if intent == "standard" else None
        band = item.band_for("", amount) if amount else None
        if band and amount:  # "自付三万能救助多少": answer with the sum, not only the table
            body = (
                f"按{item.short_name}分档标准，个人自付 {plain_yuan(amount)} 元可按 {band[0]}% 救助，"
                f"约 {plain_yuan(band[1])} 元（示范县演示标准，以审批为准）。" + body
            )
        return self._answer(body, (item.url,), intent, item, _basis_sources(item), confidence)

    def two_items(self, item: Item, other: Item, intent: str, confidence: float) -> Answer:
        """A question naming two aids ("低保和护理补贴能一起办吗", "低保和特困的条件"): what it asks about
        each, shortened to fit, and whether the two can be held together; both pages cited."""
        together = self._together(item, other)
        template = TEMPLATES["overview" if intent == "combination" else intent]
        links = (item.url, other.url)
        room = (MAX_ANSWER - len(together) - len(_link_line(links))) // 2
        parts = "".join(_clip(template(i, self.cat), room) for i in (item, other))
        body = together + parts if intent == "combination" else parts + together
        return self._answer(body, links, intent, item, _basis_sources(item) + _basis_sources(other), confidence)

    def combination(self, codes: list[str]) -> Answer:
        """What the first aid named can be held with; with two named, whether those two can."""
        item = self.cat.items[codes[0]]
        if len(codes) >= 2:
            return self.two_items(item, self.cat.items[codes[1]], "combination", 0.9)
        return self._answer(self._stacking(item), (item.url,), "combination", item, _basis_sources(item), 0.9)

    def faq_answer(self, entry: dict, intent: str, codes: list[str], confidence: float) -> Answer:
        code = entry.get("item") or (codes[0] if codes else None)
        item = self.cat.items.get(code) if code else None
        link = entry.get("link") or (item.url if item else "/policy")
        # folded YAML puts a space at each line break; Chinese text has none
        body = "".join(entry["answer"].split()).format(**self._contact())
        sources = [{"title": f"常见问题：{entry['questions'][0]}", "url": link, "faq": entry["id"]}]
        if item:
            sources += _basis_sources(item)
        return Answer(
            fit(body, link),
            intent,
            self.labels[intent],
            code,
            item.name if item else None,
            tuple(sources),
            confidence,
        )

    def choice(self, first: Answer, second: Answer) -> Answer:
        """Two readings about as likely ("低保怎么才能办下来": the conditions or the procedure?): the start
        of both, so the person sees which one was meant, with both pages; the first stays the answer of
        record. The same reading twice is just the answer."""
        if (second.intent, second.item_code) == (first.intent, first.item_code) or second.body == first.body:
            return first
        links = tuple(dict.fromkeys((*first.links, *second.links)))
        room = (MAX_ANSWER - len(CHOICE_HEAD) - len(_link_line(links))) // 2
        body = CHOICE_HEAD + "".join(
            _clip(f"{mark}{a.body}", room) for mark, a in zip(("\n（一）", "\n（二）"), (first, second), strict=True)
        )
        return Answer(
            fit(body, *links),
            first.intent,
            first.intent_label,
            first.item_code,
            first.item_name,
            first.sources,
            CHOICE_CONFIDENCE,
        )

    def not_found(self) -> Answer:
        c = self._contact()
        body = (
            f"没有找到和您的问题相关的救助政策。您可以换个说法再问，或拨打 {c['hotline']}，"
            f"也可以到{c['window']}当面咨询。"
        )
        return Answer(fit(body, "/policy"), NOT_FOUND, "没有找到", None, None, (), 0.0)

    def _answer(
        self, body: str, links: tuple[str, ...], intent: str, item: Item, sources: list[dict], confidence: float
    ) -> Answer:
        return Answer(fit(body, *links), intent, self.labels[intent], item.code, item.name, tuple(sources), confidence)

    def _stacking(self, item: Item) -> str:
        nots = "、".join(self.cat.items[c].short_name for c in item.not_with) or "无"
        stacks = "、".join(self.cat.items[c].short_name for c in item.stacks_with) or "无"
        return f"{item.name}可以和{stacks}叠加享受；不能同时享受的：{nots}。"

    def _together(self, item: Item, other: Item) -> str:
        """Whether two items can be held together, from the catalogue's exclusions and stacking lists."""
        pair = f"{item.short_name}和{other.short_name}"
        reason = self.cat.conflicts(item.code, other.code)
        if reason:
            return f"{pair}不能同时享受：{reason}。"
        if other.code in item.stacks_with or item.code in other.stacks_with:
            return f"{pair}可以同时享受（可叠加），符合条件的分别申请即可。"
        return f"{pair}没有“不可同时享受”的规定，符合各自条件的可以分别申请，以审批为准。"

    def _contact(self) -> dict:
        region = self.cat.region("")
        return {k: region[k] for k in ("hotline", "window", "report_line", "centre")}


def _basis_sources(item: Item) -> list[dict]:
    return [{"title": f"{b['title']} {b['article']}", "url": item.url} for b in item.basis[:2]]


def _link_line(links: tuple[str, ...]) -> str:
    return f"详情：{' '.join(links)}" if links else ""


def _clip(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


def fit(body: str, *links: str) -> str:
    """Chat-bubble sized: at most 300 characters including the links to the items' pages."""
    tail = _link_line(links)
    return _clip(body, MAX_ANSWER - len(tail)) + tail


def _standard_text(item: Item, cat: Catalogue) -> str:
    lines = item.standard_lines("")
    demo = "（示范县演示数值，以当地公布为准）" if lines and lines[0].demo else ""
    parts = "；".join(f"{line.label} {line.text()}" for line in lines)
    bands = item.standard_block("").get("bands")
    if bands:
        parts += "；" + "，".join(f"自付 {plain_yuan(b['from_fen'])} 元起按 {b['pct']}%" for b in bands["steps"])
    return f"{item.name}标准{demo}：{parts}。"


def _numbered(steps: tuple[str, ...]) -> str:
    marks = "①②③④⑤⑥⑦⑧"
    return "".join(f"{marks[i]}{s.rstrip('。')}；" for i, s in enumerate(steps[:8]))


# the answer to each intent about one item
TEMPLATES = {
    "overview": lambda item, cat: f"{item.name}：{item.summary}",
    "conditions": lambda item, cat: (f"{item.name}的条件：{_numbered(item.conditions)}可以先在“一门”用“测一测”自查。"),
    "materials": lambda item, cat: (
        f"办{item.name}要带：{'、'.join(item.materials)}。收入、房产、车辆等由平台统一核对，不用另开证明。"
    ),
    "process": lambda item, cat: (
        f"{item.name}办理流程：{_numbered(item.process)}办理时限 {item.time_limit_days} 个工作日。"
    ),
    "standard": _standard_text,
    "time_limit": lambda item, cat: (
        f"{item.name}办理时限为 {item.time_limit_days} 个工作日（从受理之日算，"
        "节假日不算）。超时的会被督办，您可以随时在“查进度”里看办到哪一步。"
    ),
    "place": lambda item, cat: (
        f"{item.name}请到{item.place}办理，主管部门：{item.department}。"
        "也可以在“一门”小程序在线申请，或请村协理员代办。"
    ),
}
