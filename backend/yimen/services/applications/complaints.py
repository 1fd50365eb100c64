"""在线举报 handling by 纪委监督: 受理 (assign a handler, the reply falls due), 办理 (notes kept in the file),
答复 (the reply reaches the person as a notice and on their page), and a summary per month. The console
never shows who complained when they chose to stay anonymous; the reply goes back through the platform."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from yimen.domain import workdays
from yimen.domain.errors import Conflict, NotFound, ValidationError
from yimen.domain.model import Actor, AuditEvent, Role
from yimen.domain.permissions import Action, require
from yimen.domain.workflow import Complaint, ComplaintStatus
from yimen.ports import Clock, Page, UnitOfWork
from yimen.services import messagebus


class ComplaintService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, reply_days: int):
        self.uow = uow
        self.clock = clock
        self.reply_days = reply_days  # working days from 受理 to 答复

    def file(
        self, actor: Actor, content: str, *, application_id: str | None, contact: str | None, anonymous: bool
    ) -> Complaint:
        content = (content or "").strip()
        if not 5 <= len(content) <= 2000:
            raise ValidationError("BAD_CONTENT", "举报内容请写 5-2000 字")
        now = self.clock.now()
        complaint = Complaint(
            content, now, actor.id, anonymous, application_id or None, (contact or "").strip() or None
        )
        with self.uow() as uow:
            uow.complaints.add(complaint)
            uow.audit.append(
                AuditEvent(
                    actor="citizen:anonymous" if anonymous else actor.label,
                    object_type="complaint",
                    object_id=complaint.id,
                    action="complaint_filed",
                    at=now,
                )
            )
        return complaint

    def recent(self, actor: Actor, cursor: str | None = None) -> Page[Complaint]:
        require(actor, Action.COMPLAINTS)
        with self.uow() as uow:
            uow.audit.append(
                AuditEvent(
                    actor=actor.label, object_type="complaint", object_id="*", action="list", at=self.clock.now()
                )
            )
            return uow.complaints.list_recent(limit=50, cursor=cursor)

    def handlers(self, actor: Actor) -> list[tuple[str, str]]:
        """(username, name) of the discipline office's staff, who can be assigned a complaint."""
        require(actor, Action.COMPLAINTS)
        with self.uow() as uow:
            return [(u.username, u.display_name) for u in uow.staff.list_all() if u.role == Role.DISCIPLINE]

    def get(self, actor: Actor, complaint_id: str) -> Complaint:
        require(actor, Action.COMPLAINTS)
        with self.uow() as uow:
            return self._get(uow, complaint_id)

    def accept(self, actor: Actor, complaint_id: str, version: int, handler: str) -> Complaint:
        if handler not in {u for u, _ in self.handlers(actor)}:
            raise ValidationError("HANDLER_REQUIRED", "承办人应为纪委监督岗位的工作人员")
        now = self.clock.now()
        due = workdays.add_working_days(now.date(), self.reply_days).due
        return self._change(
            actor,
            complaint_id,
            version,
            "complaint_accepted",
            lambda c: c.accept(handler, due, now, actor.label),
            f"承办人 {handler}，{due} 前答复",
        )

    def note(self, actor: Actor, complaint_id: str, version: int, text: str) -> Complaint:
        now = self.clock.now()
        return self._change(
            actor, complaint_id, version, "complaint_note", lambda c: c.note(text, now, actor.label), text.strip()
        )

    def answer(self, actor: Actor, complaint_id: str, version: int, reply: str) -> Complaint:
        """The reply reaches the person who complained (services/messagebus.py) in the same unit of work."""
        now = self.clock.now()
        return self._change(
            actor, complaint_id, version, "complaint_answered", lambda c: c.answer(reply, now, actor.label), "已答复"
        )

    def mine(self, actor: Actor) -> list[Complaint]:
        with self.uow() as uow:
            return uow.complaints.list_for_reporter(actor.id)

    def monthly_summary(self, actor: Actor, months: int = 12) -> list[dict]:
        """Per month filed: how many, answered, still open, overdue, and the average working days to answer."""
        require(actor, Action.COMPLAINTS)
        today, rows = self.clock.today(), defaultdict(list)
        with self.uow() as uow:
            page, cursor = None, None
            while page is None or cursor:
                page = uow.complaints.list_recent(limit=200, cursor=cursor)
                for c in page.items:
                    rows[c.created_at.strftime("%Y-%m")].append(c)
                cursor = page.next_cursor
                if len(rows) > months:
                    break
        out = []
        for month in sorted(rows, reverse=True)[:months]:
            items = rows[month]
            answered = [c for c in items if c.status == ComplaintStatus.ANSWERED]
            days = [
                workdays.working_days_left(c.created_at.date(), c.answered_at.date()) for c in answered if c.answered_at
            ]
            out.append(
                {
                    "month": month,
                    "filed": len(items),
                    "answered": len(answered),
                    "open": len(items) - len(answered),
                    "overdue": sum(
                        1 for c in items if c.status == ComplaintStatus.HANDLING and c.due_on and c.due_on < today
                    ),
                    "avg_working_days_to_answer": round(sum(days) / len(days), 1) if days else None,
                }
            )
        return out

    def _change(self, actor: Actor, complaint_id: str, version: int, action: str, change, reason: str) -> Complaint:
        require(actor, Action.COMPLAINTS)
        with self.uow() as uow:
            complaint = self._get(uow, complaint_id)
            if complaint.version != version:
                raise Conflict("STALE_VERSION", "该举报刚刚已被他人处理，请刷新后查看")
            before = complaint.status.value
            change(complaint)
            uow.complaints.update(complaint)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="complaint",
                    object_id=complaint.id,
                    action=action,
                    at=self.clock.now(),
                    from_state=before,
                    to_state=complaint.status.value,
                    reason=reason[:200],
                )
            )
            messagebus.handle(uow, complaint.pop_events())
            return complaint

    @staticmethod
    def _get(uow: UnitOfWork, complaint_id: str) -> Complaint:
        complaint = uow.complaints.get(complaint_id)
        if complaint is None:
            raise NotFound("COMPLAINT_NOT_FOUND", "没有这条举报")
        return complaint
