"""全程留痕: keyed hash chains over audit events, anchored by signed checkpoints.

Events spread over CHAINS chains (an object's events all fall in one chain, picked by a hash of the
object), so concurrent writers on different cases don't queue behind one head. Each event's `hash`
is an HMAC over every field, the chain and seq included, under a key the database does not hold:
someone with only the table can neither edit an event nor recompute the hashes after it. A role
that does hold the key (every function can read the data key) still cannot rewrite history that
an anchor covers: an anchor is a checkpoint of every chain head, signed with a key only the
anchoring job may use, and chained to the anchor before it. Verification checks every chain, the
anchors' signatures, that the latest anchor is recent, and that every anchored head is still there
unchanged, so deleting the last events, all events, or rewriting them shows."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from yimen.domain.model import AuditEvent

GENESIS = "0" * 64
CHAINS = 64  # fixed per deployment: the anchor lists every chain's head
ANCHOR_CONTEXT = "yimen-audit-anchor/v1"  # signatures over anything else are not anchors
ANCHOR_MAX_AGE = timedelta(hours=2)  # the schedule anchors every 15 minutes
ANCHOR_TAKEN = ("ANCHOR_TAKEN", "另一个锚定任务刚刚写入了同号锚点，请稍后重试")


def chain_for(object_type: str, object_id: str) -> str:
    digest = hashlib.sha256(f"{object_type}\x1f{object_id}".encode()).digest()
    return f"{int.from_bytes(digest[:4], 'big') % CHAINS:02d}"


ChainHeads = dict[str, list[Any]]  # chain -> [seq, hash], as JSON stores it


def all_chains() -> list[str]:
    return [f"{n:02d}" for n in range(CHAINS)]


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class Sealer:
    """Places events on their chain and checks them, with the audit MAC key."""

    def __init__(self, key: bytes):
        if len(key) < 32:
            raise ValueError("audit key must be at least 32 bytes")
        self._key = key

    def digest(self, event: AuditEvent) -> str:
        body = {f.name: getattr(event, f.name) for f in fields(AuditEvent) if f.name != "hash"}
        body["at"] = event.at.isoformat()
        return hmac.new(self._key, _canonical(body), hashlib.sha256).hexdigest()

    def seal(self, event: AuditEvent, prev: AuditEvent | None) -> AuditEvent:
        """Put the event behind `prev`, the last event of its chain (event.chain must be set)."""
        event.seq = prev.seq + 1 if prev else 1
        event.prev_hash = prev.hash if prev else GENESIS
        event.hash = self.digest(event)
        return event

    def first_broken(self, events: Iterable[AuditEvent]) -> tuple[AuditEvent, str] | None:
        """Walk events in (chain, seq) order; the first that doesn't fit its chain, with why."""
        for event, why in self._walk(events):
            if why:
                return event, why
        return None

    def _walk(self, events: Iterable[AuditEvent]) -> Iterator[tuple[AuditEvent, str | None]]:
        chain: str | None = None
        prev_hash, expected = GENESIS, 1
        for event in events:
            if event.chain != chain:
                chain, prev_hash, expected = event.chain, GENESIS, 1
            why = None
            if event.chain != chain_for(event.object_type, event.object_id):
                why = "事件所属链与其对象不符（对象被改动）"
            elif event.seq != expected:
                why = f"第 {event.chain} 条链序号不连续：应为 {expected}，实为 {event.seq}（有事件被删除）"
            elif event.prev_hash != prev_hash:
                why = "前一事件的哈希不符（前面的事件被改动或删除）"
            elif not hmac.compare_digest(self.digest(event), event.hash):
                why = "事件内容与密钥哈希不符（该事件被改动）"
            yield event, why
            prev_hash, expected = event.hash, event.seq + 1


@dataclass
class Anchor:
    """A signed checkpoint: every chain's (seq, hash) at `at`, linked to the anchor before it."""

    no: int
    at: datetime
    heads: ChainHeads
    prev: str = GENESIS  # digest() of the anchor before
    key_id: str = ""
    signature: str = ""

    def message(self) -> bytes:
        return _canonical(
            {
                "context": ANCHOR_CONTEXT,
                "no": self.no,
                "at": self.at.isoformat(),
                "heads": self.heads,
                "prev": self.prev,
                "key_id": self.key_id,
            }
        )

    def digest(self) -> bytes:
        return hashlib.sha256(self.message()).digest()


def next_anchor(last: Anchor | None, heads: ChainHeads, at: datetime, key_id: str) -> Anchor:
    return Anchor(
        no=last.no + 1 if last else 1, at=at, heads=heads, prev=last.digest().hex() if last else GENESIS, key_id=key_id
    )


@dataclass
class Verdict:
    events: int = 0
    chains: int = 0
    anchor: Anchor | None = None
    unanchored: int = 0  # events after the latest anchor (protected by the MAC only)
    problems: list[str] = field(default_factory=list)


def verify(
    sealer: Sealer,
    events: Iterable[AuditEvent],
    anchors: list[Anchor],
    signature_ok: Callable[[Anchor], bool],
    now: datetime,
    max_age: timedelta = ANCHOR_MAX_AGE,
) -> Verdict:
    """`anchors`: the latest anchors, oldest first (the latest and the one before it suffice)."""
    verdict = Verdict(anchor=anchors[-1] if anchors else None)
    verdict.problems += _anchor_problems(anchors, signature_ok, now, max_age)
    anchored = dict(verdict.anchor.heads) if verdict.anchor and not verdict.problems else {}
    chains = set()
    for event, why in sealer._walk(events):
        verdict.events += 1
        chains.add(event.chain)
        if why:
            verdict.problems.append(
                f"第 {event.chain} 条链第 {event.seq} 号事件（{event.action} "
                f"{event.object_type}/{event.object_id}）：{why}"
            )
            return verdict
        head = anchored.get(event.chain)
        if head and event.seq == head[0]:
            if event.hash != head[1]:
                verdict.problems.append(f"第 {event.chain} 条链第 {event.seq} 号事件与签名锚点不符（历史被改写）")
                return verdict
            anchored.pop(event.chain)
        elif head is None or event.seq > head[0]:
            verdict.unanchored += 1
    verdict.chains = len(chains)
    for chain, (seq, _) in sorted(anchored.items()):
        verdict.problems.append(f"第 {chain} 条链缺少已锚定的第 {seq} 号事件（末尾的事件被删除）")
    return verdict


def _anchor_problems(
    anchors: list[Anchor], signature_ok: Callable[[Anchor], bool], now: datetime, max_age: timedelta
) -> list[str]:
    if not anchors:
        return ["没有签名锚点（从未锚定，或锚点被删除）：请运行 yimen audit anchor 并定时运行"]
    for anchor in anchors:
        if not signature_ok(anchor):
            return [f"第 {anchor.no} 号锚点的签名无效（锚点被伪造或改动）"]
    for before, after in zip(anchors, anchors[1:], strict=False):
        if after.no != before.no + 1 or after.prev != before.digest().hex():
            return [f"第 {after.no} 号锚点与前一锚点接不上（锚点被删除或替换）"]
    latest = anchors[-1]
    if now - latest.at > max_age:
        hours = max_age / timedelta(hours=1)
        return [
            f"最新锚点（第 {latest.no} 号，{latest.at:%Y-%m-%d %H:%M}）已超过 {hours:g} 小时未更新："
            "定时锚定没有运行，或最近的锚点被删除"
        ]
    return []
