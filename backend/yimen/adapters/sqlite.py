"""SQLite records adapter (the embedded default): one file, WAL mode, foreign keys on,
schema migrations versioned in code, every unit of work one IMMEDIATE transaction."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from ..domain.audit import seal
from ..domain.errors import Conflict
from ..domain.model import AidRecord, AuditEvent, Household, StaffUser
from ..ports import (
    AidRecordRepository,
    AuditLog,
    Cipher,
    HouseholdRepository,
    Job,
    JobQueue,
    KeyValue,
    Page,
    StaffRepository,
    UnitOfWork,
)
from . import codec

MIGRATIONS: list[str] = [
    # 1: foundation
    """
    CREATE TABLE households (
        id TEXT PRIMARY KEY,
        village_code TEXT NOT NULL,
        owner_openid TEXT,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX households_village ON households (village_code, id);
    CREATE INDEX households_owner ON households (owner_openid);
    CREATE TABLE member_ids (
        id_hash TEXT PRIMARY KEY,
        household_id TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE
    );
    CREATE TABLE staff (username TEXT PRIMARY KEY, doc TEXT NOT NULL);
    CREATE TABLE aid_records (
        id TEXT PRIMARY KEY,
        household_id TEXT NOT NULL REFERENCES households (id),
        source TEXT NOT NULL,
        source_ref TEXT NOT NULL,
        doc TEXT NOT NULL,
        UNIQUE (source, source_ref)
    );
    CREATE INDEX aid_records_household ON aid_records (household_id);
    CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, object_type TEXT, object_id TEXT, doc TEXT NOT NULL);
    CREATE INDEX audit_object ON audit_events (object_type, object_id);
    CREATE TABLE kv (namespace TEXT, key TEXT, value TEXT NOT NULL, PRIMARY KEY (namespace, key));
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        dedupe_key TEXT NOT NULL UNIQUE,
        payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        run_after TEXT NOT NULL DEFAULT '',
        last_error TEXT
    );
    CREATE INDEX jobs_pending ON jobs (status, run_after);
    """,
]


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def migrate(path: Path) -> int:
    """Create or upgrade the schema; returns the version now in force."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {number}; COMMIT;")
        return len(MIGRATIONS)
    finally:
        conn.close()


def _dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


class SqliteHouseholds(HouseholdRepository):
    def __init__(self, conn: sqlite3.Connection, cipher: Cipher):
        self.conn, self.cipher = conn, cipher

    def add(self, household: Household) -> None:
        self.conn.execute(
            "INSERT INTO households (id, village_code, owner_openid, version, doc) VALUES (?, ?, ?, ?, ?)",
            (household.id, household.village_code, household.owner_openid, household.version,
             _dumps(codec.household_to_doc(household, self.cipher))),
        )
        self._index_members(household)

    def _index_members(self, household: Household) -> None:
        self.conn.execute("DELETE FROM member_ids WHERE household_id = ?", (household.id,))
        try:
            self.conn.executemany(
                "INSERT INTO member_ids (id_hash, household_id) VALUES (?, ?)",
                [(h, household.id) for h in codec.id_hashes(household, self.cipher)],
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict("ID_NUMBER_TAKEN", "该身份证号码已登记在另一户中，请核实") from exc

    def get(self, household_id: str) -> Household | None:
        row = self.conn.execute("SELECT doc, version FROM households WHERE id = ?", (household_id,)).fetchone()
        return self._load(row) if row else None

    def _load(self, row: sqlite3.Row) -> Household:
        household = codec.household_from_doc(json.loads(row["doc"]), self.cipher)
        household.version = row["version"]
        return household

    def update(self, household: Household) -> None:
        cursor = self.conn.execute(
            "UPDATE households SET village_code = ?, owner_openid = ?, version = version + 1, doc = ? "
            "WHERE id = ? AND version = ?",
            (household.village_code, household.owner_openid,
             _dumps(codec.household_to_doc(household, self.cipher)), household.id, household.version),
        )
        if cursor.rowcount != 1:
            raise Conflict("STALE_VERSION", "该户信息已被他人修改，请刷新后重试")
        household.version += 1
        self._index_members(household)

    def find_by_id_number(self, id_number: str) -> Household | None:
        row = self.conn.execute(
            "SELECT h.doc, h.version FROM member_ids m JOIN households h ON h.id = m.household_id "
            "WHERE m.id_hash = ?",
            (self.cipher.lookup_hash(id_number),),
        ).fetchone()
        return self._load(row) if row else None

    def find_by_owner(self, openid: str) -> list[Household]:
        rows = self.conn.execute("SELECT doc, version FROM households WHERE owner_openid = ?", (openid,))
        return [self._load(r) for r in rows]

    def list_in_area(self, area_code: str, limit: int = 50, cursor: str | None = None) -> Page[Household]:
        after_village, after_id = (cursor or "|").split("|")
        rows = self.conn.execute(
            "SELECT doc, version, village_code, id FROM households "
            "WHERE village_code LIKE ? AND (village_code, id) > (?, ?) ORDER BY village_code, id LIMIT ?",
            (area_code + "%", after_village, after_id, limit + 1),
        ).fetchall()
        items = [self._load(r) for r in rows[:limit]]
        next_cursor = f"{rows[limit - 1]['village_code']}|{rows[limit - 1]['id']}" if len(rows) > limit else None
        return Page(items, next_cursor)


class SqliteStaff(StaffRepository):
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def add(self, user: StaffUser) -> None:
        try:
            self.conn.execute("INSERT INTO staff (username, doc) VALUES (?, ?)",
                              (user.username, _dumps(codec.staff_to_doc(user))))
        except sqlite3.IntegrityError as exc:
            raise Conflict("USERNAME_TAKEN", f"用户名 {user.username} 已存在") from exc

    def get_by_username(self, username: str) -> StaffUser | None:
        row = self.conn.execute("SELECT doc FROM staff WHERE username = ?", (username,)).fetchone()
        return codec.staff_from_doc(json.loads(row["doc"])) if row else None

    def list_all(self) -> list[StaffUser]:
        rows = self.conn.execute("SELECT doc FROM staff ORDER BY username")
        return [codec.staff_from_doc(json.loads(r["doc"])) for r in rows]


class SqliteAidRecords(AidRecordRepository):
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def add(self, record: AidRecord) -> bool:
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO aid_records (id, household_id, source, source_ref, doc) VALUES (?, ?, ?, ?, ?)",
            (record.id, record.household_id, record.source, record.source_ref, _dumps(codec.aid_to_doc(record))),
        )
        return cursor.rowcount == 1

    def list_for_household(self, household_id: str) -> list[AidRecord]:
        rows = self.conn.execute("SELECT doc FROM aid_records WHERE household_id = ?", (household_id,))
        records = [codec.aid_from_doc(json.loads(r["doc"])) for r in rows]
        return sorted(records, key=lambda r: (r.paid_on, r.item_code))


class SqliteAudit(AuditLog):
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def _last(self) -> AuditEvent | None:
        row = self.conn.execute("SELECT doc FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
        return codec.audit_from_doc(json.loads(row["doc"])) if row else None

    def append(self, event: AuditEvent) -> AuditEvent:
        seal(event, self._last())
        self.conn.execute(
            "INSERT INTO audit_events (seq, object_type, object_id, doc) VALUES (?, ?, ?, ?)",
            (event.seq, event.object_type, event.object_id, _dumps(codec.audit_to_doc(event))),
        )
        return event

    def iter_all(self) -> Iterator[AuditEvent]:
        for row in self.conn.execute("SELECT doc FROM audit_events ORDER BY seq"):
            yield codec.audit_from_doc(json.loads(row["doc"]))

    def for_object(self, object_type: str, object_id: str) -> list[AuditEvent]:
        rows = self.conn.execute(
            "SELECT doc FROM audit_events WHERE object_type = ? AND object_id = ? ORDER BY seq",
            (object_type, object_id),
        )
        return [codec.audit_from_doc(json.loads(r["doc"])) for r in rows]


class SqliteKeyValue(KeyValue):
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def get(self, namespace: str, key: str) -> dict | None:
        row = self.conn.execute("SELECT value FROM kv WHERE namespace = ? AND key = ?", (namespace, key)).fetchone()
        return json.loads(row["value"]) if row else None

    def put_if_absent(self, namespace: str, key: str, value: dict) -> bool:
        cursor = self.conn.execute("INSERT OR IGNORE INTO kv (namespace, key, value) VALUES (?, ?, ?)",
                                   (namespace, key, _dumps(value)))
        return cursor.rowcount == 1

    def put(self, namespace: str, key: str, value: dict) -> None:
        self.conn.execute("INSERT OR REPLACE INTO kv (namespace, key, value) VALUES (?, ?, ?)",
                          (namespace, key, _dumps(value)))

    def delete(self, namespace: str, key: str) -> None:
        self.conn.execute("DELETE FROM kv WHERE namespace = ? AND key = ?", (namespace, key))


class SqliteJobQueue(JobQueue):
    """The outbox: jobs written in the caller's transaction, delivered later by a worker."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def enqueue(self, job: Job) -> None:
        self.conn.execute("INSERT OR IGNORE INTO jobs (kind, dedupe_key, payload) VALUES (?, ?, ?)",
                          (job.kind, job.dedupe_key, _dumps(job.payload)))


class SqliteUnitOfWork(UnitOfWork):
    def __init__(self, conn: sqlite3.Connection, cipher: Cipher):
        self.conn = conn
        self.households = SqliteHouseholds(conn, cipher)
        self.staff = SqliteStaff(conn)
        self.aid_records = SqliteAidRecords(conn)
        self.audit = SqliteAudit(conn)
        self.kv = SqliteKeyValue(conn)
        self.jobs = SqliteJobQueue(conn)
        self._open = False

    def __enter__(self) -> SqliteUnitOfWork:
        self.conn.execute("BEGIN IMMEDIATE")  # writers queue up here, so version checks never race
        self._open = True
        return self

    def commit(self) -> None:
        if self._open:
            self.conn.execute("COMMIT")
            self._open = False

    def rollback(self) -> None:
        if self._open:
            self.conn.execute("ROLLBACK")
            self._open = False


class SqliteDatabase:
    """Holds one connection per thread; `uow()` opens a unit of work on the caller's connection."""

    def __init__(self, path: Path, cipher: Cipher):
        self.path, self.cipher = Path(path), cipher
        migrate(self.path)
        self._local = threading.local()

    def uow(self) -> SqliteUnitOfWork:
        if not hasattr(self._local, "conn"):
            self._local.conn = connect(self.path)
        return SqliteUnitOfWork(self._local.conn, self.cipher)
