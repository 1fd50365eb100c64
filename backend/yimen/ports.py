"""Small ports the services depend on. Adapters (SQLite/local folder, DynamoDB/S3/SQS) implement them
and all pass the same contract suite in tests/contract/."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from .domain.model import AidRecord, AuditEvent, Household, StaffUser

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
    def list_all(self) -> list[StaffUser]: ...


class AidRecordRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, record: AidRecord) -> bool:
        """Store unless (source, source_ref) exists already; True when stored."""

    @abc.abstractmethod
    def list_for_household(self, household_id: str) -> list[AidRecord]: ...


class AuditLog(abc.ABC):
    @abc.abstractmethod
    def append(self, event: AuditEvent) -> AuditEvent:
        """Seal the event onto the chain (domain.audit.seal) and store it; returns it sealed."""

    @abc.abstractmethod
    def iter_all(self) -> Iterator[AuditEvent]: ...

    @abc.abstractmethod
    def for_object(self, object_type: str, object_id: str) -> list[AuditEvent]: ...


class KeyValue(abc.ABC):
    """Small records keyed by (namespace, key): idempotency keys, sessions, happiness tokens."""

    @abc.abstractmethod
    def get(self, namespace: str, key: str) -> dict | None: ...

    @abc.abstractmethod
    def put_if_absent(self, namespace: str, key: str, value: dict) -> bool: ...

    @abc.abstractmethod
    def put(self, namespace: str, key: str, value: dict) -> None: ...

    @abc.abstractmethod
    def delete(self, namespace: str, key: str) -> None: ...


class UnitOfWork(abc.ABC):
    """One transaction: everything written inside commits together or not at all."""

    households: HouseholdRepository
    staff: StaffRepository
    aid_records: AidRecordRepository
    audit: AuditLog
    kv: KeyValue
    jobs: JobQueue  # the outbox: jobs commit with the change that causes them

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
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


@dataclass
class Job:
    kind: str  # ocr / notice / batch
    payload: dict
    dedupe_key: str
    id: str = ""
    attempts: int = 0


class JobQueue(abc.ABC):
    @abc.abstractmethod
    def enqueue(self, job: Job) -> None: ...
