"""Bulk work (imports, seeding) in units of work small enough for one DynamoDB transaction (100 items,
which adapters/dynamodb.py enforces), each unit with its own audit event, so every write is audited in
the transaction that makes it. Bulk writers are idempotent, so a run cut short is completed by running
it again."""

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

UNIT_ITEMS = 100  # DynamoDB TransactWriteItems' limit
RESERVED = 4  # the unit's audit event(s) and bookkeeping


def units(rows: Sequence[T], items_per_row: int) -> Iterator[Sequence[T]]:
    """Slices of `rows` whose writes, at most items_per_row each, fit one unit with its audit event."""
    size = max(1, (UNIT_ITEMS - RESERVED) // items_per_row)
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
