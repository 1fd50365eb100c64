"""Aid phrases: the catalogue's names and the lexicon's synonyms, found by longest match, also misspelt by sound."""

from collections.abc import Callable, Mapping

from yimen.domain.policy import Catalogue

# ranks of item hints, see build_aliases, ItemFinder.facts and ItemFinder.mentions (an aid named in a clause
# that asks nothing is a fact of the story)
TOPIC, FACT, STATUS, WEAK = 0, 1, 2, 3
ITEM_MARK = "＠"  # an aid's name, for the learned model


def build_aliases(
    cat: Catalogue,
    normalise: Callable[[str], str],
    synonyms: dict[str, str],
    status: dict[str, str],
    state: dict[str, str],
    weak: dict[str, str],
) -> dict[str, tuple[str, int]]:
    """phrase -> (item code, rank). Rank TOPIC names the topic; FACT is what the person is like (瘫痪,
    不能自理), which gives way to an aid named; STATUS says who is asking (低保户的孩子...); WEAK is a
    generic hint that decides only when nothing more specific is named."""
    aliases: dict[str, tuple[str, int]] = {}
    for phrase, code in status.items():
        aliases[str(phrase)] = (code, STATUS)
    for item in cat.items.values():
        for name in (item.name, item.short_name, *item.aliases):
            aliases.setdefault(normalise(name), (item.code, TOPIC))
    for table, rank in ((synonyms, TOPIC), (state, FACT), (weak, WEAK)):
        for phrase, code in table.items():
            aliases.setdefault(str(phrase), (code, rank))
    unknown = {code for code, _ in aliases.values()} - set(cat.items)
    if unknown:
        raise ValueError(f"policy_lexicon.yaml names unknown items: {', '.join(sorted(unknown))}")
    return aliases


def sound_table(groups: list[str]) -> dict[int, str]:
    """Same-sound spellings: each character stands for the first of its group (for str.translate)."""
    return str.maketrans({c: group[0] for group in groups for c in group})


def sound_keys(meanings: Mapping[str, object], sounds: dict[int, str]) -> dict[str, str]:
    """Sound key -> phrase. One character, or two phrases that sound alike and mean different things:
    exact spelling only."""
    table: dict[str, str] = {}
    clashes = set()
    for phrase, meaning in meanings.items():
        key = phrase.translate(sounds)
        other = table.setdefault(key, phrase)
        if len(phrase) < 2 or meanings[other] != meaning:
            clashes.add(key)
    for key in clashes:
        table.pop(key, None)
    return table


class ItemPhrases:
    """Finds the aid phrases of `aliases` in normalised text, exact spelling first, then same-sound spelling."""

    def __init__(self, *, aliases: dict[str, tuple[str, int]], sounds: dict[int, str], aid_words: tuple[str, ...]):
        self.aliases = aliases
        self.longest = max(map(len, aliases))
        self.sounds = sounds
        self.sound_alike = sound_keys({phrase: code for phrase, (code, _) in aliases.items()}, sounds)
        self.aid_words = aid_words

    def at(self, text: str, sounds: str, i: int) -> str | None:
        """The longest item phrase starting at i; a same-sound spelling only when no phrase is spelt
        right there ("五保护理费" is 五保 + 护理费, not a misspelt 五保户)."""
        sizes = range(min(self.longest, len(text) - i), 0, -1)
        for size in sizes:
            if text[i : i + size] in self.aliases:
                return text[i : i + size]
        for size in sizes:
            phrase = self.sound_alike.get(sounds[i : i + size])
            if phrase and 2 * sum(a != b for a, b in zip(phrase, text[i : i + size], strict=True)) <= size:
                return phrase
        return None

    def mask(self, text: str) -> str:
        """The text with each aid's name replaced by ITEM_MARK."""
        sounds = text.translate(self.sounds)
        out, i = [], 0
        while i < len(text):
            phrase = self.at(text, sounds, i)
            out.append(ITEM_MARK if phrase else text[i])
            i += len(phrase) if phrase else 1
        return "".join(out)

    def covers(self, text: str, start: int, end: int) -> bool:
        """Whether an item phrase, spelt exactly, covers any character of text[start:end]."""
        for i in range(max(0, start - self.longest + 1), end):
            for size in range(1, self.longest + 1):
                if i + size > start and text[i : i + size] in self.aliases:
                    return True
        return False

    def about_aid(self, text: str, sounds: str) -> bool:
        """Whether the text names an aid or speaks of aid: a guessed keyword alone makes no question of
        ours ("复合肥多少钱" is not a misspelt 复核)."""
        return any(w in text for w in self.aid_words) or any(self.at(text, sounds, i) for i in range(len(text)))
