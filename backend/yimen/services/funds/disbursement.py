"""Disbursement: approval -> slips (拨付单, services/funds/slips.py) -> 救助中心 review -> 财政 approval ->
bank batch -> result import; what a paid or failed slip leads to (aid records, notices) is in
services/messagebus.py."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

from yimen.domain.disbursement import Batch, BatchLine, BatchState, Slip, SlipStatus
from yimen.domain.errors import Conflict, NotFound, ValidationError
from yimen.domain.masking import mask_name
from yimen.domain.model import Actor, AuditEvent, Household
from yimen.domain.money import yuan
from yimen.domain.payee import Payee, payee_of, unusable_reason
from yimen.domain.permissions import Action, require, require_area
from yimen.ports import Clock, Page, UnitOfWork
from yimen.services import messagebus
from yimen.services.spreadsheets import write_csv

MAX_BATCH_LINES = 5000
CLAIM_CHUNK = 25  # slips claimed per unit of work: one DynamoDB transaction (at most 100 items), a short one
IMPORT_CHUNK = 15  # result lines per unit of work: a paid line writes ~6 items, a transaction takes 100
STALE_EXPORT = timedelta(minutes=10)  # an export PREPARING longer than this crashed: undo it
# The bank checks the holder's name (户名) against the account, so the file carries it in full.
PAYMENT_COLUMNS = (
    "batch_id",
    "line_id",
    "holder_name",
    "bank_card",
    "bank_name",
    "bank_cnaps",
    "amount_fen",
    "amount_yuan",
    "memo",
)
BATCH_PHRASES = {"prepare": "开始生成银行代发文件", "export": "生成银行代发文件", "void": "撤回未完成的代发文件"}
RESULT_COLUMNS = ("batch_id", "line_id", "amount_fen", "result", "reason", "paid_on")
RESULT_WORDS = {"paid": "paid", "成功": "paid", "failed": "failed", "失败": "failed"}
ACTIONS = {  # action -> (permission, audit phrase)
    "review": (Action.FUNDS_REVIEW, "审核通过，提交财政"),
    "approve": (Action.FUNDS_APPROVE, "同意拨付"),
    "send_back": (Action.FUNDS_APPROVE, "退回救助中心"),
}


@dataclass
class SlipView:
    slip: Slip
    name_masked: str
    village_code: str


@dataclass
class HeldBack:
    """A due slip left out of a batch, and why (the household has no usable account)."""

    slip_id: str
    reason: str
    name_masked: str
    amount_fen: int

    def as_dict(self) -> dict:
        return {
            "slip_id": self.slip_id,
            "reason": self.reason,
            "name_masked": self.name_masked,
            "amount_fen": self.amount_fen,
        }


@dataclass
class ExportResult:
    batch: Batch
    payment_file: str  # CSV text with full account numbers: for the bank only, never logged
    held_back: list[HeldBack]


@dataclass
class ImportResult:
    batch_id: str
    paid: int = 0
    failed: int = 0
    unchanged: int = 0
    already_imported: bool = False


class DisbursementService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, export_workers: int = 1):
        self.uow, self.clock, self.export_workers = uow, clock, export_workers

    # --- centre and finance ---

    def list_slips(self, actor: Actor, status: SlipStatus, cursor: str | None = None) -> Page[SlipView]:
        require(actor, Action.FUNDS_READ)
        with self.uow() as uow:
            page = uow.slips.list_by_status(status.value, limit=50, cursor=cursor)
            views = []
            for slip in page.items:
                household = _household(uow, slip.household_id)
                views.append(SlipView(slip, mask_name(household.head.name), household.village_code))
        return Page(views, page.next_cursor)

    def act(self, actor: Actor, action: str, slip_ids: list[str], reason: str | None = None) -> list[Slip]:
        """Review / approve / send back several slips in one transaction (all or none)."""
        permission, phrase = ACTIONS[action]
        require(actor, permission)
        reason = (reason or "").strip() or None
        if action == "send_back" and not reason:
            raise ValidationError("REASON_REQUIRED", "退回时请写明原因")
        if not slip_ids:
            raise ValidationError("NOTHING_SELECTED", "请先勾选拨付单")
        with self.uow() as uow:
            slips = [self._transition(uow, actor, slip_id, action, phrase, reason) for slip_id in slip_ids]
        return slips

    def _transition(self, uow, actor: Actor, slip_id: str, action: str, phrase: str, reason: str | None) -> Slip:
        slip = _slip(uow, slip_id)
        require_area(actor, slip.region_code)
        before, after = slip.move(action)
        if action == "send_back":
            slip.note = f"财政退回：{reason}"
        uow.slips.update(slip)
        uow.audit.append(
            AuditEvent(
                actor=actor.label,
                object_type="slip",
                object_id=slip.id,
                action=action,
                at=self.clock.now(),
                from_state=before.value,
                to_state=after.value,
                phrase=phrase,
                reason=reason,
            )
        )
        return slip

    # --- bank batches ---

    def export_batch(self, actor: Actor, slip_ids: list[str] | None = None) -> ExportResult:
        """Put every due approved slip (or just the chosen ones, e.g. a 绿色通道 slip in a batch of its
        own) into a new batch; returns it, the payment file and the slips held back, each with why.

        All or nothing on every store, whatever the size: the batch is written PREPARING with its lines,
        the slips are claimed in chunks (each claim conditional on the slip being unchanged since it was
        read), then the batch becomes EXPORTED in one write. Any failure on the way releases what was
        claimed and voids the batch; a crash leaves it PREPARING, for `recover_exports` to undo."""
        require(actor, Action.FUNDS_PAY)
        self.recover_exports(actor)
        now = self.clock.now()
        batch = Batch(
            id=f"PF{now:%Y%m%d}{secrets.token_hex(3).upper()}",
            created_at=now,
            created_by=actor.label,
            state=BatchState.PREPARING,
        )
        claims, held_back = self._plan(slip_ids)
        if not claims:
            detail = f"；{len(held_back)} 张因收款账户问题未能导出，见“缺少收款账户”" if held_back else ""
            raise ValidationError(
                "NOTHING_TO_PAY",
                f"没有已到期的待拨付拨付单{detail}",
                details={"held_back": [h.as_dict() for h in held_back]},
            )
        for number, (slip, _) in enumerate(claims, start=1):
            batch.lines.append(BatchLine(line_id=f"{number:05d}", slip_id=slip.id, amount_fen=slip.amount_fen))
        with self.uow() as uow:
            uow.batches.add(batch)
            self._audit_batch(uow, actor, batch, "prepare", None, f"准备导出 {len(claims)} 笔")
        try:
            self._claim_all(batch, claims)
            with self.uow() as uow:
                batch = _batch(uow, batch.id)
                batch.state = BatchState.EXPORTED
                uow.batches.update(batch)
                self._audit_batch(
                    uow,
                    actor,
                    batch,
                    "export",
                    BatchState.PREPARING,
                    f"{len(batch.lines)} 笔，合计 {yuan(batch.total_fen)} 元；因收款账户问题暂缓 {len(held_back)} 笔",
                )
                text = self._payment_csv(uow, batch)
        except Exception as exc:  # a conflict, or the store failing: undo now (a killed process: recover_exports)
            self._undo_export(actor, batch.id)
            if isinstance(exc, Conflict):
                raise Conflict(
                    "EXPORT_UNDONE",
                    "生成代发文件时有拨付单刚被他人处理，本次导出已全部撤回，没有任何拨付单被导出，请重新生成",
                ) from exc
            raise
        return ExportResult(batch, text, held_back)

    def _claim_all(self, batch: Batch, claims: list[tuple[Slip, Payee]]) -> None:
        """Claim the slips chunk by chunk, each chunk one unit of work (one DynamoDB transaction), several
        at once where the store takes concurrent writers (export_workers). After a failure no new chunk
        starts; the first failure is raised once the running ones end, so the undo sees every claim."""
        failed = threading.Event()

        def claim(start: int) -> None:
            if failed.is_set():
                return
            lines = batch.lines[start : start + CLAIM_CHUNK]
            try:
                with self.uow() as uow:
                    for line, (slip, payee) in zip(lines, claims[start : start + CLAIM_CHUNK], strict=True):
                        slip.export_to(batch.id, line.line_id, payee)
                        uow.slips.update(slip)
            except Conflict:
                if not self._claimed(batch.id, lines):
                    failed.set()
                    raise
            except BaseException:
                failed.set()
                raise

        with ThreadPoolExecutor(max_workers=self.export_workers) as pool:
            futures = [pool.submit(claim, start) for start in range(0, len(claims), CLAIM_CHUNK)]
        for future in futures:
            future.result()

    def _claimed(self, batch_id: str, lines: list[BatchLine]) -> bool:
        """Whether a chunk whose commit was refused is in fact claimed by this batch: a transaction retried
        after a lost reply finds its own writes (real DynamoDB answers such a retry by its request token)."""
        with self.uow() as uow:
            slips = uow.slips.get_many([line.slip_id for line in lines])
        return all(
            (slip := slips.get(line.slip_id))
            and slip.status == SlipStatus.AT_BANK
            and slip.batch_id == batch_id
            and slip.line_id == line.line_id
            for line in lines
        )

    def _plan(self, slip_ids: list[str] | None) -> tuple[list[tuple[Slip, Payee]], list[HeldBack]]:
        """Which slips go into the batch with which account, and which wait for an account (never silently)."""
        with self.uow() as uow:
            if slip_ids:
                found = uow.slips.get_many(slip_ids)
                slips = [found[sid] for sid in dict.fromkeys(slip_ids) if sid in found]
                if len(slips) != len(set(slip_ids)) or any(s.status != SlipStatus.APPROVED for s in slips):
                    raise Conflict("SLIP_STATE", "只能导出“待拨付”的拨付单，请刷新后重试")
            else:
                slips = sorted(self._approved(uow), key=lambda s: not s.urgent)  # 绿色通道 first
            households = uow.households.get_many([s.household_id for s in slips])
        claims, held_back = [], []
        for slip in slips:
            household = households[slip.household_id]
            reason, payee = unusable_reason(household), payee_of(household)
            if reason is None and payee is not None:
                claims.append((slip, payee))
            else:  # without a card payee is None and the reason says so
                held_back.append(HeldBack(slip.id, reason or "", mask_name(household.head.name), slip.amount_fen))
        return claims, held_back

    def recover_exports(self, actor: Actor, older_than: timedelta = STALE_EXPORT) -> list[str]:
        """Undo exports a crash left PREPARING (older than any export can take to run); idempotent, so a
        crash during the undo is simply undone again next time. Returns the batch ids undone."""
        require(actor, Action.FUNDS_PAY)
        cutoff = self.clock.now() - older_than
        with self.uow() as uow:
            stale = [b.id for b in uow.batches.list_unfinished() if b.created_at <= cutoff]
        for batch_id in stale:
            self._undo_export(actor, batch_id)
        return stale

    def _undo_export(self, actor: Actor, batch_id: str) -> None:
        """Release every slip the batch claimed (chunk by chunk), then void the batch."""
        with self.uow() as uow:
            batch = uow.batches.get(batch_id)
        if batch is None or batch.state != BatchState.PREPARING:
            return
        ids = [line.slip_id for line in batch.lines]
        for start in range(0, len(ids), CLAIM_CHUNK):
            self._release(batch_id, ids[start : start + CLAIM_CHUNK])
        with self.uow() as uow:
            batch = _batch(uow, batch_id)
            if batch.state == BatchState.PREPARING:
                batch.state = BatchState.VOID
                uow.batches.update(batch)
                self._audit_batch(uow, actor, batch, "void", BatchState.PREPARING, "导出未完成，已全部撤回")

    def _release(self, batch_id: str, slip_ids: list[str], tries: int = 3) -> None:
        """Release one chunk, read afresh on each try: a slip changed meanwhile (or a retried write that
        had landed) is simply read again; whatever stays held is left for the next recovery."""
        for attempt in range(tries):
            try:
                with self.uow() as uow:
                    for slip in uow.slips.get_many(slip_ids).values():
                        if slip.release(batch_id):
                            uow.slips.update(slip)
                return
            except Conflict:
                if attempt == tries - 1:
                    raise

    def _audit_batch(
        self, uow, actor: Actor, batch: Batch, action: str, before: BatchState | None, reason: str
    ) -> None:
        uow.audit.append(
            AuditEvent(
                actor=actor.label,
                object_type="batch",
                object_id=batch.id,
                action=action,
                at=self.clock.now(),
                from_state=before.value if before else None,
                to_state=batch.state.value,
                phrase=BATCH_PHRASES[action],
                reason=reason,
            )
        )

    def payment_file(self, actor: Actor, batch_id: str) -> str:
        """The payment file of an existing batch again (e.g. the download was lost). It holds full card
        numbers, so each download is audited."""
        require(actor, Action.FUNDS_PAY)
        with self.uow() as uow:
            batch = self._exported(uow, batch_id)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="batch",
                    object_id=batch.id,
                    action="download_payment_file",
                    at=self.clock.now(),
                    phrase="下载银行代发文件",
                )
            )
            return self._payment_csv(uow, batch)

    @staticmethod
    def _exported(uow, batch_id: str) -> Batch:
        batch = _batch(uow, batch_id)
        if batch.state != BatchState.EXPORTED:
            raise Conflict("BATCH_NOT_EXPORTED", f"批次 {batch_id} {batch.state.value}，没有代发文件")
        return batch

    @staticmethod
    def _payment_csv(uow, batch: Batch) -> str:
        """The lines as exported: each with the account it was sent to then, even if since corrected."""
        slips = uow.slips.get_many([line.slip_id for line in batch.lines])
        rows = []
        for line in batch.lines:
            slip = slips[line.slip_id]
            payee = slip.attempt(batch.id).payee
            memo = slip.item_name + (f" {slip.period}" if slip.period else "")
            rows.append(
                (
                    batch.id,
                    line.line_id,
                    payee.holder_name,
                    payee.account_number,
                    payee.bank_name,
                    payee.cnaps,
                    line.amount_fen,
                    yuan(line.amount_fen),
                    memo,
                )
            )
        return _csv(PAYMENT_COLUMNS, rows)

    def _approved(self, uow):
        """Approved slips that are due (a monthly slip waits for its month), oldest first."""
        cursor, taken, today = None, 0, self.clock.today()
        while taken < MAX_BATCH_LINES:
            page = uow.slips.list_by_status(SlipStatus.APPROVED.value, limit=500, cursor=cursor)
            for slip in page.items[: MAX_BATCH_LINES - taken]:
                if slip.due_on > today:
                    return
                taken += 1
                yield slip
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def import_results(self, actor: Actor, content: bytes) -> ImportResult:
        """Apply the bank's result file. Every line is checked before anything is written: an unknown
        or contradictory line, or a wrong amount, rejects the whole file. The lines are then applied in
        chunks, each chunk one unit of work holding the slips, their aid records and notices and the
        batch's line results together; after a crash, importing the same file again finishes the rest
        (lines already applied are counted as unchanged). A file applied to the end changes nothing."""
        require(actor, Action.FUNDS_PAY)
        rows = _parse_results(content)
        digest = hashlib.sha256(content).hexdigest()
        with self.uow() as uow:
            batch = self._exported(uow, rows[0]["batch_id"])
        result = ImportResult(batch.id)
        if digest in batch.imported_files:
            result.already_imported = True
            return result
        for number, row in enumerate(rows, start=2):
            _line_to_apply(batch, row, number)
        for start in range(0, len(rows), IMPORT_CHUNK):
            with self.uow() as uow:
                batch = _batch(uow, batch.id)
                for number, row in enumerate(rows[start : start + IMPORT_CHUNK], start=start + 2):
                    self._apply_line(uow, batch, row, number, result)
                uow.batches.update(batch)
        with self.uow() as uow:
            batch = _batch(uow, batch.id)
            batch.imported_files.append(digest)
            uow.batches.update(batch)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="batch",
                    object_id=batch.id,
                    action="import_results",
                    at=self.clock.now(),
                    phrase="导入银行回盘文件",
                    reason=f"成功 {result.paid} 笔，失败 {result.failed} 笔，已处理过 {result.unchanged} 笔",
                )
            )
        return result

    def _apply_line(self, uow, batch: Batch, row: dict, number: int, result: ImportResult) -> None:
        line = _line_to_apply(batch, row, number)
        if line is None:
            result.unchanged += 1
            return
        slip = _slip(uow, line.slip_id)
        paid = row["result"] == "paid"
        paid_on = (row["paid_on"] or self.clock.today()) if paid else None
        before, after = slip.settle(batch.id, row["result"], row["reason"] or None, paid_on)
        line.result, line.reason, line.paid_on = row["result"], row["reason"] or None, paid_on
        if paid:
            result.paid += 1
        else:
            result.failed += 1
        uow.slips.update(slip)
        messagebus.handle(uow, slip.pop_events())  # the 幸福清单 line and the notices (or the refused account)
        uow.audit.append(
            AuditEvent(
                actor="system:bank",
                object_type="slip",
                object_id=slip.id,
                action=row["result"],
                at=self.clock.now(),
                from_state=before.value,
                to_state=after.value,
                phrase="银行回盘",
                reason=row["reason"] or None,
            )
        )

    def report(self, actor: Actor, batch_id: str) -> dict:
        require(actor, Action.FUNDS_READ)
        with self.uow() as uow:
            batch = _batch(uow, batch_id)
            lines = []
            for line in batch.lines:
                slip = _slip(uow, line.slip_id)
                household = _household(uow, slip.household_id)
                lines.append(
                    {
                        "line_id": line.line_id,
                        "name_masked": mask_name(household.head.name),
                        "account_masked": _masked_account(slip, batch.id),
                        "item_name": slip.item_name,
                        "period": slip.period,
                        "amount_fen": line.amount_fen,
                        "result": line.result,
                        "reason": line.reason,
                        "paid_on": line.paid_on,
                    }
                )
        return {**batch.reconciliation(), "state": batch.state.value, "created_at": batch.created_at, "lines": lines}

    def slip_history(self, actor: Actor, slip_id: str) -> dict:
        """One slip's road to the money: every batch it went out in, to which account (masked), with what
        result, and its audit trail."""
        require(actor, Action.SLIP_HISTORY)
        with self.uow() as uow:
            slip = _slip(uow, slip_id)
            require_area(actor, slip.region_code)
            events = uow.audit.for_object("slip", slip.id)
        return {
            "slip_id": slip.id,
            "status": slip.status.value,
            "item_name": slip.item_name,
            "period": slip.period,
            "amount_fen": slip.amount_fen,
            "urgent": slip.urgent,
            "attempts": [
                {
                    "batch_id": a.batch_id,
                    "line_id": a.line_id,
                    "bank": a.payee.bank_name,
                    "account_masked": a.payee.masked,
                    "result": a.result,
                    "reason": a.reason,
                }
                for a in slip.attempts
            ],
            "events": [
                {
                    "at": e.at.isoformat(),
                    "action": e.action,
                    "from": e.from_state,
                    "to": e.to_state,
                    "phrase": e.phrase,
                    "reason": e.reason,
                }
                for e in events
            ],
        }

    def recent_batches(self, actor: Actor, cursor: str | None = None) -> Page[Batch]:
        require(actor, Action.FUNDS_READ)
        with self.uow() as uow:
            return uow.batches.list_recent(cursor=cursor)


def _line_to_apply(batch: Batch, row: dict, number: int) -> BatchLine | None:
    """The batch line a result row settles, or None when it is settled already with the same result."""
    line = batch.line(row["line_id"])
    if row["batch_id"] != batch.id or line is None:
        raise ValidationError("UNKNOWN_LINE", f"第{number}行：批次 {batch.id} 中没有序号 {row['line_id']}")
    if row["amount_fen"] != line.amount_fen:
        raise ValidationError("AMOUNT_MISMATCH", f"第{number}行：金额 {row['amount_fen']} 分与代发文件不一致")
    if line.result and line.result != row["result"]:
        raise ValidationError(
            "RESULT_CHANGED", f"第{number}行：该笔此前已回盘为“{line.result}”，与本次不一致，请与银行核实"
        )
    return None if line.result else line


def _masked_account(slip: Slip, batch_id: str) -> str:
    attempt = slip.attempt(batch_id)
    return attempt.payee.masked if attempt else ""


def _csv(columns: tuple[str, ...], rows: list[tuple]) -> str:
    out = io.StringIO()
    write_csv(out, columns, rows)
    return out.getvalue()


def _parse_results(content: bytes) -> list[dict]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("BAD_ENCODING", "回盘文件须为 UTF-8 编码的 CSV") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("batch_id", "line_id", "amount_fen", "result") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError("BAD_RESULT_FILE", f"回盘文件缺少列：{'、'.join(missing)}")
    rows = [_result_row(raw, number) for number, raw in enumerate(reader, start=2)]
    if not rows:
        raise ValidationError("EMPTY_RESULT_FILE", "回盘文件没有数据行")
    if len({row["batch_id"] for row in rows}) != 1:
        raise ValidationError("MIXED_BATCHES", "一个回盘文件只能包含一个批次")
    said: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if said.setdefault(row["line_id"], row["result"]) != row["result"]:
            raise ValidationError(
                "RESULT_CHANGED", f"第{number}行：序号 {row['line_id']} 在文件中出现两次且结果不一致，请与银行核实"
            )
    return rows


def _result_row(raw: dict, number: int) -> dict:
    row = {key: (raw.get(key) or "").strip() for key in RESULT_COLUMNS}
    if row["result"] not in RESULT_WORDS:
        raise ValidationError("BAD_RESULT", f"第{number}行：结果须为 paid/failed（成功/失败）")
    if not row["amount_fen"].isdigit():
        raise ValidationError("BAD_AMOUNT", f"第{number}行：金额（分）须为整数")
    try:
        paid_on = date.fromisoformat(row["paid_on"]) if row["paid_on"] else None
    except ValueError as exc:
        raise ValidationError("BAD_DATE", f"第{number}行：到账日期须为 YYYY-MM-DD") from exc
    return {**row, "result": RESULT_WORDS[row["result"]], "amount_fen": int(row["amount_fen"]), "paid_on": paid_on}


def _slip(uow: UnitOfWork, slip_id: str) -> Slip:
    slip = uow.slips.get(slip_id)
    if slip is None:
        raise NotFound("SLIP_NOT_FOUND", "找不到该拨付单")
    return slip


def _batch(uow: UnitOfWork, batch_id: str) -> Batch:
    batch = uow.batches.get(batch_id)
    if batch is None:
        raise NotFound("BATCH_NOT_FOUND", f"找不到批次 {batch_id}")
    return batch


def _household(uow: UnitOfWork, household_id: str) -> Household:
    household = uow.households.get(household_id)
    if household is None:
        raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
    return household
