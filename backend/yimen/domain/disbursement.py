"""拨付单 (disbursement slips) and bank batches: the only road by which platform money becomes aid.

A slip moves 待审核 -> (救助中心 reviews) 待财政审批 -> (财政 approves) 待拨付 -> (exported in a
bank batch) 银行处理中 -> 已拨付 | 拨付失败. 财政 may send a slip back to the centre; a failed slip
goes back to the centre too, which reviews it again (e.g. after the bank card is corrected)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from yimen.domain.errors import Conflict
from yimen.domain.events import PaymentFailed, PaymentMade, Recorder
from yimen.domain.model import AidRecord
from yimen.domain.payee import Payee

PLATFORM = "platform"  # the source of the aid records the platform's own payments leave


class SlipStatus(StrEnum):
    PENDING_REVIEW = "待中心审核"
    PENDING_FINANCE = "待财政审批"
    SENT_BACK = "财政退回"
    APPROVED = "待拨付"
    AT_BANK = "银行处理中"
    PAID = "已拨付"
    FAILED = "拨付失败"


# Which statuses each action may start from; the centre also re-reviews what came back to it.
CENTRE_REVIEWABLE = (SlipStatus.PENDING_REVIEW, SlipStatus.SENT_BACK, SlipStatus.FAILED)
TRANSITIONS = {
    "review": (CENTRE_REVIEWABLE, SlipStatus.PENDING_FINANCE),
    "approve": ((SlipStatus.PENDING_FINANCE,), SlipStatus.APPROVED),
    "send_back": ((SlipStatus.PENDING_FINANCE,), SlipStatus.SENT_BACK),
    "export": ((SlipStatus.APPROVED,), SlipStatus.AT_BANK),
    "paid": ((SlipStatus.AT_BANK,), SlipStatus.PAID),
    "failed": ((SlipStatus.AT_BANK,), SlipStatus.FAILED),
}


def slip_id(application_id: str, item_code: str, period: str | None) -> str:
    """Derived from what the slip pays for, so approving twice can never create a second slip."""
    return hashlib.sha256(f"{application_id}|{item_code}|{period or 'once'}".encode()).hexdigest()[:16]


@dataclass
class Attempt:
    """One try at paying a slip: the batch line and the account it went to. A slip the bank failed is
    corrected and tried again in a later batch, so its history shows every account it was sent to."""

    batch_id: str
    line_id: str
    payee: Payee
    result: str | None = None  # paid / failed
    reason: str | None = None


@dataclass
class Slip(Recorder):
    application_id: str
    household_id: str
    region_code: str
    item_code: str
    item_name: str
    department: str
    amount_fen: int
    period: str | None  # YYYY-MM for monthly aid, None for one-off aid
    due_on: date
    status: SlipStatus = SlipStatus.PENDING_REVIEW
    batch_id: str | None = None
    line_id: str | None = None
    paid_on: date | None = None
    note: str | None = None  # why it was sent back or why the bank failed it
    urgent: bool = False  # 绿色通道: paid before the paperwork, exported first
    attempts: list[Attempt] = field(default_factory=list)
    id: str = ""
    version: int = 0

    def __post_init__(self) -> None:
        if self.amount_fen <= 0:
            raise ValueError("a slip pays a positive amount")
        self.id = self.id or slip_id(self.application_id, self.item_code, self.period)

    def move(self, action: str) -> tuple[SlipStatus, SlipStatus]:
        allowed, target = TRANSITIONS[action]
        if self.status not in allowed:
            raise Conflict("SLIP_STATE", f"拨付单当前状态为“{self.status.value}”，不能执行此操作，请刷新后重试")
        before, self.status = self.status, target
        return before, target

    def export_to(self, batch_id: str, line_id: str, payee: Payee) -> None:
        """Claim the slip for a batch line; a slip already paid never goes to the bank again."""
        if any(a.result == "paid" for a in self.attempts):
            raise Conflict("SLIP_PAID", "该拨付单已拨付成功，不能再次导出")
        self.move("export")
        self.batch_id, self.line_id, self.note = batch_id, line_id, None
        self.attempts.append(Attempt(batch_id, line_id, payee))

    def release(self, batch_id: str) -> bool:
        """Undo export_to for a batch that never reached the bank; False if the slip isn't held by it."""
        current = self.attempts[-1] if self.attempts else None
        if self.status != SlipStatus.AT_BANK or current is None or current.batch_id != batch_id or current.result:
            return False
        self.attempts.pop()
        self.status = SlipStatus.APPROVED
        before = self.attempts[-1] if self.attempts else None
        self.batch_id, self.line_id = (before.batch_id, before.line_id) if before else (None, None)
        return True

    def attempt(self, batch_id: str) -> Attempt | None:
        return next((a for a in reversed(self.attempts) if a.batch_id == batch_id), None)

    def settle(
        self, batch_id: str, result: str, reason: str | None, paid_on: date | None
    ) -> tuple[SlipStatus, SlipStatus]:
        """The bank's answer for this slip's line in a batch: paid (on a day) or failed (and why)."""
        before, after = self.move(result)
        attempt = self.attempt(batch_id)
        if attempt is None:
            raise ValueError(f"slip {self.id} was not exported in batch {batch_id}")
        attempt.result, attempt.reason = result, reason
        if result == "paid":
            self.paid_on = paid_on
            self.record(PaymentMade(self.id, platform_aid_record(self), self.attempts[-1].payee.masked))
        else:
            self.note = f"银行退回：{reason or '未注明原因'}"
            self.record(
                PaymentFailed(
                    self.id,
                    batch_id,
                    self.household_id,
                    self.region_code,
                    self.item_name,
                    self.amount_fen,
                    self.note,
                    attempt.payee.account_number,
                )
            )
        return before, after


def months_from(start: date, count: int) -> list[date]:
    """The first day of `count` consecutive months beginning with start's month."""
    index = start.year * 12 + start.month - 1
    return [date((index + k) // 12, (index + k) % 12 + 1, 1) for k in range(count)]


@dataclass
class BatchLine:
    line_id: str
    slip_id: str
    amount_fen: int
    result: str | None = None  # paid / failed, once the bank's result file is imported
    reason: str | None = None
    paid_on: date | None = None


class BatchState(StrEnum):
    """An export is a small saga: the batch is written PREPARING with its lines, the slips are claimed
    in chunks, then the batch becomes EXPORTED in one write. A failure or crash in between is undone
    (each claimed slip released, the batch VOID), so no slip ever points at a batch that isn't there."""

    PREPARING = "生成中"
    EXPORTED = "已导出"
    VOID = "已撤销"


@dataclass
class Batch:
    """One payment file sent to the bank: the lines are fixed at export time."""

    id: str
    created_at: datetime
    created_by: str
    lines: list[BatchLine] = field(default_factory=list)
    state: BatchState = BatchState.EXPORTED
    imported_files: list[str] = field(default_factory=list)  # sha256 of result files already applied
    version: int = 0

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    def line(self, line_id: str) -> BatchLine | None:
        return next((line for line in self.lines if line.line_id == line_id), None)

    def reconciliation(self) -> dict[str, Any]:
        """exported = paid + failed + still at the bank; balanced once nothing is left at the bank."""
        sums = {kind: {"count": 0, "fen": 0} for kind in ("paid", "failed", "pending")}
        for line in self.lines:
            bucket = sums[line.result or "pending"]
            bucket["count"] += 1
            bucket["fen"] += line.amount_fen
        exported = {"count": len(self.lines), "fen": self.total_fen}
        balanced = sums["pending"]["count"] == 0 and exported["fen"] == sums["paid"]["fen"] + sums["failed"]["fen"]
        return {"batch_id": self.id, "exported": exported, **sums, "balanced": balanced}


def platform_aid_record(slip: Slip) -> AidRecord:
    """The one door to a platform aid record: a slip the bank has paid. Money outside a slip has
    none ("平台之外运行的救助资金,财政部门不予拨付"); other departments' aid comes in by import."""
    if slip.status != SlipStatus.PAID or slip.paid_on is None:
        raise ValueError("only a paid slip becomes a platform aid record")
    measure = f"发放{slip.item_name}" + (f"（{slip.period}）" if slip.period else "")
    return AidRecord(
        household_id=slip.household_id,
        item_code=slip.item_code,
        item_name=slip.item_name,
        department=slip.department,
        measure=measure,
        amount_fen=slip.amount_fen,
        paid_on=slip.paid_on,
        source=PLATFORM,
        source_ref=slip.id,
        period=slip.period,
    )
