"""Disbursement: approval -> slips (拨付单) -> 救助中心 review -> 财政 approval -> bank batch -> result
import -> aid records and payment notices. The only code that writes source="platform" aid records."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import date

from ..domain.disbursement import Batch, BatchLine, Slip, SlipStatus, months_from
from ..domain.errors import NotFound, ValidationError
from ..domain.masking import mask_bank_card, mask_name
from ..domain.model import Actor, AidRecord, AuditEvent, Role
from ..domain.money import yuan
from ..ports import Page
from .auth import require_area, require_role
from .notices import notify
from .spreadsheets import write_csv

PLATFORM = "platform"
MAX_BATCH_LINES = 1000
PAYMENT_COLUMNS = ("batch_id", "line_id", "name_masked", "bank_card", "bank_name", "amount_fen", "amount_yuan",
                   "memo")
RESULT_COLUMNS = ("batch_id", "line_id", "amount_fen", "result", "reason", "paid_on")
RESULT_WORDS = {"paid": "paid", "成功": "paid", "failed": "failed", "失败": "failed"}
ACTIONS = {  # action -> (roles allowed, audit phrase)
    "review": ((Role.CENTRE,), "审核通过，提交财政"),
    "approve": ((Role.FINANCE,), "同意拨付"),
    "send_back": ((Role.FINANCE,), "退回救助中心"),
}


def create_slips(uow, *, application_id: str, household_id: str, item_code: str, item_name: str,
                 department: str, amount_fen: int, monthly: bool, months: int, start: date) -> list[Slip]:
    """One slip per month of monthly aid, or one for one-off aid; runs inside the approval's
    transaction. Calling it again for the same approval returns the slips already made."""
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValueError("amount_fen must be a positive integer number of fen")
    household = uow.households.get(household_id)
    if household is None:
        raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
    slips = []
    for due in months_from(start, months) if monthly else [start]:
        slip = Slip(application_id=application_id, household_id=household_id,
                    region_code=household.village_code, item_code=item_code, item_name=item_name,
                    department=department, amount_fen=amount_fen,
                    period=due.strftime("%Y-%m") if monthly else None, due_on=due)
        if not uow.slips.add(slip):
            slip = uow.slips.get(slip.id)
        slips.append(slip)
    return slips


def platform_aid_record(slip: Slip) -> AidRecord:
    """The one door to a platform aid record: a slip the bank has paid. Money outside a slip has
    none ("平台之外运行的救助资金,财政部门不予拨付"); other departments' aid comes in by import."""
    if slip.status != SlipStatus.PAID or slip.paid_on is None:
        raise ValueError("only a paid slip becomes a platform aid record")
    measure = f"发放{slip.item_name}" + (f"（{slip.period}）" if slip.period else "")
    return AidRecord(household_id=slip.household_id, item_code=slip.item_code, item_name=slip.item_name,
                     department=slip.department, measure=measure, amount_fen=slip.amount_fen, paid_on=slip.paid_on,
                     source=PLATFORM, source_ref=slip.id, period=slip.period)


@dataclass
class SlipView:
    slip: Slip
    name_masked: str
    village_code: str


@dataclass
class ImportResult:
    batch_id: str
    paid: int = 0
    failed: int = 0
    unchanged: int = 0
    already_imported: bool = False


class DisbursementService:
    def __init__(self, services):
        self.s = services

    # --- centre and finance ---

    def list_slips(self, actor: Actor, status: SlipStatus, cursor: str | None = None) -> Page[SlipView]:
        require_role(actor, Role.CENTRE, Role.FINANCE, Role.DISCIPLINE)
        with self.s.uow() as uow:
            page = uow.slips.list_by_status(status.value, limit=50, cursor=cursor)
            views = []
            for slip in page.items:
                household = uow.households.get(slip.household_id)
                views.append(SlipView(slip, mask_name(household.head.name), household.village_code))
        return Page(views, page.next_cursor)

    def act(self, actor: Actor, action: str, slip_ids: list[str], reason: str | None = None) -> list[Slip]:
        """Review / approve / send back several slips in one transaction (all or none)."""
        roles, phrase = ACTIONS[action]
        require_role(actor, *roles)
        reason = (reason or "").strip() or None
        if action == "send_back" and not reason:
            raise ValidationError("REASON_REQUIRED", "退回时请写明原因")
        if not slip_ids:
            raise ValidationError("NOTHING_SELECTED", "请先勾选拨付单")
        with self.s.uow() as uow:
            slips = [self._transition(uow, actor, slip_id, action, phrase, reason) for slip_id in slip_ids]
        return slips

    def _transition(self, uow, actor: Actor, slip_id: str, action: str, phrase: str, reason: str | None) -> Slip:
        slip = uow.slips.get(slip_id)
        if slip is None:
            raise NotFound("SLIP_NOT_FOUND", "找不到该拨付单")
        require_area(actor, slip.region_code)
        before, after = slip.move(action)
        if action == "send_back":
            slip.note = f"财政退回：{reason}"
        uow.slips.update(slip)
        uow.audit.append(AuditEvent(actor=actor.label, object_type="slip", object_id=slip.id, action=action,
                                    at=self.s.clock.now(), from_state=before.value, to_state=after.value,
                                    phrase=phrase, reason=reason))
        return slip

    # --- bank batches ---

    def export_batch(self, actor: Actor) -> tuple[Batch, str, list[str]]:
        """Put every due approved slip (up to MAX_BATCH_LINES) into a new batch; returns the batch, the
        payment file (CSV text) and the slips left out because the household has no bank card."""
        require_role(actor, Role.FINANCE)
        now = self.s.clock.now()
        batch = Batch(id=f"PF{now:%Y%m%d}{secrets.token_hex(3).upper()}", created_at=now, created_by=actor.label)
        skipped = []
        with self.s.uow() as uow:
            for slip in self._approved(uow):
                if not uow.households.get(slip.household_id).bank_card:
                    skipped.append(slip.id)
                    continue
                line = BatchLine(line_id=f"{len(batch.lines) + 1:05d}", slip_id=slip.id, amount_fen=slip.amount_fen)
                batch.lines.append(line)
                slip.move("export")
                slip.batch_id, slip.line_id, slip.note = batch.id, line.line_id, None
                uow.slips.update(slip)
            if not batch.lines:
                raise ValidationError("NOTHING_TO_PAY", "没有已到期的待拨付拨付单")
            uow.batches.add(batch)
            uow.audit.append(AuditEvent(actor=actor.label, object_type="batch", object_id=batch.id, action="export",
                                        at=now, to_state="银行处理中", phrase="生成银行代发文件",
                                        reason=f"{len(batch.lines)} 笔，合计 {yuan(batch.total_fen)} 元"))
            return batch, self._payment_csv(uow, batch), skipped

    def payment_file(self, actor: Actor, batch_id: str) -> str:
        """The payment file of an existing batch again (e.g. the download was lost). It holds full card
        numbers, so each download is audited."""
        require_role(actor, Role.FINANCE)
        with self.s.uow() as uow:
            batch = uow.batches.get(batch_id)
            if batch is None:
                raise NotFound("BATCH_NOT_FOUND", f"找不到批次 {batch_id}")
            uow.audit.append(AuditEvent(actor=actor.label, object_type="batch", object_id=batch.id,
                                        action="download_payment_file", at=self.s.clock.now(),
                                        phrase="重新下载银行代发文件"))
            return self._payment_csv(uow, batch)

    @staticmethod
    def _payment_csv(uow, batch: Batch) -> str:
        rows = []
        for line in batch.lines:
            slip = uow.slips.get(line.slip_id)
            household = uow.households.get(slip.household_id)
            memo = slip.item_name + (f" {slip.period}" if slip.period else "")
            rows.append((batch.id, line.line_id, mask_name(household.head.name), household.bank_card,
                         household.bank_name or "", line.amount_fen, yuan(line.amount_fen), memo))
        return _csv(PAYMENT_COLUMNS, rows)

    def _approved(self, uow):
        """Approved slips that are due (a monthly slip waits for its month), oldest first."""
        cursor, taken, today = None, 0, self.s.clock.today()
        while taken < MAX_BATCH_LINES:
            page = uow.slips.list_by_status(SlipStatus.APPROVED.value, limit=200, cursor=cursor)
            for slip in page.items[: MAX_BATCH_LINES - taken]:
                if slip.due_on > today:
                    return
                taken += 1
                yield slip
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def import_results(self, actor: Actor, content: bytes) -> ImportResult:
        """Apply the bank's result file in one transaction. A file already applied, or lines whose
        result is already known, change nothing; a contradictory or unknown line rejects the file."""
        require_role(actor, Role.FINANCE)
        rows = _parse_results(content)
        digest = hashlib.sha256(content).hexdigest()
        with self.s.uow() as uow:
            batch = uow.batches.get(rows[0]["batch_id"])
            if batch is None:
                raise NotFound("BATCH_NOT_FOUND", f"找不到批次 {rows[0]['batch_id']}")
            result = ImportResult(batch.id)
            if digest in batch.imported_files:
                result.already_imported = True
                return result
            for number, row in enumerate(rows, start=2):
                self._apply_line(uow, batch, row, number, result)
            batch.imported_files.append(digest)
            uow.batches.update(batch)
            uow.audit.append(AuditEvent(actor=actor.label, object_type="batch", object_id=batch.id,
                                        action="import_results", at=self.s.clock.now(), phrase="导入银行回盘文件",
                                        reason=f"成功 {result.paid} 笔，失败 {result.failed} 笔，"
                                               f"已处理过 {result.unchanged} 笔"))
        return result

    def _apply_line(self, uow, batch: Batch, row: dict, number: int, result: ImportResult) -> None:
        line = batch.line(row["line_id"])
        if row["batch_id"] != batch.id or line is None:
            raise ValidationError("UNKNOWN_LINE", f"第{number}行：批次 {batch.id} 中没有序号 {row['line_id']}")
        if row["amount_fen"] != line.amount_fen:
            raise ValidationError("AMOUNT_MISMATCH", f"第{number}行：金额 {row['amount_fen']} 分与代发文件不一致")
        if line.result:
            if line.result != row["result"]:
                raise ValidationError("RESULT_CHANGED", f"第{number}行：该笔此前已回盘为“{line.result}”，"
                                      "与本次不一致，请与银行核实")
            result.unchanged += 1
            return
        slip = uow.slips.get(line.slip_id)
        before, after = slip.move(row["result"])
        line.result, line.reason = row["result"], row["reason"] or None
        if row["result"] == "paid":
            line.paid_on = slip.paid_on = row["paid_on"] or self.s.clock.today()
            self._paid(uow, slip)
            result.paid += 1
        else:
            slip.note = f"银行退回：{row['reason'] or '未注明原因'}"
            self._failed(uow, slip, batch)
            result.failed += 1
        uow.slips.update(slip)
        uow.audit.append(AuditEvent(actor="system:bank", object_type="slip", object_id=slip.id, action=row["result"],
                                    at=self.s.clock.now(), from_state=before.value, to_state=after.value,
                                    phrase="银行回盘", reason=row["reason"] or None))

    def _paid(self, uow, slip: Slip) -> None:
        if not uow.aid_records.add(platform_aid_record(slip)):
            raise ValidationError("ALREADY_PAID", f"拨付单 {slip.id} 已有拨付记录，不能重复拨付")
        household = uow.households.get(slip.household_id)
        notify(uow, "paid", household_id=slip.household_id, dedupe_key=f"paid:{slip.id}",
               data={"item_name": slip.item_name, "amount_fen": slip.amount_fen, "paid_on": slip.paid_on.isoformat(),
                     "bank_card_masked": mask_bank_card(household.bank_card), "period": slip.period})

    def _failed(self, uow, slip: Slip, batch: Batch) -> None:
        household = uow.households.get(slip.household_id)
        notify(uow, "payment_failed", role=Role.CENTRE.value, area_code=slip.region_code[:6],
               dedupe_key=f"payment_failed:{batch.id}:{slip.id}",
               data={"item_name": slip.item_name, "name_masked": mask_name(household.head.name),
                     "amount_fen": slip.amount_fen, "reason": slip.note, "batch_id": batch.id})

    def report(self, actor: Actor, batch_id: str) -> dict:
        require_role(actor, Role.CENTRE, Role.FINANCE, Role.DISCIPLINE)
        with self.s.uow() as uow:
            batch = uow.batches.get(batch_id)
            if batch is None:
                raise NotFound("BATCH_NOT_FOUND", f"找不到批次 {batch_id}")
            lines = []
            for line in batch.lines:
                slip = uow.slips.get(line.slip_id)
                household = uow.households.get(slip.household_id)
                lines.append({"line_id": line.line_id, "name_masked": mask_name(household.head.name),
                              "item_name": slip.item_name, "period": slip.period, "amount_fen": line.amount_fen,
                              "result": line.result, "reason": line.reason, "paid_on": line.paid_on})
        return {**batch.reconciliation(), "created_at": batch.created_at, "lines": lines}

    def recent_batches(self, actor: Actor, cursor: str | None = None) -> Page[Batch]:
        require_role(actor, Role.CENTRE, Role.FINANCE, Role.DISCIPLINE)
        with self.s.uow() as uow:
            return uow.batches.list_recent(cursor=cursor)


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
