"""Small ports the services depend on. Adapters (SQLite/local folder, DynamoDB/S3/SQS) implement them
and all pass the same contract suite in tests/contract/."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any, Generic, TypeVar

from yimen.domain.audit import Anchor, ChainHeads
from yimen.domain.disbursement import Batch, Slip
from yimen.domain.model import AidRecord, AuditEvent, Household, StaffUser
from yimen.domain.workdays import CHINA
from yimen.domain.workflow import Application, Complaint, Stage

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime: ...

    def today(self) -> date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands where it is set (China time if no zone is given): tests, and the demo's
    cases dated in the past."""

    def __init__(self, at: datetime):
        self.at = at if at.tzinfo else at.replace(tzinfo=CHINA)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


class Cipher(abc.ABC):
    """Encrypts personal data at rest; `lookup_hash` is a keyed hash for exact-match lookups."""

    @abc.abstractmethod
    def encrypt(self, plaintext: str) -> str: ...

    @abc.abstractmethod
    def decrypt(self, token: str) -> str: ...

    @abc.abstractmethod
    def lookup_hash(self, value: str) -> str: ...


class HouseholdRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, household: Household) -> None: ...

    @abc.abstractmethod
    def get(self, household_id: str) -> Household | None: ...

    @abc.abstractmethod
    def update(self, household: Household) -> None:
        """Write if the stored version equals household.version, then bump it; else raise Conflict."""

    def get_many(self, household_ids: list[str]) -> dict[str, Household]:
        """Several at once (a bank batch reads thousands); ids not found are left out."""
        found = ((hid, self.get(hid)) for hid in dict.fromkeys(household_ids))
        return {hid: h for hid, h in found if h is not None}

    @abc.abstractmethod
    def find_by_id_number(self, id_number: str) -> Household | None:
        """The household one of whose members has this ID number (via the keyed hash)."""

    @abc.abstractmethod
    def find_by_owner(self, openid: str) -> list[Household]: ...

    @abc.abstractmethod
    def list_in_area(self, area_code: str, limit: int = 50, cursor: str | None = None) -> Page[Household]: ...

    def iter_in_area(self, area_code: str = "") -> Iterator[Household]:
        cursor = None
        while True:
            page = self.list_in_area(area_code, limit=500, cursor=cursor)
            yield from page.items
            if not page.next_cursor:
                return
            cursor = page.next_cursor


class StaffRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, user: StaffUser) -> None: ...

    @abc.abstractmethod
    def get_by_username(self, username: str) -> StaffUser | None: ...

    @abc.abstractmethod
    def update(self, user: StaffUser) -> None:
        """Write if the stored version equals user.version, then bump it; else raise Conflict."""

    @abc.abstractmethod
    def list_all(self) -> list[StaffUser]: ...


class AidRecordRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, record: AidRecord) -> bool:
        """Store unless (source, source_ref) exists already; True when stored."""

    @abc.abstractmethod
    def list_for_household(self, household_id: str) -> list[AidRecord]: ...


class AuditLog(abc.ABC):
    """Events on CHAINS keyed hash chains, and the signed anchors over them (domain.audit)."""

    @abc.abstractmethod
    def append(self, event: AuditEvent) -> AuditEvent:
        """Seal the event onto its object's chain (Sealer.seal) and store it in this unit of work;
        returns it sealed. Two units appending to one chain at once never fork it."""

    @abc.abstractmethod
    def iter_all(self) -> Iterator[AuditEvent]:
        """Every event, chain by chain, in seq order; object and chain as the stored keys say."""

    @abc.abstractmethod
    def for_object(self, object_type: str, object_id: str) -> list[AuditEvent]: ...

    @abc.abstractmethod
    def heads(self) -> ChainHeads:
        """chain -> [seq, hash] of its last stored event, for every chain that has one."""

    @abc.abstractmethod
    def add_anchor(self, anchor: Anchor) -> None:
        """Store a signed anchor; Conflict if its number is taken (two anchoring jobs at once)."""

    @abc.abstractmethod
    def latest_anchors(self, n: int = 2) -> list[Anchor]:
        """The last n anchors, oldest first."""


class KeyValue(abc.ABC):
    """Small records keyed by (namespace, key): idempotency keys, sessions, happiness tokens."""

    @abc.abstractmethod
    def get(self, namespace: str, key: str) -> dict[str, Any] | None: ...

    @abc.abstractmethod
    def put_if_absent(self, namespace: str, key: str, value: dict[str, Any]) -> bool: ...

    @abc.abstractmethod
    def put(self, namespace: str, key: str, value: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def delete(self, namespace: str, key: str) -> None: ...

    @abc.abstractmethod
    def hit(self, namespace: str, key: str, expires_at: datetime, now: datetime) -> int:
        """Add one to the counter (namespace, key), created at 1 to live until expires_at, and return
        the new count; atomic across processes. Expired counters are removed lazily (sweeps use
        `now`), so a caller that needs a fresh count uses a new key (e.g. one per time window).
        DynamoDB applies it at once, outside the unit's buffered writes; SQLite in the unit's
        transaction: call it in a unit of its own, so it counts even if later work fails."""


class UnitOfWork(abc.ABC):
    """One transaction: everything written inside commits together or not at all."""

    households: HouseholdRepository
    staff: StaffRepository
    aid_records: AidRecordRepository
    audit: AuditLog
    kv: KeyValue
    jobs: JobQueue  # the outbox: jobs commit with the change that causes them
    slips: SlipRepository
    batches: BatchRepository
    notice_log: NoticeLog
    job_leases: JobLeases
    applications: ApplicationRepository
    complaints: ComplaintRepository

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


class BlobStore(abc.ABC):
    """ID photos, signatures, print files. Private: never served publicly as stored."""

    @abc.abstractmethod
    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None: ...

    @abc.abstractmethod
    def get(self, key: str) -> bytes: ...

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def delete(self, key: str) -> None: ...

    @abc.abstractmethod
    def presigned_upload(self, key: str, content_type: str, max_bytes: int, expires: int = 600) -> dict[str, Any]:
        """{"url", "fields"}: the client POSTs the fields and then the file (multipart field `file`)
        straight to the store, so photos skip the API. The form pins key, type and size ceiling."""


@dataclass
class Job:
    kind: str  # ocr / notice / batch
    payload: dict[str, Any]
    dedupe_key: str
    id: str = ""
    attempts: int = 0


DONE_NS = "job_done"  # key-value namespace: dedupe_key -> when the job finished (once-only jobs)
FAILED_NS = "job_failed"  # key-value namespace: dedupe_key -> the job's last failure (error, at, attempts)


class JobQueue(abc.ABC):
    @abc.abstractmethod
    def enqueue(self, job: Job) -> None: ...


# --- Disbursement and notices (issue 7) ---------------------------------------------------------


class SlipRepository(abc.ABC):
    """拨付单. `add` is idempotent on the slip id, which is derived from what the slip pays for."""

    @abc.abstractmethod
    def add(self, slip: Slip) -> bool:
        """Store unless a slip with this id exists; True when stored."""

    @abc.abstractmethod
    def get(self, slip_id: str) -> Slip | None: ...

    @abc.abstractmethod
    def update(self, slip: Slip) -> None:
        """Write if the stored version equals slip.version, then bump it; else raise Conflict (at the
        latest when the unit commits)."""

    def get_many(self, slip_ids: list[str]) -> dict[str, Slip]:
        found = ((sid, self.get(sid)) for sid in dict.fromkeys(slip_ids))
        return {sid: slip for sid, slip in found if slip is not None}

    @abc.abstractmethod
    def list_by_status(self, status: str, limit: int = 50, cursor: str | None = None) -> Page[Slip]:
        """Slips in one status, oldest due first."""


class BatchRepository(abc.ABC):
    """Bank batches (payment files) with their lines and results."""

    @abc.abstractmethod
    def add(self, batch: Batch) -> None: ...

    @abc.abstractmethod
    def get(self, batch_id: str) -> Batch | None: ...

    @abc.abstractmethod
    def update(self, batch: Batch) -> None:
        """Write if the stored version equals batch.version, then bump it; else raise Conflict."""

    @abc.abstractmethod
    def list_recent(self, limit: int = 20, cursor: str | None = None) -> Page[Batch]:
        """Newest first."""

    @abc.abstractmethod
    def list_unfinished(self) -> list[Batch]:
        """Batches still PREPARING: exports that crashed half-way, or are running right now."""


@dataclass
class NoticeRecord:
    """A delivered notice: what the citizen's message list and the staff inbox show."""

    dedupe_key: str
    recipient: str  # citizen:<household id or openid> / staff:<role>@<area>
    event: str
    channel: str
    text: str
    at: datetime
    id: str = ""


class NoticeLog(abc.ABC):
    @abc.abstractmethod
    def add(self, record: NoticeRecord) -> bool:
        """Store unless a record with this dedupe_key exists; True when stored."""

    @abc.abstractmethod
    def list_for(self, recipient: str, limit: int = 50, cursor: str | None = None) -> Page[NoticeRecord]:
        """Newest first."""


@dataclass
class DeadJob:
    """A job given up after its last try: status dead in the outbox, or a message in a dead-letter queue."""

    job: Job  # job.attempts: the tries it had
    error: str | None = None  # the last failure
    at: datetime | None = None  # when it last failed


class DeadLetters(abc.ABC):
    """Dead jobs, for staff to read and to put back once the cause is fixed (e.g. the SMS provider was
    down for a day). A requeued job keeps its dedupe key, so whatever runs it can still tell that it
    was done before; it starts over with attempts from zero, due at once."""

    @abc.abstractmethod
    def list_dead(self, kind: str, limit: int = 50) -> list[DeadJob]:
        """At most `limit` dead jobs of a kind; each job.id is what requeue_dead takes."""

    @abc.abstractmethod
    def requeue_dead(self, kind: str, now: datetime, job_id: str | None = None) -> int:
        """Put one dead job (job_id) or every dead job of the kind back to run from `now`; how many."""


class JobLeases(DeadLetters):
    """How a local worker takes jobs from the outbox. Claiming is atomic: a job claimed by one worker
    is invisible to others until its lease runs out, so a worker killed mid-batch loses nothing.
    (In the cloud, SQS's visibility timeout plays this part, and the dead jobs are the DLQ's.)"""

    @abc.abstractmethod
    def claim(self, kind: str, now: datetime, lease_until: datetime, limit: int) -> list[Job]:
        """Due jobs (pending, or running with an expired lease): mark running until lease_until and
        count the attempt."""

    @abc.abstractmethod
    def finish(self, job_id: str, status: str, run_after: datetime | None = None, error: str | None = None) -> None:
        """status: done / dead / pending (retry at run_after). For dead, run_after is when it died."""

    @abc.abstractmethod
    def counts(self, kind: str) -> dict[str, int]: ...


# --- Applications and complaints (issue 6) ------------------------------------------------------


class ApplicationRepository(abc.ABC):
    """申请. Queries: staff queues (stage + area), the deadline scan, one household's, one applicant's."""

    @abc.abstractmethod
    def add(self, application: Application) -> None: ...

    @abc.abstractmethod
    def get(self, application_id: str) -> Application | None: ...

    @abc.abstractmethod
    def update(self, application: Application) -> None:
        """Write if the stored version equals application.version, then bump it; else raise Conflict."""

    @abc.abstractmethod
    def list_in_area(
        self, area_code: str, stage: Stage | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Application]:
        """Applications whose village is inside the area (a county or smaller: domain.workflow.county_of),
        in one stage or all; earliest deadline first."""

    @abc.abstractmethod
    def list_due(
        self, on_or_before: date, limit: int = 200, cursor: str | None = None, area_code: str = ""
    ) -> Page[Application]:
        """Open applications whose earliest limit (stage or green-channel paperwork) is on or before a day,
        earliest first: in one area (county or smaller), or everywhere (the deadline scan)."""

    @abc.abstractmethod
    def tallies(self, area_code: str, year: int) -> dict[str, int]:
        """The area's counters for applications submitted in a year (domain.workflow.tally), kept
        up to date by add/update in the same transaction; an area is a county, township or village."""

    @abc.abstractmethod
    def list_for_household(self, household_id: str) -> list[Application]: ...

    @abc.abstractmethod
    def list_for_applicant(self, openid: str) -> list[Application]: ...


class ComplaintRepository(abc.ABC):
    """在线举报, read by 纪委监督."""

    @abc.abstractmethod
    def add(self, complaint: Complaint) -> None: ...

    @abc.abstractmethod
    def list_recent(self, limit: int = 50, cursor: str | None = None) -> Page[Complaint]:
        """Newest first."""

    @abc.abstractmethod
    def get(self, complaint_id: str) -> Complaint | None: ...

    @abc.abstractmethod
    def list_for_reporter(self, openid: str) -> list[Complaint]:
        """One person's own complaints, newest first (their page shows status and reply)."""

    @abc.abstractmethod
    def update(self, complaint: Complaint) -> None:
        """Optimistic: raises Conflict unless the stored version is `complaint.version`; bumps it."""


class AnchorSigner(abc.ABC):
    """Signs audit anchors with a key the records store never holds (a KMS key only the anchoring job
    may sign with, or a key file outside the database)."""

    @property
    @abc.abstractmethod
    def key_id(self) -> str:
        """Which key signs, stored in every anchor it signs."""

    @abc.abstractmethod
    def sign(self, digest: bytes) -> str:
        """Signature over a SHA-256 digest (base64)."""

    @abc.abstractmethod
    def verify(self, digest: bytes, signature: str) -> bool: ...


class SmsSender(abc.ABC):
    """Text messages to a phone. The local adapter records them; a provider adapter can come later."""

    @abc.abstractmethod
    def send(self, phone: str, text: str, ref: str) -> None:
        """`ref` identifies the notice (providers take it as an idempotency/out id). Raise OSError when
        the provider can't be reached, so the worker retries."""


class WeChatCallFailed(Exception):
    """WeChat answered a call with an error code, or with an HTTP error status (errcode None)."""

    def __init__(self, errcode: int | None, errmsg: str = "", http_status: int | None = None):
        super().__init__(f"errcode {errcode}: {errmsg}" if errcode is not None else f"HTTP {http_status or '?'}")
        self.errcode, self.errmsg, self.http_status = errcode, errmsg, http_status


class WeChat(abc.ABC):
    """The WeChat platform: login codes to openids, and messages. A call that WeChat refuses raises
    WeChatCallFailed; one that can't reach it raises OSError."""

    @abc.abstractmethod
    def code_to_openid(self, code: str) -> str:
        """A mini-program wx.login code -> openid; NotAuthenticated for a bad code."""

    @abc.abstractmethod
    def web_authorize_url(self, redirect_uri: str, state: str) -> str:
        """Where H5 pages in WeChat's browser send the user for web OAuth (snsapi_base)."""

    @abc.abstractmethod
    def web_code_to_openid(self, code: str) -> str: ...

    @abc.abstractmethod
    def send_subscribe_message(
        self, openid: str, template_id: str, data: dict[str, Any], page: str | None = None
    ) -> dict[str, Any]: ...

    @abc.abstractmethod
    def send_template_message(
        self, openid: str, template_id: str, data: dict[str, Any], url: str | None = None
    ) -> dict[str, Any]: ...
