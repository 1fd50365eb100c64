"""The audit chains catch tampering on both backends: someone who can write the table (SQLite file,
DynamoDB items) deletes the last events, deletes all of them, edits one and recomputes every later
hash (with and without the MAC key), or moves an event to another object. `yimen audit verify`'s
checks (AuditService.verify) must say so; each case passed unnoticed before chains were keyed and
anchored."""

import hashlib
import json
import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.aws_support import client
from tests.contract.test_records import AT
from yimen.domain.audit import chain_for
from yimen.domain.errors import TooLarge
from yimen.domain.model import AuditEvent
from yimen.ports import FixedClock
from yimen.services.staff.audit import AuditService

CASE = ("application", "case-1")
CHAIN = chain_for(*CASE)


class Table:
    """Direct access to the stored events of one chain, as a person with write access has it."""

    def __init__(self, backend):
        self.backend = backend
        self.aws = backend.stack is not None
        if self.aws:
            self.dynamodb = client("dynamodb", backend.stack.endpoint)
        else:
            self.db = sqlite3.connect(backend.services.config.database, isolation_level=None)

    def docs(self, chain: str = CHAIN) -> list[dict]:
        if self.aws:
            found = self.dynamodb.query(
                TableName=self.backend.stack.table,
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": {"S": f"AUDIT#{chain}"}},
            )["Items"]
            return [json.loads(item["doc"]["S"]) for item in found]
        rows = self.db.execute("SELECT doc FROM audit_events WHERE chain = ? ORDER BY seq", (chain,))
        return [json.loads(doc) for (doc,) in rows]

    def delete(self, doc: dict) -> None:
        if self.aws:
            self.dynamodb.delete_item(TableName=self.backend.stack.table, Key=self._key(doc))
        else:
            self.db.execute("DELETE FROM audit_events WHERE chain = ? AND seq = ?", (doc["chain"], doc["seq"]))

    def delete_all(self) -> None:
        for chain in {d["chain"] for d in self.all_docs()}:
            for doc in self.docs(chain):
                self.delete(doc)

    def all_docs(self) -> list[dict]:
        with self.backend.uow() as uow:
            return [{"chain": e.chain, "seq": e.seq} for e in uow.audit.iter_all()]

    def rewrite(self, doc: dict) -> None:
        if self.aws:
            item = self.dynamodb.get_item(TableName=self.backend.stack.table, Key=self._key(doc))["Item"]
            item["doc"] = {"S": json.dumps(doc, ensure_ascii=False)}
            self.dynamodb.put_item(TableName=self.backend.stack.table, Item=item)
        else:
            self.db.execute(
                "UPDATE audit_events SET doc = ? WHERE chain = ? AND seq = ?",
                (json.dumps(doc, ensure_ascii=False), doc["chain"], doc["seq"]),
            )

    def move_to_object(self, doc: dict, object_id: str) -> None:
        """Change only the stored key the object's trail is read by (the column / the GSI key)."""
        if self.aws:
            self.dynamodb.update_item(
                TableName=self.backend.stack.table,
                Key=self._key(doc),
                UpdateExpression="SET GSI1PK = :o",
                ExpressionAttributeValues={":o": {"S": f"AUDOBJ#{CASE[0]}#{object_id}"}},
            )
        else:
            self.db.execute(
                "UPDATE audit_events SET object_id = ? WHERE chain = ? AND seq = ?",
                (object_id, doc["chain"], doc["seq"]),
            )

    def delete_anchors(self) -> None:
        if self.aws:
            found = self.dynamodb.query(
                TableName=self.backend.stack.table,
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": {"S": "AUDITANCHOR"}},
            )["Items"]
            for item in found:
                self.dynamodb.delete_item(TableName=self.backend.stack.table, Key={"PK": item["PK"], "SK": item["SK"]})
        else:
            self.db.execute("DELETE FROM audit_anchors")

    @staticmethod
    def _key(doc: dict) -> dict:
        return {"PK": {"S": f"AUDIT#{doc['chain']}"}, "SK": {"S": f"{doc['seq']:012d}"}}


def _events(backend, n: int, object_id: str = CASE[1]) -> None:
    with backend.uow() as uow:
        for i in range(n):
            uow.audit.append(
                AuditEvent(
                    actor="staff:window1",
                    object_type=CASE[0],
                    object_id=object_id,
                    action=f"step{i}",
                    at=AT,
                    from_state="受理",
                    to_state="核对",
                    phrase="同意受理",
                    reason="材料齐全",
                )
            )


@pytest.fixture
def audited(backend):
    """Five events on the case, two on other objects, anchored."""
    _events(backend, 5)
    _events(backend, 1, "other-1")
    _events(backend, 1, "other-2")
    backend.services.audit.anchor()
    return backend


def _problems(backend) -> list[str]:
    return backend.services.audit.verify().problems


def test_an_intact_anchored_chain_verifies(audited):
    _events(audited, 2)  # after the anchor: covered by the MAC, anchored next time
    verdict = audited.services.audit.verify()
    assert verdict.problems == []
    assert (verdict.events, verdict.unanchored, verdict.anchor.no) == (9, 2, 1)
    assert verdict.chains == len({CHAIN, chain_for(CASE[0], "other-1"), chain_for(CASE[0], "other-2")})


def test_every_column_is_under_the_keyed_hash(audited):
    with audited.uow() as uow:
        trail = uow.audit.for_object(*CASE)
    assert [e.seq for e in trail] == [1, 2, 3, 4, 5] and {e.chain for e in trail} == {CHAIN}
    sealer = audited.services.sealer
    for name in (
        "actor",
        "object_type",
        "object_id",
        "action",
        "from_state",
        "to_state",
        "phrase",
        "reason",
        "chain",
        "seq",
        "prev_hash",
    ):
        changed = AuditEvent(**{**trail[2].__dict__, name: "x" if name != "seq" else 9})
        assert sealer.digest(changed) != trail[2].hash, name
    assert sealer.digest(AuditEvent(**{**trail[2].__dict__, "at": AT + timedelta(seconds=1)})) != trail[2].hash


def test_deleting_the_last_events_shows(audited):
    table = Table(audited)
    for doc in table.docs()[-2:]:
        table.delete(doc)
    assert any("末尾的事件被删除" in p and "第 5 号" in p for p in _problems(audited))


def test_deleting_every_event_shows(audited):
    Table(audited).delete_all()
    problems = _problems(audited)
    assert len(problems) == 3 and all("末尾的事件被删除" in p for p in problems)


def test_deleting_every_event_and_every_anchor_shows(audited):
    table = Table(audited)
    table.delete_all()
    table.delete_anchors()
    assert ["没有签名锚点" in p for p in _problems(audited)] == [True]


def test_deleting_the_latest_anchors_shows_once_the_schedule_has_moved_on(audited):
    Table(audited).delete_anchors()  # also what deleting only the newest anchors leaves after a while
    audited.services.audit.anchor()
    later = replace(audited.services, clock=FixedClock(AT + timedelta(hours=3)))
    assert any("已超过" in p for p in later.audit.verify().problems)


def test_an_edit_with_every_later_hash_recomputed_without_the_key_shows(audited):
    table = Table(audited)
    docs = table.docs()
    docs[1]["reason"] = "材料不齐"
    for prev, doc in zip(docs[1:], docs[2:], strict=False):
        doc["prev_hash"] = prev["hash"] = _unkeyed(prev)  # the old, unkeyed way
    docs[-1]["hash"] = _unkeyed(docs[-1])
    for doc in docs[1:]:
        table.rewrite(doc)
    assert any("第 2 号事件" in p and "密钥哈希不符" in p for p in _problems(audited))


def test_an_edit_with_every_later_hash_recomputed_with_the_key_shows_against_the_anchor(audited):
    """Whoever holds the MAC key (any function can read the data key) can re-seal the chain; the
    signed anchor still holds the old head."""
    table, sealer = Table(audited), audited.services.sealer
    with audited.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.chain == CHAIN]
    events[1].reason = "材料不齐"
    for n, event in enumerate(events[1:], start=1):
        sealer.seal(event, events[n - 1])
        table.rewrite({**json.loads(json.dumps(event.__dict__, default=str)), "at": event.at.isoformat()})
    problems = _problems(audited)
    assert any("与签名锚点不符" in p for p in problems), problems


def test_a_forged_anchor_over_rewritten_history_is_refused(audited):
    """Re-seal with the MAC key and write a new anchor signed by any key but the anchor key."""
    from yimen.adapters.anchor_signers import FileAnchorSigner

    table, sealer = Table(audited), audited.services.sealer
    table.delete(table.docs()[-1])
    s = audited.services
    forger = AuditService(
        uow=s.uow, clock=s.clock, sealer=sealer, anchor_signer=FileAnchorSigner(s.config.data_dir / "forged.pem")
    )
    forger.anchor()
    assert any("第 2 号锚点的签名无效" in p for p in _problems(audited))


def test_moving_an_event_to_another_object_shows(audited):
    table = Table(audited)
    table.move_to_object(table.docs()[2], "case-2")
    with audited.uow() as uow:
        assert [e.seq for e in uow.audit.for_object(*CASE)] == [1, 2, 4, 5]  # what the move hides
    assert any("第 3 号事件" in p for p in _problems(audited))


def test_units_over_one_transaction_are_refused_whole_on_dynamodb(backend):
    if backend.stack is None:
        pytest.skip("SQLite has no item limit per transaction")
    with pytest.raises(TooLarge), backend.uow() as uow:
        for n in range(101):
            uow.kv.put("bulk", str(n), {"n": n})
        uow.audit.append(AuditEvent(actor="system", object_type="kv", object_id="bulk", action="put", at=AT))
    with backend.uow() as uow:
        assert uow.kv.get("bulk", "0") is None
        assert list(uow.audit.iter_all()) == []


def _unkeyed(doc: dict) -> str:
    body = {k: doc[k] for k in doc if k != "hash"}
    return hashlib.sha256(
        json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
