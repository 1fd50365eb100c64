"""申请与流程: an application (申请) moves 受理 → 核对 → 督办 → 审批 (per item) → 备案, each stage acted on by
one staff role with the seeds' standard phrases (规范用语) and a reason, inside a time limit of working days.

Pure: no framework, no storage. Services load an Application, call one transition, and store it back
with its version, so two clerks acting at once cannot both win.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any, Final

from yimen.domain import workdays
from yimen.domain.departments import department_in, department_name
from yimen.domain.errors import Conflict, Forbidden, ValidationError
from yimen.domain.events import (
    AidGranted,
    AidRefused,
    ApplicationAccepted,
    ApplicationRejected,
    ApplicationSubmitted,
    ComplaintAnswered,
    DeadlineWarned,
    Event,
    Recorder,
    ReturnedForCorrection,
)
from yimen.domain.model import Role, new_id
from yimen.domain.permissions import Action, role_may
from yimen.domain.workdays import add_working_days


class Stage(StrEnum):
    ACCEPTANCE = "受理"
    CHECKING = "核对"
    SUPERVISION = "督办"
    APPROVAL = "审批"
    FILING = "备案"
    CORRECTION = "补正"  # returned to the applicant for missing or wrong materials
    DONE = "已办结"
    REJECTED = "不予受理"
    WITHDRAWN = "已撤回"


TERMINAL = frozenset({Stage.DONE, Stage.REJECTED, Stage.WITHDRAWN})
STAFF_STAGES = (Stage.ACCEPTANCE, Stage.CHECKING, Stage.SUPERVISION, Stage.APPROVAL, Stage.FILING)
OPEN_STAGES = (*STAFF_STAGES, Stage.CORRECTION)
STAGE_ROLE = {
    Stage.ACCEPTANCE: Role.WINDOW,
    Stage.CHECKING: Role.CHECKING,
    Stage.SUPERVISION: Role.SUPERVISION,
    Stage.APPROVAL: Role.APPROVER,
    Stage.FILING: Role.CENTRE,
}
ROLE_STAGE = {role: stage for stage, role in STAGE_ROLE.items()}  # the queue each role opens on
# Time limits in working days. 核对 3 days is the seed's (达川); the others follow the catalogue's
# process texts (受理 当场或1个工作日) and leave the approver a week.
STAGE_LIMIT_DAYS = {
    Stage.ACCEPTANCE: 1,
    Stage.CHECKING: 3,
    Stage.SUPERVISION: 2,
    Stage.APPROVAL: 5,
    Stage.FILING: 2,
}
GREEN_PAPERWORK_DAYS = 10  # 绿色通道: aid first, paperwork completed within this many working days
CORRECTION_DAYS = 10  # 退回补正: the applicant is asked to correct within this many working days

ACCEPT, NOT_ACCEPT = "同意受理", "不同意受理"
GRANT, NOT_GRANT = "同意救助", "不同意救助"
CHECKED, FORWARD, FILED, RETURN = "核对完成", "同意转审批", "备案", "退回补正"
# stage -> phrase -> next stage. Phrases are the seeds' 规范用语; a negative one needs a reason.
STAGE_PHRASES: dict[Stage, dict[str, Stage]] = {
    Stage.ACCEPTANCE: {ACCEPT: Stage.CHECKING, NOT_ACCEPT: Stage.REJECTED, RETURN: Stage.CORRECTION},
    Stage.CHECKING: {CHECKED: Stage.SUPERVISION},
    Stage.SUPERVISION: {FORWARD: Stage.APPROVAL, RETURN: Stage.CORRECTION},
    Stage.FILING: {FILED: Stage.DONE},
}
ITEM_PHRASES = (GRANT, NOT_GRANT)


class _AnyDepartment(Enum):
    """A typed sentinel: decide_item by an administrator, who may decide any department's item."""

    ANY = "any"


ANY_DEPARTMENT: Final = _AnyDepartment.ANY
NEEDS_REASON = frozenset({NOT_ACCEPT, NOT_GRANT, RETURN})
CHECK_REPORT, GREEN = "生成核对报告", "绿色通道"  # 核对 is 生成核对报告 then 核对完成
PROPOSE_STAGES = (Stage.ACCEPTANCE, Stage.CHECKING, Stage.SUPERVISION)
WITHDRAWABLE = frozenset({Stage.ACCEPTANCE, Stage.CORRECTION, Stage.CHECKING, Stage.SUPERVISION, Stage.APPROVAL})


@dataclass
class RequestedItem:
    """One aid item asked for (or proposed by a clerk), decided on its own at 审批."""

    code: str
    name: str
    department: str
    approver: str | None = None  # the deciding department's code (catalogue `approver`)
    proposed_by: str | None = None  # a clerk's proposal (多元化救助), not the applicant's request
    decision: str | None = None  # 同意救助 / 不同意救助
    reason: str | None = None
    amount_fen: int | None = None
    monthly: bool = False
    months: int = 1
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def deciding_department(self) -> str | None:
        """Items filed before the catalogue named approvers fall back to the department text."""
        return self.approver or department_in(self.department)


@dataclass
class Step:
    """One entry of the timeline the applicant sees: what happened, by whom, with which phrase."""

    stage: Stage
    action: str  # submitted / decided / item_decided / corrected / withdrawn / green_channel / proposed
    at: datetime
    actor: str  # label: staff:window1 / citizen:<openid> / system:system
    actor_name: str = ""
    phrase: str | None = None
    reason: str | None = None
    item_code: str | None = None
    signature: dict[str, Any] | None = None  # the clerk's e-signature on a decision


@dataclass
class Assistant:
    """协理员 mode: who applied for whom, with the resident's signed authorisation (授权书)."""

    openid: str
    name: str
    authorisation_key: str  # blob key of the signed 授权书 (photo or on-screen signature)
    signed_on: date
    revoked_at: datetime | None = None
    resident: dict[str, Any] = field(default_factory=dict)  # {"name", "id_number"} masked: the assistant's own list


@dataclass
class GreenChannel:
    """绿色通道: emergency aid granted at once; the paperwork stays pending until 备案."""

    granted_at: datetime
    granted_by: str
    item_code: str
    amount_fen: int
    reason: str
    paperwork_due: date
    paperwork_due_approximate: bool = False
    completed_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.completed_at is None


@dataclass
class Application(Recorder):
    household_id: str
    village_code: str
    applicant_openid: str  # the citizen who submitted: the resident, or the assistant for them
    items: list[RequestedItem]
    submitted_at: datetime
    stage: Stage = Stage.ACCEPTANCE
    stage_due: date | None = None
    stage_due_approximate: bool = False  # the limit crosses a year chinese-calendar doesn't know yet
    history: list[Step] = field(default_factory=list)
    materials: dict[str, str] = field(default_factory=dict)  # kind -> blob key
    assistant: Assistant | None = None
    green: GreenChannel | None = None
    emergency: str | None = None  # what the applicant reported (火灾, 突发重病...), for the clerk
    correction_return: Stage | None = None  # where a corrected application goes back to
    check_report: dict[str, Any] | None = None
    id_check: dict[str, Any] | None = None  # the OCR check of the ID photo against the household file, kept
    # Set when the submitter has not proved who they are for a household already on file (staff only):
    # the window checks the ID card or the signed authorisation before the case moves on.
    identity_check: str | None = None
    id: str = field(default_factory=new_id)
    version: int = 0

    # ------------------------------------------------------------ derived

    @property
    def open(self) -> bool:
        return self.stage not in TERMINAL

    @property
    def due_on(self) -> date | None:
        """The earliest pending limit: the stage's, or the green channel's paperwork."""
        dues = [self.stage_due] if self.stage_due else []
        if self.green and self.green.pending and self.open:
            dues.append(self.green.paperwork_due)
        return min(dues) if dues else None

    @property
    def due_approximate(self) -> bool:
        green = bool(self.green and self.green.pending and self.green.paperwork_due_approximate)
        return self.stage_due_approximate or green

    @property
    def responsible_role(self) -> Role | None:
        return STAGE_ROLE.get(self.stage)

    def item(self, code: str) -> RequestedItem:
        for item in self.items:
            if item.code == code:
                return item
        raise ValidationError("UNKNOWN_ITEM", "该申请中没有这个救助事项")

    # ------------------------------------------------------------ transitions

    def start(self, at: datetime, actor: str, actor_name: str = "") -> None:
        self._enter(Stage.ACCEPTANCE, at)
        self.history.append(Step(Stage.ACCEPTANCE, "submitted", at, actor, actor_name))
        items = tuple((i.code, i.name) for i in self.items)
        self.record(ApplicationSubmitted(*self._who(), items, at.date(), "id_photo" in self.materials))

    def decide(
        self,
        phrase: str,
        *,
        at: datetime,
        actor: str,
        actor_name: str,
        reason: str | None = "",
        signature: dict[str, Any] | None = None,
    ) -> Stage:
        """A stage decision with a standard phrase; returns the new stage."""
        targets = STAGE_PHRASES.get(self.stage)
        if targets is None or phrase not in targets:
            raise Conflict("WRONG_PHRASE", f"“{phrase}”不适用于当前环节（{self.stage.value}）")
        reason = _reason(phrase, reason)
        if self.stage == Stage.CHECKING and self.check_report is None:
            raise Conflict("NO_CHECK_REPORT", "请先生成家庭经济状况核对报告")
        step = Step(self.stage, "decided", at, actor, actor_name, phrase, reason, signature=signature)
        if targets[phrase] == Stage.CORRECTION:
            self.correction_return = self.stage
        if self.stage == Stage.FILING and self.green:
            self.green.completed_at = at
        self.history.append(step)
        self._enter(targets[phrase], at)
        self._record_decision(phrase, reason, at.date())
        return self.stage

    def _record_decision(self, phrase: str, reason: str | None, today: date) -> None:
        step = len(self.history)
        if phrase == ACCEPT:
            self.record(ApplicationAccepted(*self._who(), today, step))
        elif phrase == NOT_ACCEPT:
            self.record(ApplicationRejected(*self._who(), reason or "", step))
        elif phrase == RETURN:
            due = add_working_days(today, CORRECTION_DAYS).due
            self.record(ReturnedForCorrection(*self._who(), reason or "", due, step))

    def _who(self) -> tuple[str, str, str, str]:
        """The ApplicationEvent fields: the case, its household, who applied, what for."""
        return self.id, self.household_id, self.applicant_openid, "、".join(i.name for i in self.items)

    def decide_item(
        self,
        code: str,
        phrase: str,
        *,
        at: datetime,
        actor: str,
        actor_name: str,
        reason: str | None = "",
        amount_fen: int | None = None,
        monthly: bool = False,
        months: int = 1,
        signature: dict[str, Any] | None = None,
        department: str | None | _AnyDepartment = ANY_DEPARTMENT,
    ) -> RequestedItem:
        """审批 per item (协同办理): each department decides its own items, in any order, 同意救助 with an amount
        or 不同意救助 with a reason. `department` is the approver's; the last decision moves on to 备案."""
        if self.stage != Stage.APPROVAL:
            raise Conflict("NOT_IN_APPROVAL", f"该申请当前在“{self.stage.value}”环节，不能审批")
        if phrase not in ITEM_PHRASES:
            raise ValidationError("WRONG_PHRASE", "审批用语应为“同意救助”或“不同意救助”")
        item = self.item(code)
        if department is not ANY_DEPARTMENT and department != item.deciding_department:
            raise Forbidden("OTHER_DEPARTMENT", f"“{item.name}”由{department_name(item.deciding_department)}审批")
        if item.decision:
            raise Conflict("ALREADY_DECIDED", f"“{item.name}”已审批（{item.decision}）")
        reason = _reason(phrase, reason)
        if phrase == GRANT:
            if not isinstance(amount_fen, int) or amount_fen <= 0:
                raise ValidationError("BAD_AMOUNT", "同意救助时请填写救助金额")
            if not 1 <= months <= 12:
                raise ValidationError("BAD_MONTHS", "按月发放的月数应为 1-12")
            item.amount_fen, item.monthly, item.months = amount_fen, monthly, months if monthly else 1
            what: Event = AidGranted(
                *self._who(), code, item.name, item.department, amount_fen, monthly, item.months, at.date()
            )
        else:
            what = AidRefused(*self._who(), code, item.name, reason or "")
        item.decision, item.reason, item.decided_by, item.decided_at = phrase, reason, actor, at
        self.history.append(
            Step(
                Stage.APPROVAL,
                "item_decided",
                at,
                actor,
                actor_name,
                phrase,
                reason,
                item_code=code,
                signature=signature,
            )
        )
        self.record(what)
        if all(i.decision for i in self.items):
            self._enter(Stage.FILING, at)
        return item

    def department_parts(self) -> dict[str, list[RequestedItem]]:
        """协同办理: each deciding department's items, in the order first asked for."""
        parts: dict[str, list[RequestedItem]] = {}
        for item in self.items:
            parts.setdefault(item.deciding_department or "", []).append(item)
        return parts

    def awaits(self, department: str | None) -> bool:
        """Whether this department still has an item to decide here."""
        return self.stage == Stage.APPROVAL and any(
            i.decision is None and i.deciding_department == department for i in self.items
        )

    def resubmit(self, at: datetime, actor: str, note: str = "") -> None:
        """补正 done: back to the stage that asked for it."""
        if self.stage != Stage.CORRECTION or self.correction_return is None:
            raise Conflict("NOT_IN_CORRECTION", "该申请不需要补正")
        self.history.append(Step(Stage.CORRECTION, "corrected", at, actor, reason=note.strip() or None))
        back, self.correction_return = self.correction_return, None
        self._enter(back, at)

    def withdraw(self, at: datetime, actor: str, reason: str = "") -> None:
        if self.stage not in WITHDRAWABLE or any(i.decision == GRANT for i in self.items):
            raise Conflict("CANNOT_WITHDRAW", f"申请已在“{self.stage.value}”环节，不能撤回")
        self.history.append(Step(self.stage, "withdrawn", at, actor, reason=reason.strip() or None))
        self._enter(Stage.WITHDRAWN, at)

    def grant_green_channel(
        self,
        *,
        at: datetime,
        actor: str,
        actor_name: str,
        item_code: str,
        amount_fen: int,
        reason: str,
        signature: dict[str, Any] | None = None,
    ) -> GreenChannel:
        """先救助、后补办: emergency aid now; the case then continues through the stages as its paperwork."""
        if self.stage not in (Stage.ACCEPTANCE, Stage.CORRECTION) or self.green:
            raise Conflict("GREEN_NOT_ALLOWED", "只有尚未受理的申请可以开通绿色通道，且只能开通一次")
        if not reason.strip():
            raise ValidationError("REASON_REQUIRED", "开通绿色通道须写明紧急情况")
        if not isinstance(amount_fen, int) or amount_fen <= 0:
            raise ValidationError("BAD_AMOUNT", "请填写应急救助金额")
        item = self.item(item_code)
        due = add_working_days(at.date(), GREEN_PAPERWORK_DAYS)
        self.green = GreenChannel(at, actor, item_code, amount_fen, reason.strip(), due.due, due.approximate)
        self.history.append(
            Step(
                self.stage,
                "green_channel",
                at,
                actor,
                actor_name,
                "绿色通道",
                reason.strip(),
                item_code=item_code,
                signature=signature,
            )
        )
        self.record(
            AidGranted(
                *self._who(), item.code, item.name, item.department, amount_fen, False, 1, at.date(), emergency=True
            )
        )
        return self.green

    def deadline_warning(self, now: datetime, warn_days: int) -> DeadlineWarned | None:
        """The warning the deadline scan raises for this case today, if its limit is near (yellow) or past (red)."""
        today, due = now.date(), self.due_on
        level = workdays.level(today, due, warn_days)
        if due is None or level not in (workdays.YELLOW, workdays.RED):
            return None
        role = self.responsible_role or Role.CENTRE  # green paperwork waiting on the applicant: the centre chases
        late = max(-workdays.working_days_left(today, due), 0)
        names = "、".join(i.name for i in self.items)
        stage = self.stage.value
        return DeadlineWarned(self.id, self.village_code, stage, role.value, names, due, level, late, now)

    def propose(self, item: RequestedItem, *, at: datetime, actor: str, actor_name: str) -> None:
        """多元化救助: a clerk adds an item the household likely qualifies for but did not ask for."""
        if self.stage not in PROPOSE_STAGES:
            raise Conflict("CANNOT_PROPOSE", "审批开始后不能再追加救助事项")
        if any(i.code == item.code for i in self.items):
            raise Conflict("ALREADY_REQUESTED", f"“{item.name}”已在申请中")
        item.proposed_by = actor
        self.items.append(item)
        self.history.append(
            Step(
                self.stage,
                "proposed",
                at,
                actor,
                actor_name,
                item_code=item.code,
                reason=f"建议增加救助事项：{item.name}",
            )
        )

    def _enter(self, stage: Stage, at: datetime) -> None:
        self.stage = stage
        if stage in STAGE_LIMIT_DAYS:
            due = add_working_days(at.date(), STAGE_LIMIT_DAYS[stage])
            self.stage_due, self.stage_due_approximate = due.due, due.approximate
        else:
            self.stage_due, self.stage_due_approximate = None, False


@dataclass(frozen=True)
class NextStep:
    """One thing a clerk may do to a case now: the step, its phrases (or the items it may name), and what it
    needs. Built here from the rules, so the console and the staff API offer exactly what the transitions allow."""

    step: str  # decide / decide_item / green / propose / id_check
    phrases: tuple[str, ...] = ()
    item_code: str | None = None  # decide_item: the item this decision is for
    item_codes: tuple[str, ...] = ()  # green / propose: the items one may name

    def view(self) -> dict[str, Any]:
        """Also which phrases need a reason and which a signature (typed name + PIN): every decision but the
        核对 report."""
        out = {
            "step": self.step,
            "phrases": list(self.phrases),
            "reason_required": [p for p in self.phrases if p in NEEDS_REASON or p == GREEN],
            "signature_required": [p for p in self.phrases if p != CHECK_REPORT],
        }
        if self.item_code:
            out["item_code"] = self.item_code
        if self.item_codes:
            out["item_codes"] = list(self.item_codes)
        return out


def next_steps(
    app: Application,
    role: Role | None,
    may_decide_item: Callable[[RequestedItem], bool] = lambda item: True,
    proposals: tuple[str, ...] = (),
) -> list[NextStep]:
    """What `role` may do to `app` now. may_decide_item(item) says whether this clerk's department decides an
    item (the service knows the clerk); proposals are the item codes the duplicate-aid advice suggests."""
    if not app.open:
        return []

    steps = []
    if app.stage in STAGE_PHRASES and role in (Role.ADMIN, STAGE_ROLE[app.stage]):
        phrases = tuple(STAGE_PHRASES[app.stage])
        if app.stage == Stage.CHECKING:  # the report first, then 核对完成 (or a fresh report)
            phrases = phrases + (CHECK_REPORT,) if app.check_report else (CHECK_REPORT,)
        steps.append(NextStep("decide", phrases))
    if app.stage == Stage.APPROVAL and role_may(role, Action.CASE_DECIDE_ITEM):
        steps += [
            NextStep("decide_item", ITEM_PHRASES, item_code=i.code)
            for i in app.items
            if not i.decision and may_decide_item(i)
        ]
    if app.stage in (Stage.ACCEPTANCE, Stage.CORRECTION) and not app.green and role_may(role, Action.CASE_GREEN):
        steps.append(NextStep("green", (GREEN,), item_codes=tuple(i.code for i in app.items)))
    if app.stage in PROPOSE_STAGES and proposals and role_may(role, Action.CASE_PROPOSE):
        steps.append(NextStep("propose", item_codes=tuple(proposals)))
    if "id_photo" in app.materials and role_may(role, Action.CASE_ID_CHECK):
        steps.append(NextStep("id_check"))
    return steps


def _reason(phrase: str, reason: str | None) -> str | None:
    reason = (reason or "").strip()
    if phrase in NEEDS_REASON and not reason:
        raise ValidationError("REASON_REQUIRED", f"选择“{phrase}”时必须填写理由")
    return reason or None


class ComplaintStatus(StrEnum):
    FILED = "待受理"
    HANDLING = "办理中"
    ANSWERED = "已答复"


COMPLAINT_REPLY_DAYS = 30  # working days from 受理 to 答复; a county may shorten it in configuration


@dataclass
class ComplaintStep:
    status: str
    at: datetime
    actor: str
    note: str = ""


@dataclass
class Complaint(Recorder):
    """在线举报: routed to 纪委监督, then 受理 → 办理 (by a handler of the discipline office) → 答复 within a
    time limit. The reporter may stay anonymous: the console never shows who filed it, only the reply
    goes back to them (as a notice and on their page)."""

    content: str
    created_at: datetime
    reporter_openid: str | None
    anonymous: bool = False
    application_id: str | None = None
    contact: str | None = None  # encrypted at rest
    status: ComplaintStatus = ComplaintStatus.FILED
    handler: str | None = None  # the discipline-office staff member it is assigned to
    due_on: date | None = None  # 答复 due, set at 受理
    reply: str | None = None
    answered_at: datetime | None = None
    history: list[ComplaintStep] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    version: int = 0

    def accept(self, handler: str, due_on: date, at: datetime, actor: str) -> None:
        if self.status != ComplaintStatus.FILED:
            raise Conflict("COMPLAINT_ALREADY_ACCEPTED", f"该举报已{self.status.value}")
        if not handler:
            raise ValidationError("HANDLER_REQUIRED", "请指定承办人")
        self.status, self.handler, self.due_on = ComplaintStatus.HANDLING, handler, due_on
        self.history.append(ComplaintStep(ComplaintStatus.HANDLING.value, at, actor, f"受理，承办人 {handler}"))

    def note(self, text: str, at: datetime, actor: str) -> None:
        """办理: what was done, kept in the file (not sent to the reporter)."""
        if self.status != ComplaintStatus.HANDLING:
            raise Conflict("COMPLAINT_NOT_HANDLING", "先受理，才能记录办理情况")
        if len(text.strip()) < 4:
            raise ValidationError("NOTE_REQUIRED", "请写明办理情况（至少 4 个字）")
        self.history.append(ComplaintStep(ComplaintStatus.HANDLING.value, at, actor, text.strip()))

    def answer(self, reply: str, at: datetime, actor: str) -> None:
        if self.status != ComplaintStatus.HANDLING:
            raise Conflict("COMPLAINT_NOT_HANDLING", "先受理，才能答复")
        if len(reply.strip()) < 10:
            raise ValidationError("REPLY_REQUIRED", "答复至少写 10 个字，说清查了什么、结果如何")
        self.status, self.reply, self.answered_at = ComplaintStatus.ANSWERED, reply.strip(), at
        self.history.append(ComplaintStep(ComplaintStatus.ANSWERED.value, at, actor, "已答复"))
        if self.reporter_openid:  # anonymous or not, the reply goes back to whoever filed it
            self.record(ComplaintAnswered(self.id, self.reporter_openid, self.reply, at.date()))


# --- Dashboard figures kept as counters -----------------------------------------------------------

TALLY_AREA_LENGTHS = (6, 9, 12)  # county, township, village: every area a dashboard is asked for


def county_of(area_code: str) -> str:
    """Lists and queues are bounded by county (one index partition each); wider areas are refused."""
    if len(area_code) < 6:
        raise ValidationError("AREA_TOO_WIDE", "请选择一个县（区）或更小的辖区查看")
    return area_code[:6]


def tally(app: Application) -> dict[str, int]:
    """What one application adds to the yearly figures of its areas (year of submission): closed cases
    by outcome, and the aid granted (monthly aid counted for the months granted, green channel
    included). Adapters keep these as counters, written with the application in its transaction."""
    figures = {f"stage:{app.stage.value}": 1} if app.stage in TERMINAL else {}
    granted = sum((i.amount_fen or 0) * i.months for i in app.items if i.decision == GRANT)
    granted += app.green.amount_fen if app.green else 0
    if granted:
        figures["granted_fen"] = granted
    return figures


def tally_changes(before: Application | None, after: Application) -> dict[tuple[str, int], dict[str, int]]:
    """(area, year) -> counter deltas for writing `after` over `before` (None when new)."""
    changes: dict[tuple[str, int], dict[str, int]] = {}
    for app, sign in ((before, -1), (after, 1)):
        if app is None:
            continue
        for length in TALLY_AREA_LENGTHS:
            bucket = changes.setdefault((app.village_code[:length], app.submitted_at.year), {})
            for name, n in tally(app).items():
                bucket[name] = bucket.get(name, 0) + sign * n
    return {key: {k: v for k, v in d.items() if v} for key, d in changes.items() if any(d.values())}
