"""SQLite records adapter (the embedded default): one file, WAL mode, foreign keys on,
schema migrations versioned in code, every unit of work one IMMEDIATE transaction."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from yimen.adapters import codec
from yimen.domain.audit import ANCHOR_TAKEN, Anchor, Sealer, chain_for
from yimen.domain.disbursement import Batch, BatchState, Slip
from yimen.domain.errors import Conflict
from yimen.domain.model import AidRecord, AuditEvent, Household, StaffUser
from yimen.domain.workflow import Application, Complaint, Stage, county_of, tally_changes
from yimen.ports import (
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
    # 2: disbursement slips, bank batches, delivered-notice log (issue 7)
    """
    CREATE TABLE slips (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        due_on TEXT NOT NULL,
        household_id TEXT NOT NULL REFERENCES households (id),
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX slips_status ON slips (status, due_on, id);
    CREATE TABLE batches (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX batches_created ON batches (created_at, id);
    CREATE TABLE notice_log (
        seq INTEGER PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        recipient TEXT NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX notice_log_recipient ON notice_log (recipient, seq);
    """,
    # 3: applications and complaints (issue 6)
    """
    CREATE TABLE applications (
        id TEXT PRIMARY KEY,
        village_code TEXT NOT NULL,
        stage TEXT NOT NULL,
        due_on TEXT NOT NULL,
        household_id TEXT NOT NULL REFERENCES households (id),
        applicant_openid TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX applications_queue ON applications (stage, village_code, due_on, id);
    CREATE INDEX applications_area ON applications (village_code, due_on, id);
    CREATE INDEX applications_due ON applications (due_on, id);
    CREATE INDEX applications_household ON applications (household_id);
    CREATE INDEX applications_applicant ON applications (applicant_openid);
    CREATE TABLE complaints (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX complaints_created ON complaints (created_at, id);
    """,
    # 4: shared counters (rate limits across processes)
    """
    CREATE TABLE kv_counters (
        namespace TEXT,
        key TEXT,
        n INTEGER NOT NULL,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
    );
    CREATE INDEX kv_counters_expiry ON kv_counters (expires_at);
    """,
    # 5: keyed audit chains and their signed anchors (domain/audit.py). Events sealed before this
    # (one unkeyed chain) stay as they were in audit_events_v1.
    """
    ALTER TABLE audit_events RENAME TO audit_events_v1;
    CREATE TABLE audit_events (
        chain TEXT NOT NULL,
        seq INTEGER NOT NULL,
        object_type TEXT NOT NULL,
        object_id TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (chain, seq)
    );
    CREATE INDEX audit_events_object ON audit_events (object_type, object_id, seq);
    CREATE TABLE audit_anchors (no INTEGER PRIMARY KEY, doc TEXT NOT NULL);
    """,
    # 6: dashboard counters per area and year of submission (domain.workflow.tally); filled from the
    # applications already stored by BACKFILLS[6]
    """
    CREATE TABLE app_tallies (
        area TEXT NOT NULL,
        year INTEGER NOT NULL,
        name TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (area, year, name)
    );
    """,
]


def _backfill_tallies(conn: sqlite3.Connection) -> None:
    for row in conn.execute("SELECT doc FROM applications").fetchall():
        _add_tallies(conn, tally_changes(None, codec.application_from_doc(json.loads(row["doc"]))))


def _add_tallies(conn: sqlite3.Connection, changes: dict) -> None:
    conn.executemany(
        "INSERT INTO app_tallies (area, year, name, n) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (area, year, name) DO UPDATE SET n = n + excluded.n",
        [(area, year, name, n) for (area, year), figures in changes.items() for name, n in figures.items()],
    )


BACKFILLS = {6: _backfill_tallies}


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
            conn.executescript(f"BEGIN IMMEDIATE; {script}")
            if number in BACKFILLS:
                BACKFILLS[number](conn)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
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
            (
                household.id,
                household.village_code,
                household.owner_openid,
                household.version,
                _dumps(codec.household_to_doc(household, self.cipher)),
            ),
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
            (
                household.village_code,
                household.owner_openid,
                _dumps(codec.household_to_doc(household, self.cipher)),
                household.id,
                household.version,
            ),
        )
        if cursor.rowcount != 1:
            raise Conflict("STALE_VERSION", "该户信息已被他人修改，请刷新后重试")
        household.version += 1
        self._index_members(household)

    def find_by_id_number(self, id_number: str) -> Household | None:
        row = self.conn.execute(
            "SELECT h.doc, h.version FROM member_ids m JOIN households h ON h.id = m.household_id WHERE m.id_hash = ?",
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
    def __init__(self, conn: sqlite3.Connection, cipher: Cipher):
        self.conn, self.cipher = conn, cipher

    def add(self, user: StaffUser) -> None:
        try:
            self.conn.execute(
                "INSERT INTO staff (username, doc) VALUES (?, ?)",
                (user.username, _dumps(codec.staff_to_doc(user, self.cipher))),
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict("USERNAME_TAKEN", f"用户名 {user.username} 已存在") from exc

    def update(self, user: StaffUser) -> None:
        # The version lives in the document (the table predates it): accounts stored without one are version 0.
        doc = codec.staff_to_doc(replace(user, version=user.version + 1), self.cipher)
        cursor = self.conn.execute(
            "UPDATE staff SET doc = ? WHERE username = ? AND COALESCE(json_extract(doc, '$.version'), 0) = ?",
            (_dumps(doc), user.username, user.version),
        )
        if cursor.rowcount != 1:
            raise Conflict("STALE_VERSION", "该账号刚刚已被他人修改，请刷新后重试")
        user.version += 1

    def get_by_username(self, username: str) -> StaffUser | None:
        row = self.conn.execute("SELECT doc FROM staff WHERE username = ?", (username,)).fetchone()
        return codec.staff_from_doc(json.loads(row["doc"]), self.cipher) if row else None

    def list_all(self) -> list[StaffUser]:
        rows = self.conn.execute("SELECT doc FROM staff ORDER BY username")
        return [codec.staff_from_doc(json.loads(r["doc"]), self.cipher) for r in rows]


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
    COLUMNS = "SELECT chain, seq, object_type, object_id, doc FROM audit_events"

    def __init__(self, conn: sqlite3.Connection, sealer: Sealer):
        self.conn, self.sealer = conn, sealer

    @staticmethod
    def _load(row: sqlite3.Row) -> AuditEvent:
        return codec.audit_from_doc(
            json.loads(row["doc"]),
            chain=row["chain"],
            seq=row["seq"],
            object_type=row["object_type"],
            object_id=row["object_id"],
        )

    def append(self, event: AuditEvent) -> AuditEvent:
        event.chain = chain_for(event.object_type, event.object_id)
        last = self.conn.execute(f"{self.COLUMNS} WHERE chain = ? ORDER BY seq DESC LIMIT 1", (event.chain,)).fetchone()
        self.sealer.seal(event, self._load(last) if last else None)
        self.conn.execute(
            "INSERT INTO audit_events (chain, seq, object_type, object_id, doc) VALUES (?, ?, ?, ?, ?)",
            (event.chain, event.seq, event.object_type, event.object_id, _dumps(codec.audit_to_doc(event))),
        )
        return event

    def iter_all(self) -> Iterator[AuditEvent]:
        for row in self.conn.execute(f"{self.COLUMNS} ORDER BY chain, seq"):
            yield self._load(row)

    def for_object(self, object_type: str, object_id: str) -> list[AuditEvent]:
        rows = self.conn.execute(
            f"{self.COLUMNS} WHERE object_type = ? AND object_id = ? ORDER BY seq", (object_type, object_id)
        )
        return [self._load(r) for r in rows]

    def heads(self) -> dict[str, list]:
        rows = self.conn.execute(
            f"{self.COLUMNS} WHERE (chain, seq) IN (SELECT chain, MAX(seq) FROM audit_events GROUP BY chain)"
        )
        return {row["chain"]: [row["seq"], json.loads(row["doc"])["hash"]] for row in rows}

    def add_anchor(self, anchor: Anchor) -> None:
        try:
            self.conn.execute(
                "INSERT INTO audit_anchors (no, doc) VALUES (?, ?)", (anchor.no, _dumps(codec.anchor_to_doc(anchor)))
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(*ANCHOR_TAKEN) from exc

    def latest_anchors(self, n: int = 2) -> list[Anchor]:
        rows = self.conn.execute("SELECT doc FROM audit_anchors ORDER BY no DESC LIMIT ?", (n,)).fetchall()
        return [codec.anchor_from_doc(json.loads(r["doc"])) for r in reversed(rows)]


class SqliteKeyValue(KeyValue):
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def get(self, namespace: str, key: str) -> dict | None:
        row = self.conn.execute("SELECT value FROM kv WHERE namespace = ? AND key = ?", (namespace, key)).fetchone()
        return json.loads(row["value"]) if row else None

    def put_if_absent(self, namespace: str, key: str, value: dict) -> bool:
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO kv (namespace, key, value) VALUES (?, ?, ?)", (namespace, key, _dumps(value))
        )
        return cursor.rowcount == 1

    def put(self, namespace: str, key: str, value: dict) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO kv (namespace, key, value) VALUES (?, ?, ?)", (namespace, key, _dumps(value))
        )

    def delete(self, namespace: str, key: str) -> None:
        self.conn.execute("DELETE FROM kv WHERE namespace = ? AND key = ?", (namespace, key))

    def hit(self, namespace: str, key: str, expires_at: datetime, now: datetime) -> int:
        # One UPSERT ... RETURNING (SQLite 3.35+, as the job leases already need): atomic on its own
        rows = self.conn.execute(
            "INSERT INTO kv_counters (namespace, key, n, expires_at) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (namespace, key) DO UPDATE SET n = n + 1 RETURNING n",
            (namespace, key, _utc(expires_at)),
        ).fetchall()
        if rows[0]["n"] == 1:  # a new counter: sweep the expired ones now and then, not on every hit
            self.conn.execute("DELETE FROM kv_counters WHERE expires_at <= ?", (_utc(now),))
        return rows[0]["n"]


class SqliteJobQueue(JobQueue):
    """The outbox: jobs written in the caller's transaction, delivered later by a worker."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def enqueue(self, job: Job) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO jobs (kind, dedupe_key, payload) VALUES (?, ?, ?)",
            (job.kind, job.dedupe_key, _dumps(job.payload)),
        )


# --- Disbursement and notices (issue 7) ---


def _utc(moment: datetime) -> str:
    """One fixed-width UTC format, so run_after compares correctly as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _from_utc(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) if text else None


class _VersionedDocs:
    """Shared by slips and batches: a JSON doc per id with an optimistic version."""

    table = ""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def _get_doc(self, object_id: str) -> tuple[dict, int] | None:
        row = self.conn.execute(f"SELECT doc, version FROM {self.table} WHERE id = ?", (object_id,)).fetchone()
        return (json.loads(row["doc"]), row["version"]) if row else None

    def _update_doc(self, obj, doc: dict, **columns) -> None:
        sets = "".join(f", {name} = ?" for name in columns)
        cursor = self.conn.execute(
            f"UPDATE {self.table} SET version = version + 1, doc = ?{sets} WHERE id = ? AND version = ?",
            (_dumps(doc), *columns.values(), obj.id, obj.version),
        )
        if cursor.rowcount != 1:
            raise Conflict("STALE_VERSION", "该记录已被他人处理，请刷新后重试")
        obj.version += 1


class SqliteSlips(_VersionedDocs, SlipRepository):
    table = "slips"

    def __init__(self, conn: sqlite3.Connection, cipher: Cipher):
        super().__init__(conn)
        self.cipher = cipher

    def add(self, slip: Slip) -> bool:
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO slips (id, status, due_on, household_id, version, doc) VALUES (?, ?, ?, ?, ?, ?)",
            (
                slip.id,
                slip.status.value,
                slip.due_on.isoformat(),
                slip.household_id,
                slip.version,
                _dumps(codec.slip_to_doc(slip, self.cipher)),
            ),
        )
        return cursor.rowcount == 1

    def get(self, slip_id: str) -> Slip | None:
        found = self._get_doc(slip_id)
        return replace(codec.slip_from_doc(found[0], self.cipher), version=found[1]) if found else None

    def update(self, slip: Slip) -> None:
        self._update_doc(slip, codec.slip_to_doc(slip, self.cipher), status=slip.status.value)

    def list_by_status(self, status: str, limit: int = 50, cursor: str | None = None) -> Page[Slip]:
        after_due, after_id = (cursor or "|").split("|")
        rows = self.conn.execute(
            "SELECT doc, version, due_on, id FROM slips WHERE status = ? AND (due_on, id) > (?, ?) "
            "ORDER BY due_on, id LIMIT ?",
            (status, after_due, after_id, limit + 1),
        ).fetchall()
        items = [
            replace(codec.slip_from_doc(json.loads(r["doc"]), self.cipher), version=r["version"]) for r in rows[:limit]
        ]
        next_cursor = f"{rows[limit - 1]['due_on']}|{rows[limit - 1]['id']}" if len(rows) > limit else None
        return Page(items, next_cursor)


class SqliteBatches(_VersionedDocs, BatchRepository):
    table = "batches"

    def add(self, batch: Batch) -> None:
        self.conn.execute(
            "INSERT INTO batches (id, created_at, version, doc) VALUES (?, ?, ?, ?)",
            (batch.id, _utc(batch.created_at), batch.version, _dumps(codec.batch_to_doc(batch))),
        )

    def get(self, batch_id: str) -> Batch | None:
        found = self._get_doc(batch_id)
        return replace(codec.batch_from_doc(found[0]), version=found[1]) if found else None

    def update(self, batch: Batch) -> None:
        self._update_doc(batch, codec.batch_to_doc(batch))

    def list_recent(self, limit: int = 20, cursor: str | None = None) -> Page[Batch]:
        before_at, before_id = (cursor or "~|~").split("|")
        rows = self.conn.execute(
            "SELECT doc, version, created_at, id FROM batches WHERE (created_at, id) < (?, ?) "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            (before_at, before_id, limit + 1),
        ).fetchall()
        items = [replace(codec.batch_from_doc(json.loads(r["doc"])), version=r["version"]) for r in rows[:limit]]
        next_cursor = f"{rows[limit - 1]['created_at']}|{rows[limit - 1]['id']}" if len(rows) > limit else None
        return Page(items, next_cursor)

    def list_unfinished(self) -> list[Batch]:
        rows = self.conn.execute(
            "SELECT doc, version FROM batches WHERE json_extract(doc, '$.state') = ? ORDER BY created_at",
            (BatchState.PREPARING.value,),
        ).fetchall()
        return [replace(codec.batch_from_doc(json.loads(r["doc"])), version=r["version"]) for r in rows]


class SqliteNoticeLog(NoticeLog):
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def add(self, record: NoticeRecord) -> bool:
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO notice_log (dedupe_key, recipient, doc) VALUES (?, ?, ?)",
            (record.dedupe_key, record.recipient, _dumps(codec.notice_to_doc(record))),
        )
        return cursor.rowcount == 1

    def list_for(self, recipient: str, limit: int = 50, cursor: str | None = None) -> Page[NoticeRecord]:
        rows = self.conn.execute(
            "SELECT seq, doc FROM notice_log WHERE recipient = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
            (recipient, int(cursor) if cursor else 2**62, limit + 1),
        ).fetchall()
        items = [replace(codec.notice_from_doc(json.loads(r["doc"])), id=str(r["seq"])) for r in rows[:limit]]
        return Page(items, str(rows[limit - 1]["seq"]) if len(rows) > limit else None)


class SqliteJobLeases(JobLeases):
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def claim(self, kind: str, now: datetime, lease_until: datetime, limit: int) -> list[Job]:
        # One UPDATE ... RETURNING inside the caller's IMMEDIATE transaction: two workers can never
        # both take a job, and a killed worker's jobs come back when its lease runs out.
        rows = self.conn.execute(
            "UPDATE jobs SET status = 'running', run_after = ?, attempts = attempts + 1 WHERE id IN ("
            " SELECT id FROM jobs WHERE kind = ? AND status IN ('pending', 'running') AND run_after <= ?"
            " ORDER BY id LIMIT ?) RETURNING id, kind, dedupe_key, payload, attempts",
            (_utc(lease_until), kind, _utc(now), limit),
        ).fetchall()
        jobs = [
            Job(
                kind=r["kind"],
                payload=json.loads(r["payload"]),
                dedupe_key=r["dedupe_key"],
                id=str(r["id"]),
                attempts=r["attempts"],
            )
            for r in rows
        ]
        return sorted(jobs, key=lambda job: int(job.id))

    def finish(self, job_id: str, status: str, run_after: datetime | None = None, error: str | None = None) -> None:
        self.conn.execute(
            "UPDATE jobs SET status = ?, run_after = ?, last_error = ? WHERE id = ?",
            (status, _utc(run_after) if run_after else "", error, int(job_id)),
        )

    def counts(self, kind: str) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, COUNT(*) AS n FROM jobs WHERE kind = ? GROUP BY status", (kind,))
        return {r["status"]: r["n"] for r in rows}

    def list_dead(self, kind: str, limit: int = 50) -> list[DeadJob]:
        rows = self.conn.execute(
            "SELECT id, kind, dedupe_key, payload, attempts, run_after, last_error FROM jobs"
            " WHERE kind = ? AND status = 'dead' ORDER BY id LIMIT ?",
            (kind, limit),
        )
        return [
            DeadJob(
                Job(
                    kind=r["kind"],
                    payload=json.loads(r["payload"]),
                    dedupe_key=r["dedupe_key"],
                    id=str(r["id"]),
                    attempts=r["attempts"],
                ),
                error=r["last_error"],
                at=_from_utc(r["run_after"]),
            )
            for r in rows
        ]

    def requeue_dead(self, kind: str, now: datetime, job_id: str | None = None) -> int:
        # Only dead rows: a done job (delivered) never comes back, whatever id is asked for.
        where = "kind = ? AND status = 'dead'"
        args: list[str | int] = [_utc(now), kind]
        if job_id is not None:
            if not job_id.isdigit():
                return 0
            where, args = where + " AND id = ?", [*args, int(job_id)]
        return self.conn.execute(
            f"UPDATE jobs SET status = 'pending', attempts = 0, run_after = ? WHERE {where}", args
        ).rowcount


# --- Applications and complaints (issue 6) ---

NO_DUE = "9999-12-31"  # sorts after every real date: cases without a limit come last in a queue


class SqliteApplications(ApplicationRepository):
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    @staticmethod
    def _columns(a: Application) -> tuple:
        due = a.due_on.isoformat() if a.due_on else NO_DUE
        return (
            a.village_code,
            a.stage.value,
            due,
            a.household_id,
            a.applicant_openid,
            _dumps(codec.application_to_doc(a)),
        )

    def add(self, application: Application) -> None:
        self.conn.execute(
            "INSERT INTO applications (village_code, stage, due_on, household_id, applicant_openid, doc, id, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*self._columns(application), application.id, application.version),
        )
        _add_tallies(self.conn, tally_changes(None, application))

    def get(self, application_id: str) -> Application | None:
        row = self.conn.execute("SELECT doc, version FROM applications WHERE id = ?", (application_id,)).fetchone()
        return self._load(row) if row else None

    @staticmethod
    def _load(row: sqlite3.Row) -> Application:
        return replace(codec.application_from_doc(json.loads(row["doc"])), version=row["version"])

    def update(self, application: Application) -> None:
        before = self.get(application.id)
        cursor = self.conn.execute(
            "UPDATE applications SET village_code = ?, stage = ?, due_on = ?, household_id = ?, applicant_openid = ?,"
            " doc = ?, version = version + 1 WHERE id = ? AND version = ?",
            (*self._columns(application), application.id, application.version),
        )
        if cursor.rowcount != 1:
            raise Conflict("STALE_VERSION", "该申请刚刚已被他人处理，请刷新页面查看最新状态")
        application.version += 1
        _add_tallies(self.conn, tally_changes(before, application))

    def _page(self, where: str, args: tuple, limit: int, cursor: str | None) -> Page[Application]:
        after_due, after_id = (cursor or "|").split("|")
        rows = self.conn.execute(
            f"SELECT doc, version, due_on, id FROM applications WHERE {where} AND (due_on, id) > (?, ?) "
            "ORDER BY due_on, id LIMIT ?",
            (*args, after_due, after_id, limit + 1),
        ).fetchall()
        items = [self._load(r) for r in rows[:limit]]
        next_cursor = f"{rows[limit - 1]['due_on']}|{rows[limit - 1]['id']}" if len(rows) > limit else None
        return Page(items, next_cursor)

    def list_in_area(
        self, area_code: str, stage: Stage | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Application]:
        county_of(area_code)
        if stage is None:
            return self._page("village_code LIKE ?", (area_code + "%",), limit, cursor)
        return self._page("stage = ? AND village_code LIKE ?", (stage.value, area_code + "%"), limit, cursor)

    def list_due(
        self, on_or_before, limit: int = 200, cursor: str | None = None, area_code: str = ""
    ) -> Page[Application]:
        if area_code:
            county_of(area_code)
        return self._page(
            "due_on <= ? AND village_code LIKE ?", (on_or_before.isoformat(), area_code + "%"), limit, cursor
        )

    def tallies(self, area_code: str, year: int) -> dict[str, int]:
        rows = self.conn.execute("SELECT name, n FROM app_tallies WHERE area = ? AND year = ?", (area_code, year))
        return {row["name"]: row["n"] for row in rows}

    def list_for_household(self, household_id: str) -> list[Application]:
        rows = self.conn.execute("SELECT doc, version FROM applications WHERE household_id = ?", (household_id,))
        return sorted((self._load(r) for r in rows), key=lambda a: a.submitted_at, reverse=True)

    def list_for_applicant(self, openid: str) -> list[Application]:
        rows = self.conn.execute("SELECT doc, version FROM applications WHERE applicant_openid = ?", (openid,))
        return sorted((self._load(r) for r in rows), key=lambda a: a.submitted_at, reverse=True)


class SqliteComplaints(ComplaintRepository):
    def __init__(self, conn: sqlite3.Connection, cipher: Cipher):
        self.conn, self.cipher = conn, cipher

    def add(self, complaint: Complaint) -> None:
        self.conn.execute(
            "INSERT INTO complaints (id, created_at, doc) VALUES (?, ?, ?)",
            (complaint.id, _utc(complaint.created_at), _dumps(codec.complaint_to_doc(complaint, self.cipher))),
        )

    def list_recent(self, limit: int = 50, cursor: str | None = None) -> Page[Complaint]:
        before_at, before_id = (cursor or "~|~").split("|")
        rows = self.conn.execute(
            "SELECT doc, created_at, id FROM complaints WHERE (created_at, id) < (?, ?) "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            (before_at, before_id, limit + 1),
        ).fetchall()
        items = [codec.complaint_from_doc(json.loads(r["doc"]), self.cipher) for r in rows[:limit]]
        next_cursor = f"{rows[limit - 1]['created_at']}|{rows[limit - 1]['id']}" if len(rows) > limit else None
        return Page(items, next_cursor)

    def list_for_reporter(self, openid: str) -> list[Complaint]:
        rows = self.conn.execute(
            "SELECT doc FROM complaints WHERE json_extract(doc, '$.reporter_openid') = ? "
            "ORDER BY created_at DESC, id DESC",
            (openid,),
        ).fetchall()
        return [codec.complaint_from_doc(json.loads(r["doc"]), self.cipher) for r in rows]

    def get(self, complaint_id: str) -> Complaint | None:
        row = self.conn.execute("SELECT doc FROM complaints WHERE id = ?", (complaint_id,)).fetchone()
        return codec.complaint_from_doc(json.loads(row["doc"]), self.cipher) if row else None

    def update(self, complaint: Complaint) -> None:
        stored = self.get(complaint.id)
        if stored is None or stored.version != complaint.version:
            raise Conflict("STALE_VERSION", "该举报已被他人处理，请刷新后重试")
        complaint.version += 1
        self.conn.execute(
            "UPDATE complaints SET doc = ? WHERE id = ?",
            (_dumps(codec.complaint_to_doc(complaint, self.cipher)), complaint.id),
        )


class SqliteUnitOfWork(UnitOfWork):
    def __init__(self, conn: sqlite3.Connection, cipher: Cipher, sealer: Sealer):
        self.conn = conn
        self.households = SqliteHouseholds(conn, cipher)
        self.staff = SqliteStaff(conn, cipher)
        self.aid_records = SqliteAidRecords(conn)
        self.audit = SqliteAudit(conn, sealer)
        self.kv = SqliteKeyValue(conn)
        self.jobs = SqliteJobQueue(conn)
        self.slips = SqliteSlips(conn, cipher)
        self.batches = SqliteBatches(conn)
        self.notice_log = SqliteNoticeLog(conn)
        self.job_leases = SqliteJobLeases(conn)
        self.applications = SqliteApplications(conn)
        self.complaints = SqliteComplaints(conn, cipher)
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

    def __init__(self, path: Path, cipher: Cipher, sealer: Sealer):
        self.path, self.cipher, self.sealer = Path(path), cipher, sealer
        migrate(self.path)
        self._local = threading.local()

    def uow(self) -> SqliteUnitOfWork:
        if not hasattr(self._local, "conn"):
            self._local.conn = connect(self.path)
        return SqliteUnitOfWork(self._local.conn, self.cipher, self.sealer)
