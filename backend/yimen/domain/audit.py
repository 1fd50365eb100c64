"""Hash chain over audit events: editing or deleting any event breaks every hash after it."""

import hashlib
import json

from .model import AuditEvent

GENESIS = "0" * 64


def event_digest(event: AuditEvent) -> str:
    body = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "phrase": event.phrase,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def seal(event: AuditEvent, prev: AuditEvent | None) -> AuditEvent:
    """Give the event its place in the chain."""
    event.seq = prev.seq + 1 if prev else 1
    event.prev_hash = prev.hash if prev else GENESIS
    event.hash = event_digest(event)
    return event


def first_broken(events) -> tuple[AuditEvent, str] | None:
    """Walk events in seq order; return the first that doesn't fit, with why."""
    prev_hash, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            return event, f"序号不连续：应为 {expected_seq}，实为 {event.seq}（有事件被删除）"
        if event.prev_hash != prev_hash:
            return event, "前一事件的哈希不符（前面的事件被改动或删除）"
        if event_digest(event) != event.hash:
            return event, "事件内容与哈希不符（该事件被改动）"
        prev_hash, expected_seq = event.hash, expected_seq + 1
    return None
