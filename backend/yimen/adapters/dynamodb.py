"""DynamoDB records adapter (the serverless path): one table, five sparse GSIs, every unit of work one
TransactWriteItems. The table design and each access pattern are in docs/dynamodb-design.md.

A unit of work reads through to the table (strongly consistent `GetItem`) and buffers its writes;
`get`s inside the unit see its own writes, queries see committed data. Each buffered write keeps the
precondition it had on the *stored* item (absent, or version = n); the same precondition is checked
locally when the write is made, so a stale version fails at once, and again by DynamoDB at commit,
so a race between two Lambdas fails cleanly too (Conflict, nothing written)."""

from __future__ import annotations

import base64
import itertools
import json
import logging
import random
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from yimen.adapters import codec
from yimen.adapters.sqs import SqsJobQueue
from yimen.domain.audit import ANCHOR_TAKEN, Anchor, Sealer, all_chains, chain_for
from yimen.domain.disbursement import Batch, BatchState, Slip
from yimen.domain.errors import Conflict, TooLarge, ValidationError
from yimen.domain.model import AidRecord, AuditEvent, Household, StaffUser
from yimen.domain.workflow import Application, Complaint, Stage, county_of, tally_changes
from yimen.ports import (
    FAILED_NS,
    AidRecordRepository,
    ApplicationRepository,
    AuditLog,
    BatchRepository,
    Cipher,
    ComplaintRepository,
    DeadJob,
    HouseholdRepository,
    Job,
    JobLeases,
    JobQueue,
    KeyValue,
    NoticeLog,
    NoticeRecord,
    Page,
    SlipRepository,
    StaffRepository,
    UnitOfWork,
)

TX_LIMIT = 100  # TransactWriteItems takes at most 100 items
AUDIT_RETRIES = 10
NO_DUE = "9999-12-31"  # sorts after every real date: cases without a limit come last
STALE = ("STALE_VERSION", "该记录已被他人修改，请刷新后重试")
HANDLED = ("STALE_VERSION", "该记录已被他人处理，请刷新后重试")
CHANGED = ("DATA_CHANGED", "数据刚刚已被他人修改，请刷新后重试")
COMPRESS_ABOVE = 64_000  # characters of JSON
INDEXES = ("GSI1", "GSI2", "GSI3", "GSI4", "GSI5")

Key = tuple[str, str]


def _dumps(doc: object) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _from_utc(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) if text else None


def _to_av(value: str | int) -> dict:
    return {"N": str(value)} if isinstance(value, int) else {"S": value}


def _from_av(av: dict) -> str | int:
    return int(av["N"]) if "N" in av else av["S"]


def _item_av(item: dict) -> dict:
    return {name: _to_av(value) for name, value in item.items() if value is not None}


def _item_plain(raw: dict) -> dict:
    item = {name: _from_av(av) for name, av in raw.items() if name != "docz"}
    if "docz" in raw:
        item["doc"] = zlib.decompress(raw["docz"]["B"]).decode()
    return item


def _stored(item: dict) -> dict:
    """The item as written: a large `doc` (a bank batch of thousands of lines, a long case history)
    is zlib-compressed into binary `docz`, keeping it under DynamoDB's 400 KB item limit."""
    raw = _item_av(item)
    if len(item.get("doc") or "") > COMPRESS_ABOVE:
        del raw["doc"]
        raw["docz"] = {"B": zlib.compress(item["doc"].encode(), 6)}
    return raw


def encode_cursor(key: dict) -> str:
    return base64.urlsafe_b64encode(_dumps(key).encode()).decode()


def decode_cursor(cursor: str) -> dict:
    try:
        return {name: {"S": value} for name, value in json.loads(base64.urlsafe_b64decode(cursor)).items()}
    except (ValueError, AttributeError) as exc:  # a cursor comes from the client: don't trust it
        raise ValidationError("BAD_CURSOR", "翻页参数无效，请从第一页重新查看") from exc


@dataclass
class _Write:
    item: dict | None  # None: delete (or, with `adds`, a counter update)
    cond: tuple | None  # precondition on the stored item: ("absent",) or ("eq", attribute, value)
    conflict: tuple[str, str]  # the Conflict raised when the precondition fails at commit
    adds: dict[str, int] | None = None  # counters: ADD each attribute's number


class TransactionCancelled(Exception):
    def __init__(self, failed: list[Key]):
        super().__init__(f"conditions failed on {failed}")
        self.failed = failed


class Store:
    """The table as one unit of work sees it: committed items plus this unit's buffered writes."""

    def __init__(self, client, table: str):
        self.client, self.table = client, table
        self.writes: dict[Key, _Write] = {}

    def get(self, pk: str, sk: str) -> dict | None:
        write = self.writes.get((pk, sk))
        if write is not None and write.adds is None:
            return write.item
        return self.get_committed(pk, sk)

    def get_committed(self, pk: str, sk: str) -> dict | None:
        found = self.client.get_item(TableName=self.table, Key=_item_av({"PK": pk, "SK": sk}), ConsistentRead=True)
        return _item_plain(found["Item"]) if "Item" in found else None

    def get_many(self, keys: list[Key]) -> dict[Key, dict]:
        """Several items by key: this unit's own writes, the rest by BatchGetItem (100 keys a call,
        strongly consistent, retrying what DynamoDB leaves unprocessed)."""
        found = {key: item for key in keys if key in self.writes and (item := self.writes[key].item)}
        wanted = [key for key in dict.fromkeys(keys) if key not in self.writes]
        for start in range(0, len(wanted), 100):
            request = {
                self.table: {
                    "Keys": [_item_av({"PK": pk, "SK": sk}) for pk, sk in wanted[start : start + 100]],
                    "ConsistentRead": True,
                }
            }
            for attempt in range(8):
                reply = self.client.batch_get_item(RequestItems=request)
                for raw in reply["Responses"].get(self.table, []):
                    item = _item_plain(raw)
                    found[(item["PK"], item["SK"])] = item
                request = reply.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(min(0.05 * 2**attempt, 1))
            else:
                raise Conflict(*CHANGED)  # throttled throughout: the caller retries later
        return found

    def holds(self, key: Key, cond: tuple | None) -> bool:
        if cond is None:
            return True
        current = self.get(*key)
        if cond[0] == "absent":
            return current is None
        return current is not None and current.get(cond[1]) == cond[2]

    def put(
        self, item: dict, cond: tuple | None = None, conflict: tuple[str, str] = CHANGED, check_now: bool = True
    ) -> None:
        """check_now=False leaves the precondition to the commit alone (the audit chain reseals then)."""
        if check_now and not self.holds((item["PK"], item["SK"]), cond):
            raise Conflict(*conflict)
        self._write((item["PK"], item["SK"]), item, cond, conflict)

    def delete(self, pk: str, sk: str) -> None:
        self._write((pk, sk), None, None, CHANGED)

    def add(self, pk: str, sk: str, numbers: dict[str, int]) -> None:
        """Counters: add to the item's numbers at commit (created at 0), in the unit's transaction."""
        prior = self.writes.pop((pk, sk), None)
        adds = dict(prior.adds) if prior and prior.adds else {}
        for name, n in numbers.items():
            adds[name] = adds.get(name, 0) + n
        self.writes[(pk, sk)] = _Write(None, None, CHANGED, adds)

    def _write(self, key: Key, item: dict | None, cond: tuple | None, conflict: tuple[str, str]) -> None:
        prior = self.writes.pop(key, None)  # re-inserted last, so commit order follows the latest write
        self.writes[key] = _Write(item, prior.cond, prior.conflict) if prior else _Write(item, cond, conflict)

    def query(
        self,
        index: str | None,
        pk: str,
        sk: tuple | None = None,
        *,
        forward: bool = True,
        start: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict]:
        """Items of one partition in key order, following DynamoDB's pages (1 MB each unless
        page_size says fewer items) lazily. sk: ("begins", prefix) / ("<=", value) / ("<", value)."""
        pk_name, sk_name = (f"{index}PK", f"{index}SK") if index else ("PK", "SK")
        args: dict[str, Any] = {
            "TableName": self.table,
            "ScanIndexForward": forward,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": pk_name},
            "ExpressionAttributeValues": {":pk": {"S": pk}},
        }
        if page_size:
            args["Limit"] = page_size
        if index:
            args["IndexName"] = index
        else:
            args["ConsistentRead"] = True
        if sk:
            op, value = sk
            args["KeyConditionExpression"] += " AND begins_with(#sk, :sk)" if op == "begins" else f" AND #sk {op} :sk"
            args["ExpressionAttributeNames"]["#sk"] = sk_name
            args["ExpressionAttributeValues"][":sk"] = {"S": value}
        if start:
            args["ExclusiveStartKey"] = decode_cursor(start)
        while True:
            found = self.client.query(**args)
            yield from (_item_plain(raw) for raw in found["Items"])
            if "LastEvaluatedKey" not in found:
                return
            args["ExclusiveStartKey"] = found["LastEvaluatedKey"]

    def page(
        self,
        index: str | None,
        pk: str,
        sk: tuple | None,
        limit: int,
        cursor: str | None,
        load: Callable[[dict], object],
        *,
        forward: bool = True,
        keep: Callable[[dict], bool] = lambda item: True,
    ) -> Page:
        """One page of `limit` items plus an opaque cursor, exact like SQLite's: no cursor on the last page."""
        found: list[dict] = []
        for item in self.query(index, pk, sk, forward=forward, start=cursor, page_size=min(limit + 1, 500)):
            if keep(item):
                found.append(item)
                if len(found) > limit:
                    break
        next_cursor = None
        if len(found) > limit:
            names = ("PK", "SK", f"{index}PK", f"{index}SK") if index else ("PK", "SK")
            next_cursor = encode_cursor({name: found[limit - 1][name] for name in names})
        return Page([load(item) for item in found[:limit]], next_cursor)

    def commit(self) -> None:
        """Everything the unit wrote, its audit events included, in one TransactWriteItems. A unit
        over DynamoDB's 100 items is refused whole: bulk work (imports, seeding) is split into units
        of its own by the service, each with its own audit event (services/bulk.py)."""
        if len(self.writes) > TX_LIMIT:
            raise TooLarge(
                "UNIT_TOO_LARGE",
                f"一次提交的记录过多（{len(self.writes)} 条，上限 {TX_LIMIT} 条），未写入任何内容，请分批处理",
            )
        if self.writes:
            self._transact(list(self.writes))
        self.writes.clear()

    def _transact(self, keys: list[Key]) -> None:
        items = [self._operation(key, self.writes[key]) for key in keys]
        try:
            self.client.transact_write_items(TransactItems=items)
        except self.client.exceptions.TransactionCanceledException as exc:
            reasons = exc.response.get("CancellationReasons") or []
            failed = [key for key, why in zip(keys, reasons, strict=False) if why.get("Code") not in (None, "None")]
            raise TransactionCancelled(failed or keys) from exc

    def _operation(self, key: Key, write: _Write) -> dict:
        if write.adds is not None:
            names = {f"#a{n}": name for n, name in enumerate(write.adds)}
            return {
                "Update": {
                    "TableName": self.table,
                    "Key": _item_av({"PK": key[0], "SK": key[1]}),
                    "UpdateExpression": "ADD " + ", ".join(f"{a} :{a[1:]}" for a in names),
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": {f":{a[1:]}": _to_av(write.adds[name]) for a, name in names.items()},
                }
            }
        if write.item is None:
            op = {"Delete": {"TableName": self.table, "Key": _item_av({"PK": key[0], "SK": key[1]})}}
        else:
            op = {"Put": {"TableName": self.table, "Item": _stored(write.item)}}
        body = next(iter(op.values()))
        if write.cond and write.cond[0] == "absent":
            body["ConditionExpression"] = "attribute_not_exists(PK)"
        elif write.cond:
            body["ConditionExpression"] = "#c = :c"
            body["ExpressionAttributeNames"] = {"#c": write.cond[1]}
            body["ExpressionAttributeValues"] = {":c": _to_av(write.cond[2])}
        return op

    def conflict_for(self, key: Key) -> tuple[str, str]:
        return self.writes[key].conflict if key in self.writes else CHANGED


def _versioned_put(
    store: Store, item: dict, version: int, conflict: tuple[str, str] = STALE, check_now: bool = True
) -> None:
    """Write `item` as version+1 if the stored version is `version` (optimistic concurrency)."""
    store.put({**item, "version": version + 1}, ("eq", "version", version), conflict, check_now)


# --- Households, staff, aid records ------------------------------------------------------------


class DynamoHouseholds(HouseholdRepository):
    """HH#<id>/HH; member ID hashes IDH#<hash>/IDH (unique); GSI1 owner; GSI2 area (village#id)."""

    def __init__(self, store: Store, cipher: Cipher):
        self.store, self.cipher = store, cipher

    def _item(self, h: Household) -> dict:
        return {
            "PK": f"HH#{h.id}",
            "SK": "HH",
            "doc": _dumps(codec.household_to_doc(h, self.cipher)),
            "version": h.version,
            "idh": _dumps(sorted(set(codec.id_hashes(h, self.cipher)))),
            "GSI1PK": f"OWNER#{h.owner_openid}" if h.owner_openid else None,
            "GSI1SK": f"HH#{h.id}",
            "GSI2PK": "HHAREA",
            "GSI2SK": f"{h.village_code}#{h.id}",
        }

    def _load(self, item: dict) -> Household:
        household = codec.household_from_doc(json.loads(item["doc"]), self.cipher)
        household.version = item["version"]
        return household

    def add(self, household: Household) -> None:
        self.store.put(self._item(household), ("absent",), ("HOUSEHOLD_EXISTS", "该户已存在"))
        self._index_members(household, [])

    def _index_members(self, household: Household, old: list[str]) -> None:
        hashes = codec.id_hashes(household, self.cipher)
        for gone in set(old) - set(hashes):
            self.store.delete(f"IDH#{gone}", "IDH")
        taken = ("ID_NUMBER_TAKEN", "该身份证号码已登记在另一户中，请核实")
        if len(set(hashes)) != len(hashes):
            raise Conflict(*taken)
        for new in set(hashes) - set(old):
            self.store.put({"PK": f"IDH#{new}", "SK": "IDH", "household_id": household.id}, ("absent",), taken)

    def get(self, household_id: str) -> Household | None:
        item = self.store.get(f"HH#{household_id}", "HH")
        return self._load(item) if item else None

    def get_many(self, household_ids: list[str]) -> dict[str, Household]:
        found = self.store.get_many([(f"HH#{hid}", "HH") for hid in household_ids])
        return {item["PK"].removeprefix("HH#"): self._load(item) for item in found.values()}

    def update(self, household: Household) -> None:
        stored = self.store.get(f"HH#{household.id}", "HH")
        _versioned_put(
            self.store,
            self._item(household),
            household.version,
            ("STALE_VERSION", "该户信息已被他人修改，请刷新后重试"),
        )
        household.version += 1
        assert stored is not None  # the versioned put above found it at the version we read
        self._index_members(household, json.loads(stored["idh"]))

    def find_by_id_number(self, id_number: str) -> Household | None:
        pointer = self.store.get(f"IDH#{self.cipher.lookup_hash(id_number)}", "IDH")
        return self.get(pointer["household_id"]) if pointer else None

    def find_by_owner(self, openid: str) -> list[Household]:
        return [self._load(item) for item in self.store.query("GSI1", f"OWNER#{openid}")]

    def list_in_area(self, area_code: str, limit: int = 50, cursor: str | None = None) -> Page[Household]:
        return self.store.page(
            "GSI2", "HHAREA", ("begins", area_code) if area_code else None, limit, cursor, self._load
        )


class DynamoStaff(StaffRepository):
    """STAFF#<username>/STAFF; GSI1 STAFF/username lists them."""

    def __init__(self, store: Store, cipher: Cipher):
        self.store, self.cipher = store, cipher

    def _item(self, user: StaffUser) -> dict:
        return {
            "PK": f"STAFF#{user.username}",
            "SK": "STAFF",
            "doc": _dumps(codec.staff_to_doc(user, self.cipher)),
            "version": user.version,
            "GSI1PK": "STAFF",
            "GSI1SK": user.username,
        }

    def _load(self, item: dict) -> StaffUser:
        return replace(codec.staff_from_doc(json.loads(item["doc"]), self.cipher), version=item.get("version", 0))

    def add(self, user: StaffUser) -> None:
        self.store.put(self._item(user), ("absent",), ("USERNAME_TAKEN", f"用户名 {user.username} 已存在"))

    def update(self, user: StaffUser) -> None:
        _versioned_put(
            self.store, self._item(user), user.version, ("STALE_VERSION", "该账号刚刚已被他人修改，请刷新后重试")
        )
        user.version += 1

    def get_by_username(self, username: str) -> StaffUser | None:
        item = self.store.get(f"STAFF#{username}", "STAFF")
        return self._load(item) if item else None

    def list_all(self) -> list[StaffUser]:
        return [self._load(item) for item in self.store.query("GSI1", "STAFF")]


class DynamoAidRecords(AidRecordRepository):
    """In the household's partition (HH#<id>/AID#<id>), so one Query reads a household's aid;
    AIDREF#<source>#<ref> makes (source, source_ref) unique."""

    def __init__(self, store: Store):
        self.store = store

    def add(self, record: AidRecord) -> bool:
        ref = (f"AIDREF#{record.source}#{record.source_ref}", "AIDREF")
        if self.store.get(*ref) is not None:
            return False
        self.store.put({"PK": ref[0], "SK": ref[1], "aid_id": record.id}, ("absent",))
        self.store.put(
            {"PK": f"HH#{record.household_id}", "SK": f"AID#{record.id}", "doc": _dumps(codec.aid_to_doc(record))},
            ("absent",),
        )
        return True

    def list_for_household(self, household_id: str) -> list[AidRecord]:
        items = self.store.query(None, f"HH#{household_id}", ("begins", "AID#"))
        return sorted((codec.aid_from_doc(json.loads(i["doc"])) for i in items), key=lambda r: (r.paid_on, r.item_code))


# --- Audit chain, key-value, jobs ---------------------------------------------------------------


class DynamoAudit(AuditLog):
    """Events AUDIT#<chain>/<seq:012d>: CHAINS partitions, so unrelated cases don't write one hot key.
    Appending writes the next seq with attribute_not_exists, so two units can't both extend a chain;
    GSI1 AUDOBJ#<type>#<id> gives one object's trail. Anchors AUDITANCHOR/<no:012d>."""

    def __init__(self, store: Store, sealer: Sealer):
        self.store, self.sealer = store, sealer
        self.pending: list[AuditEvent] = []
        self.last: dict[str, AuditEvent] = {}  # per chain, including this unit's own events

    def append(self, event: AuditEvent) -> AuditEvent:
        event.chain = chain_for(event.object_type, event.object_id)
        prev = self.last[event.chain] if event.chain in self.last else self._stored_last(event.chain)
        self.sealer.seal(event, prev)
        self.store.put(self._item(event), ("absent",), check_now=False)
        self.last[event.chain] = event
        self.pending.append(event)
        return event

    def _stored_last(self, chain: str) -> AuditEvent | None:
        found = next(self.store.query(None, f"AUDIT#{chain}", forward=False, page_size=1), None)
        return self._load(found) if found else None

    @staticmethod
    def _item(event: AuditEvent) -> dict:
        return {
            "PK": f"AUDIT#{event.chain}",
            "SK": f"{event.seq:012d}",
            "doc": _dumps(codec.audit_to_doc(event)),
            "GSI1PK": f"AUDOBJ#{event.object_type}#{event.object_id}",
            "GSI1SK": f"{event.seq:012d}",
        }

    @staticmethod
    def _load(item: dict) -> AuditEvent:
        _, object_type, object_id = (item.get("GSI1PK") or "##").split("#", 2)
        return codec.audit_from_doc(
            json.loads(item["doc"]),
            chain=item["PK"].removeprefix("AUDIT#"),
            seq=int(item["SK"]),
            object_type=object_type,
            object_id=object_id,
        )

    def keys(self) -> list[Key]:
        return [(f"AUDIT#{e.chain}", f"{e.seq:012d}") for e in self.pending]

    def reseal(self) -> None:
        """Another unit of work extended a chain first: put our events after its events."""
        for key in self.keys():
            self.store.writes.pop(key, None)
        events, self.pending, self.last = self.pending, [], {}
        for event in events:
            self.append(event)

    def iter_all(self) -> Iterator[AuditEvent]:
        for chain in all_chains():
            yield from (self._load(item) for item in self.store.query(None, f"AUDIT#{chain}"))

    def for_object(self, object_type: str, object_id: str) -> list[AuditEvent]:
        return [self._load(item) for item in self.store.query("GSI1", f"AUDOBJ#{object_type}#{object_id}")]

    def heads(self) -> dict[str, list]:
        found = (self._stored_last(chain) for chain in all_chains())
        return {event.chain: [event.seq, event.hash] for event in found if event}

    def add_anchor(self, anchor: Anchor) -> None:
        self.store.put(
            {"PK": "AUDITANCHOR", "SK": f"{anchor.no:012d}", "doc": _dumps(codec.anchor_to_doc(anchor))},
            ("absent",),
            ANCHOR_TAKEN,
        )

    def latest_anchors(self, n: int = 2) -> list[Anchor]:
        found = itertools.islice(self.store.query(None, "AUDITANCHOR", forward=False, page_size=n), n)
        return [codec.anchor_from_doc(json.loads(item["doc"])) for item in reversed(list(found))]


class DynamoKeyValue(KeyValue):
    """KV#<namespace>#<key>/KV: the key is in the partition key, so sessions and tokens spread out."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, namespace: str, key: str) -> dict | None:
        item = self.store.get(f"KV#{namespace}#{key}", "KV")
        return json.loads(item["doc"]) if item else None

    def put_if_absent(self, namespace: str, key: str, value: dict) -> bool:
        if self.get(namespace, key) is not None:
            return False
        self.store.put({"PK": f"KV#{namespace}#{key}", "SK": "KV", "doc": _dumps(value)}, ("absent",))
        return True

    def put(self, namespace: str, key: str, value: dict) -> None:
        self.store.put({"PK": f"KV#{namespace}#{key}", "SK": "KV", "doc": _dumps(value)})

    def delete(self, namespace: str, key: str) -> None:
        self.store.delete(f"KV#{namespace}#{key}", "KV")

    def hit(self, namespace: str, key: str, expires_at: datetime, now: datetime) -> int:
        """KV#<namespace>#<key>/COUNT, one UpdateItem sent at once: a buffered write would only count
        when the unit commits, and a TransactWriteItems can't return the new value. `expires_at`
        (epoch seconds) is the table's TTL attribute, so DynamoDB deletes the item itself, lazily."""
        found = self.store.client.update_item(
            TableName=self.store.table,
            Key=_item_av({"PK": f"KV#{namespace}#{key}", "SK": "COUNT"}),
            UpdateExpression="ADD #n :one SET #ttl = if_not_exists(#ttl, :expires)",
            ExpressionAttributeNames={"#n": "n", "#ttl": "expires_at"},
            ExpressionAttributeValues=_item_av({":one": 1, ":expires": int(expires_at.timestamp())}),
            ReturnValues="UPDATED_NEW",
        )
        return int(found["Attributes"]["n"]["N"])


def _job_item(job: Job, status: str, run_after: str, attempts: int, error: str | None = None) -> dict:
    """JOB#<dedupe_key>/JOB. GSI2 JOBQ#<kind> holds only claimable jobs (pending/running) by
    run_after; GSI3 JOBS#<kind> by status for counts."""
    claimable = status in ("pending", "running")
    return {
        "PK": f"JOB#{job.dedupe_key}",
        "SK": "JOB",
        "kind": job.kind,
        "doc": _dumps(job.payload),
        "status": status,
        "run_after": run_after,
        "attempts": attempts,
        "enqueued": job.id,
        "last_error": error,
        "GSI2PK": f"JOBQ#{job.kind}" if claimable else None,
        "GSI2SK": f"{run_after}#{job.id}",
        "GSI3PK": f"JOBS#{job.kind}",
        "GSI3SK": f"{status}#{job.id}",
    }


def _job_from_item(item: dict) -> Job:
    return Job(
        kind=item["kind"],
        payload=json.loads(item["doc"]),
        dedupe_key=item["PK"].removeprefix("JOB#"),
        id=item["enqueued"],
        attempts=item["attempts"],
    )


class DynamoOutbox(JobQueue):
    """The outbox: a job is an item written in the unit's transaction (dedupe_key unique, a second
    enqueue is ignored like SQLite's); after the commit it is handed to SQS."""

    def __init__(self, store: Store):
        self.store = store
        self.new: list[Job] = []

    def enqueue(self, job: Job) -> None:
        if self.store.get(f"JOB#{job.dedupe_key}", "JOB") is not None:
            return
        job = replace(job, id=f"{time.time_ns():020d}")  # time-ordered: claims come out oldest first
        self.store.put(_job_item(job, "pending", "", 0), ("absent",))
        self.new.append(job)


class DynamoJobLeases(JobLeases):
    """Claiming from the outbox: for a local worker over DynamoDB, and for the relay that re-sends
    jobs SQS never got (the send after commit failed). Job ids are the dedupe keys here. With a queue,
    dead jobs are its dead letters (SQS's DLQ), told apart by the failure notes run_once keeps."""

    def __init__(self, store: Store, queue: SqsJobQueue | None = None):
        self.store, self.queue = store, queue

    def _dead_letters(self, kind: str) -> SqsJobQueue | None:
        return self.queue if self.queue is not None and kind in self.queue.queue_urls else None

    def claim(self, kind: str, now: datetime, lease_until: datetime, limit: int) -> list[Job]:
        due = list(self.store.query("GSI2", f"JOBQ#{kind}", ("<", _utc(now) + "$")))[:limit]
        jobs = []
        for item in due:
            job = _job_from_item(item)
            self.store.put(
                _job_item(job, "running", _utc(lease_until), item["attempts"] + 1),
                ("eq", "run_after", item["run_after"]),
            )
            jobs.append(replace(job, id=job.dedupe_key, attempts=item["attempts"] + 1))
        return jobs

    def finish(self, job_id: str, status: str, run_after: datetime | None = None, error: str | None = None) -> None:
        item = self.store.get(f"JOB#{job_id}", "JOB")
        if item is not None:
            self.store.put(
                _job_item(_job_from_item(item), status, _utc(run_after) if run_after else "", item["attempts"], error)
            )

    def status(self, job_id: str) -> str | None:
        item = self.store.get(f"JOB#{job_id}", "JOB")
        return item["status"] if item else None

    def counts(self, kind: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.store.query("GSI3", f"JOBS#{kind}"):
            counts[item["status"]] = counts.get(item["status"], 0) + 1
        return counts

    def list_dead(self, kind: str, limit: int = 50) -> list[DeadJob]:
        if letters := self._dead_letters(kind):
            return [self._noted(dead) for dead in letters.list_dead(kind, limit)]
        found = itertools.islice(self.store.query("GSI3", f"JOBS#{kind}", ("begins", "dead#"), page_size=limit), limit)
        return [
            DeadJob(
                replace(_job_from_item(item), id=item["PK"].removeprefix("JOB#")),
                error=item.get("last_error"),
                at=_from_utc(item["run_after"]),
            )
            for item in found
        ]

    def requeue_dead(self, kind: str, now: datetime, job_id: str | None = None) -> int:
        if letters := self._dead_letters(kind):
            return letters.requeue_dead(kind, now, job_id)
        dead = [
            item
            for item in self.store.query("GSI3", f"JOBS#{kind}", ("begins", "dead#"))
            if job_id is None or item["PK"] == f"JOB#{job_id}"
        ]
        for item in dead:
            self.store.put(
                _job_item(_job_from_item(item), "pending", _utc(now), 0, item.get("last_error")),
                ("eq", "run_after", item["run_after"]),
            )
        return len(dead)

    def _noted(self, dead: DeadJob) -> DeadJob:
        """A dead letter with run_once's note of its last failure, when there is one."""
        note = DynamoKeyValue(self.store).get(FAILED_NS, dead.job.dedupe_key)
        if note is None:
            return dead
        return DeadJob(
            replace(dead.job, attempts=note["attempts"]), error=note["error"], at=datetime.fromisoformat(note["at"])
        )


# --- Disbursement and notices (issue 7) ----------------------------------------------------------


class DynamoSlips(SlipRepository):
    """SLIP#<id>/SLIP; GSI2 SLIPS#<status> by due date."""

    def __init__(self, store: Store, cipher: Cipher):
        self.store, self.cipher = store, cipher

    def _item(self, slip: Slip) -> dict:
        return {
            "PK": f"SLIP#{slip.id}",
            "SK": "SLIP",
            "doc": _dumps(codec.slip_to_doc(slip, self.cipher)),
            "version": slip.version,
            "GSI2PK": f"SLIPS#{slip.status.value}",
            "GSI2SK": f"{slip.due_on.isoformat()}#{slip.id}",
        }

    def _load(self, item: dict) -> Slip:
        return replace(codec.slip_from_doc(json.loads(item["doc"]), self.cipher), version=item["version"])

    def get_many(self, slip_ids: list[str]) -> dict[str, Slip]:
        found = self.store.get_many([(f"SLIP#{sid}", "SLIP") for sid in slip_ids])
        return {item["PK"].removeprefix("SLIP#"): self._load(item) for item in found.values()}

    def add(self, slip: Slip) -> bool:
        if self.store.get(f"SLIP#{slip.id}", "SLIP") is not None:
            return False
        self.store.put(self._item(slip), ("absent",))
        return True

    def get(self, slip_id: str) -> Slip | None:
        item = self.store.get(f"SLIP#{slip_id}", "SLIP")
        return self._load(item) if item else None

    def update(self, slip: Slip) -> None:
        """The version is checked by the commit alone: a bank batch claims thousands of slips already
        read, and a read per slip would be a round trip each."""
        _versioned_put(self.store, self._item(slip), slip.version, HANDLED, check_now=False)
        slip.version += 1

    def list_by_status(self, status: str, limit: int = 50, cursor: str | None = None) -> Page[Slip]:
        return self.store.page("GSI2", f"SLIPS#{status}", None, limit, cursor, self._load)


class DynamoBatches(BatchRepository):
    """BATCH#<id>/BATCH; GSI2 BATCHES by creation time, read newest first."""

    def __init__(self, store: Store):
        self.store = store

    def _item(self, batch: Batch) -> dict:
        unfinished = batch.state == BatchState.PREPARING  # sparse GSI3: only exports not yet finished
        return {
            "PK": f"BATCH#{batch.id}",
            "SK": "BATCH",
            "doc": _dumps(codec.batch_to_doc(batch)),
            "version": batch.version,
            "GSI2PK": "BATCHES",
            "GSI2SK": f"{_utc(batch.created_at)}#{batch.id}",
            "GSI3PK": "BATCHOPEN" if unfinished else None,
            "GSI3SK": batch.id if unfinished else None,
        }

    def _load(self, item: dict) -> Batch:
        return replace(codec.batch_from_doc(json.loads(item["doc"])), version=item["version"])

    def add(self, batch: Batch) -> None:
        self.store.put(self._item(batch), ("absent",), ("BATCH_EXISTS", "该批次已存在"))

    def get(self, batch_id: str) -> Batch | None:
        item = self.store.get(f"BATCH#{batch_id}", "BATCH")
        return self._load(item) if item else None

    def update(self, batch: Batch) -> None:
        _versioned_put(self.store, self._item(batch), batch.version, HANDLED)
        batch.version += 1

    def list_recent(self, limit: int = 20, cursor: str | None = None) -> Page[Batch]:
        return self.store.page("GSI2", "BATCHES", None, limit, cursor, self._load, forward=False)

    def list_unfinished(self) -> list[Batch]:
        keys = [(item["PK"], item["SK"]) for item in self.store.query("GSI3", "BATCHOPEN")]
        return [
            self._load(item)
            for item in self.store.get_many(keys).values()  # the index lags; the item doesn't
            if json.loads(item["doc"]).get("state") == BatchState.PREPARING.value
        ]


class DynamoNoticeLog(NoticeLog):
    """NOTICE#<dedupe_key>/NOTICE (unique); GSI1 NOTICETO#<recipient> by time, newest first."""

    def __init__(self, store: Store):
        self.store = store

    def add(self, record: NoticeRecord) -> bool:
        key = (f"NOTICE#{record.dedupe_key}", "NOTICE")
        if self.store.get(*key) is not None:
            return False
        order = f"{_utc(record.at)}#{time.time_ns():020d}"
        self.store.put(
            {
                "PK": key[0],
                "SK": key[1],
                "doc": _dumps(codec.notice_to_doc(record)),
                "GSI1PK": f"NOTICETO#{record.recipient}",
                "GSI1SK": order,
            },
            ("absent",),
        )
        return True

    def list_for(self, recipient: str, limit: int = 50, cursor: str | None = None) -> Page[NoticeRecord]:
        def load(item: dict) -> NoticeRecord:
            return replace(codec.notice_from_doc(json.loads(item["doc"])), id=item["GSI1SK"])

        return self.store.page("GSI1", f"NOTICETO#{recipient}", None, limit, cursor, load, forward=False)


# --- Applications and complaints (issue 6) -------------------------------------------------------


class DynamoApplications(ApplicationRepository):
    """APP#<id>/APP. Every list is bounded by county and by what is still open: GSI2 APPQ#<county>#<stage>
    (staff queues) and GSI3 APPS#<county> (all stages; a county's overdue list), both by due date then
    id, so a queue reads earliest deadline first, a township's filtering its village prefix inside its
    county's partition; GSI5 APPDUE holds open cases only (the deadline scan); GSI1 APPHH#<household>;
    GSI4 APPLICANT#<openid>. Dashboard figures are counters TALLY#<area>#<year>/TALLY, written in the
    application's own transaction (domain.workflow.tally)."""

    def __init__(self, store: Store):
        self.store = store

    def _item(self, a: Application) -> dict:
        order, county = f"{a.due_on.isoformat() if a.due_on else NO_DUE}#{a.id}", a.village_code[:6]
        return {
            "PK": f"APP#{a.id}",
            "SK": "APP",
            "doc": _dumps(codec.application_to_doc(a)),
            "version": a.version,
            "village_code": a.village_code,
            "GSI1PK": f"APPHH#{a.household_id}",
            "GSI1SK": a.id,
            "GSI2PK": f"APPQ#{county}#{a.stage.value}",
            "GSI2SK": order,
            "GSI3PK": f"APPS#{county}",
            "GSI3SK": order,
            "GSI4PK": f"APPLICANT#{a.applicant_openid}",
            "GSI4SK": a.id,
            "GSI5PK": "APPDUE" if a.open else None,
            "GSI5SK": order if a.open else None,
        }

    def _load(self, item: dict) -> Application:
        return replace(codec.application_from_doc(json.loads(item["doc"])), version=item["version"])

    def _count(self, before: Application | None, after: Application) -> None:
        for (area, year), figures in tally_changes(before, after).items():
            self.store.add(f"TALLY#{area}#{year}", "TALLY", {f"t:{name}": n for name, n in figures.items()})

    def add(self, application: Application) -> None:
        self.store.put(self._item(application), ("absent",), ("APPLICATION_EXISTS", "该申请已存在"))
        self._count(None, application)

    def get(self, application_id: str) -> Application | None:
        item = self.store.get(f"APP#{application_id}", "APP")
        return self._load(item) if item else None

    def update(self, application: Application) -> None:
        before = self.get(application.id)
        _versioned_put(
            self.store,
            self._item(application),
            application.version,
            ("STALE_VERSION", "该申请刚刚已被他人处理，请刷新页面查看最新状态"),
        )
        application.version += 1
        self._count(before, application)

    def list_in_area(
        self, area_code: str, stage: Stage | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Application]:
        county = county_of(area_code)
        index, pk = ("GSI2", f"APPQ#{county}#{stage.value}") if stage else ("GSI3", f"APPS#{county}")
        return self.store.page(
            index, pk, None, limit, cursor, self._load, keep=lambda item: item["village_code"].startswith(area_code)
        )

    def list_due(
        self, on_or_before: date, limit: int = 200, cursor: str | None = None, area_code: str = ""
    ) -> Page[Application]:
        index, pk = ("GSI3", f"APPS#{county_of(area_code)}") if area_code else ("GSI5", "APPDUE")
        return self.store.page(
            index,
            pk,
            ("<", on_or_before.isoformat() + "$"),
            limit,
            cursor,
            self._load,
            keep=lambda item: item["village_code"].startswith(area_code),
        )

    def tallies(self, area_code: str, year: int) -> dict[str, int]:
        item = self.store.get_committed(f"TALLY#{area_code}#{year}", "TALLY") or {}
        return {name.removeprefix("t:"): n for name, n in item.items() if name.startswith("t:")}

    def list_for_household(self, household_id: str) -> list[Application]:
        found = (self._load(item) for item in self.store.query("GSI1", f"APPHH#{household_id}"))
        return sorted(found, key=lambda a: a.submitted_at, reverse=True)

    def list_for_applicant(self, openid: str) -> list[Application]:
        found = (self._load(item) for item in self.store.query("GSI4", f"APPLICANT#{openid}"))
        return sorted(found, key=lambda a: a.submitted_at, reverse=True)


class DynamoComplaints(ComplaintRepository):
    """COMPLAINT#<id>/COMPLAINT; GSI2 COMPLAINTS by time, newest first. Contact encrypted by codec."""

    def __init__(self, store: Store, cipher: Cipher):
        self.store, self.cipher = store, cipher

    def add(self, complaint: Complaint) -> None:
        self.store.put(
            {
                **self._keys(complaint),
                "doc": _dumps(codec.complaint_to_doc(complaint, self.cipher)),
                "version": complaint.version,
            },
            ("absent",),
        )

    @staticmethod
    def _keys(c: Complaint) -> dict:
        return {
            "PK": f"COMPLAINT#{c.id}",
            "SK": "COMPLAINT",
            "GSI2PK": "COMPLAINTS",
            "GSI2SK": f"{_utc(c.created_at)}#{c.id}",
            "GSI1PK": f"REPORTER#{c.reporter_openid}" if c.reporter_openid else None,
            "GSI1SK": f"{_utc(c.created_at)}#{c.id}",
        }

    def list_for_reporter(self, openid: str) -> list[Complaint]:
        return [
            codec.complaint_from_doc(json.loads(item["doc"]), self.cipher)
            for item in self.store.query("GSI1", f"REPORTER#{openid}", forward=False)
        ]

    def list_recent(self, limit: int = 50, cursor: str | None = None) -> Page[Complaint]:
        def load(item: dict) -> Complaint:
            return codec.complaint_from_doc(json.loads(item["doc"]), self.cipher)

        return self.store.page("GSI2", "COMPLAINTS", None, limit, cursor, load, forward=False)

    def get(self, complaint_id: str) -> Complaint | None:
        item = self.store.get(f"COMPLAINT#{complaint_id}", "COMPLAINT")
        return codec.complaint_from_doc(json.loads(item["doc"]), self.cipher) if item else None

    def update(self, complaint: Complaint) -> None:
        item = self._keys(complaint)
        complaint.version += 1  # stored inside the doc too, so a reader sees the version it will write
        item["doc"] = _dumps(codec.complaint_to_doc(complaint, self.cipher))
        _versioned_put(self.store, item, complaint.version - 1, ("STALE_VERSION", "该举报已被他人处理，请刷新后重试"))


# --- Unit of work -------------------------------------------------------------------------------


class DynamoUnitOfWork(UnitOfWork):
    audit: DynamoAudit
    jobs: DynamoOutbox

    def __init__(self, client, table: str, cipher: Cipher, sealer: Sealer, queue: JobQueue | None):
        self.store = Store(client, table)
        self.queue = queue
        self.households = DynamoHouseholds(self.store, cipher)
        self.staff = DynamoStaff(self.store, cipher)
        self.aid_records = DynamoAidRecords(self.store)
        self.audit = DynamoAudit(self.store, sealer)
        self.kv = DynamoKeyValue(self.store)
        self.jobs = DynamoOutbox(self.store)
        self.slips = DynamoSlips(self.store, cipher)
        self.batches = DynamoBatches(self.store)
        self.notice_log = DynamoNoticeLog(self.store)
        self.job_leases = DynamoJobLeases(self.store, queue if isinstance(queue, SqsJobQueue) else None)
        self.applications = DynamoApplications(self.store)
        self.complaints = DynamoComplaints(self.store, cipher)

    def commit(self) -> None:
        try:
            self._commit_behind_chain_heads()
        except Exception:
            self.rollback()
            raise
        self.audit.pending, self.audit.last = [], {}
        self._hand_jobs_to_queue()

    def _commit_behind_chain_heads(self) -> None:
        for _ in range(AUDIT_RETRIES):
            try:
                return self.store.commit()
            except TransactionCancelled as exc:
                if not (self.audit.pending and set(exc.failed) <= set(self.audit.keys())):
                    raise Conflict(*self.store.conflict_for(exc.failed[0])) from exc
                time.sleep(random.uniform(0, 0.02))  # lost the race for a chain's next seq only:
                self.audit.reseal()  # retry behind the winner
        raise Conflict(*CHANGED)

    def _hand_jobs_to_queue(self) -> None:
        """After the commit: a job that fails to reach SQS stays pending in the outbox, where the
        relay (functions/deadline_scanner) finds it."""
        jobs, self.jobs.new = self.jobs.new, []
        if self.queue is None:
            return
        for job in jobs:
            try:
                self.queue.enqueue(job)
            except Exception as exc:  # committed already: the relay sends it later
                logging.getLogger("yimen.outbox").warning("job %s not queued: %s", job.kind, type(exc).__name__)
                continue
            try:
                self.store.client.update_item(
                    TableName=self.store.table,
                    Key=_item_av({"PK": f"JOB#{job.dedupe_key}", "SK": "JOB"}),
                    UpdateExpression="SET #s = :queued, GSI3SK = :gsi3 REMOVE GSI2PK, GSI2SK",
                    ConditionExpression="#s = :pending",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues=_item_av(
                        {":queued": "queued", ":pending": "pending", ":gsi3": f"queued#{job.id}"}
                    ),
                )
            except self.store.client.exceptions.ConditionalCheckFailedException:
                # a local worker over this table (`yimen serve`) claimed the job first: it is handled, and the
                # unit of work committed, so this must not turn the request into an error
                continue

    def rollback(self) -> None:
        self.store.writes.clear()
        self.audit.pending, self.audit.last = [], {}
        self.jobs.new = []


class DynamoDatabase:
    """`uow()` opens a unit of work on the table; the boto3 client is shared (it is thread-safe)."""

    def __init__(self, client, table: str, cipher: Cipher, sealer: Sealer, queue: JobQueue | None = None):
        self.client, self.table, self.cipher, self.sealer, self.queue = client, table, cipher, sealer, queue

    def uow(self) -> DynamoUnitOfWork:
        return DynamoUnitOfWork(self.client, self.table, self.cipher, self.sealer, self.queue)
