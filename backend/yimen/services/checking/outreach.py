"""预警, 主动发现 and the worklist: department data and screening put households forward, ordered by the
poverty index; a clerk starts an application (with the household's consent) or closes the entry with a
reason, and each outcome is counted (政策找人).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from yimen.domain import outreach, poverty, workdays
from yimen.domain.errors import NotFound, ValidationError
from yimen.domain.masking import mask_name
from yimen.domain.model import Actor, AuditEvent, Household
from yimen.domain.permissions import Action, require, require_area
from yimen.domain.policy import catalogue
from yimen.domain.workflow import Application
from yimen.ports import Clock, UnitOfWork
from yimen.services import messagebus
from yimen.services.applications.forms import requested_items
from yimen.services.checking.screening import MISSED, current_codes, screen_household

LEVEL_ORDER = {"red": 0, "yellow": 1, "info": 2}


def standard_fen(village_code: str) -> int:
    """The local 低保 standard (fen per person per month) that the index measures income against."""
    lines = catalogue().items["dibao"].standard_lines(village_code)
    return next(line.fen for line in lines if line.label == "低保标准" and line.fen)


def shocks(household: Household) -> list[poverty.Shock]:
    return [
        poverty.Shock(e.kind, e.level, e.raised_on)
        for e in household.outreach
        if e.source != outreach.SCREENING and e.status != outreach.NOT_NEEDED
    ]


def index_of(household: Household, today: date) -> poverty.PovertyIndex:
    return poverty.compute(
        household, standard_fen(household.village_code), today, shocks(household), gone=outreach.deceased(household)
    )


def raise_warning(uow: UnitOfWork, clock: Clock, actor: Actor, source: str, id_number: str, fields: dict) -> None:
    """A department record about a person: a warning on their household when a rule says so."""
    household = uow.households.find_by_id_number(id_number)
    if household is None:
        return  # kept for 核对 only: the person is not on the county's file
    member = next(m for m in household.members if m.id_number == id_number)
    today = clock.today()
    facts = {
        **outreach.person_facts(household, member.id),
        "self_pay_fen": fields.get("self_pay_fen", 0),
        "grade": fields.get("grade"),
    }
    if outreach.needs_current_aid(source):  # only the medical rules ask; other sources skip the read
        facts["current_aid"] = current_codes(uow.aid_records.list_for_household(household.id), today, catalogue())
    rule = outreach.first_rule(source, facts)
    if rule is None:
        return
    due = workdays.add_working_days(today, rule.due_working_days).due
    entry = outreach.OutreachEntry(
        rule.kind,
        source,
        rule.level,
        today,
        due,
        list(rule.suggest),
        [rule.reason],
        ref=f"{source}:{member.id}:{fields.get('date', '')}",
        member_id=member.id,
    )
    if not outreach.add_entry(household, entry):
        return
    uow.households.update(household)
    uow.audit.append(
        AuditEvent(
            actor=actor.label,
            object_type="household",
            object_id=household.id,
            action="warning_raised",
            at=clock.now(),
            to_state=outreach.OPEN,
            reason=f"{rule.kind}（{source}）",
        )
    )
    messagebus.handle(uow, [outreach.warning_raised(household, entry)])  # the window and the 帮扶干部 are told


class OutreachService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock):
        self.uow, self.clock = uow, clock

    def worklist(self, actor: Actor) -> list[dict]:
        """Households with open entries in the caller's area, highest poverty index first."""
        require(actor, Action.OUTREACH)
        today = self.clock.today()
        with self.uow() as uow:
            rows = [
                self._row(h, index_of(h, today))
                for h in uow.households.iter_in_area(actor.area_code)
                if any(e.open for e in h.outreach)
            ]
        return sorted(rows, key=lambda r: (-r["index"], r["household_id"]))

    @staticmethod
    def _row(h: Household, index: poverty.PovertyIndex) -> dict:
        open_entries = sorted((e for e in h.outreach if e.open), key=lambda e: (LEVEL_ORDER[e.level], e.raised_on))
        suggested = list(dict.fromkeys(code for e in open_entries for code in e.suggested_items))
        return {
            "household_id": h.id,
            "village_code": h.village_code,
            "head": mask_name(h.head.name),
            "cadre": h.cadre_name,
            "index": index.score,
            "factors": index.as_dict()["factors"],
            "reasons": [reason for e in open_entries for reason in e.reasons],
            "suggested_items": suggested,
            "warnings": [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "source": e.source,
                    "level": e.level,
                    "raised_on": e.raised_on.isoformat(),
                    "due_on": e.due_on and e.due_on.isoformat(),
                }
                for e in open_entries
            ],
        }

    def poverty_index(self, actor: Actor, household_id: str) -> poverty.PovertyIndex:
        with self.uow() as uow:
            household = self._household(uow, actor, household_id)
        return index_of(household, self.clock.today())

    def ranking(self, actor: Actor, area_code: str = "") -> list[dict]:
        """Every household of an area inside the caller's, neediest first, with its place a month ago."""
        area = area_code or actor.area_code
        require_area(actor, area)
        today = self.clock.today()
        with self.uow() as uow:
            households = list(uow.households.iter_in_area(area))
            indexes = [index_of(h, today) for h in households]
            ranks = poverty.Ranking.of(indexes).ranks()
            month = today.strftime("%Y-%m")
            before = uow.kv.get("ranking", f"{area}:{_last_month(today)}") or {}
            uow.kv.put_if_absent("ranking", f"{area}:{month}", {h: r for h, r in ranks.items()})
        heads = {h.id: h for h in households}
        rows = [
            {
                "household_id": i.household_id,
                "rank": ranks[i.household_id],
                "index": i.score,
                "head": mask_name(heads[i.household_id].head.name),
                "village_code": heads[i.household_id].village_code,
                "moved": (before[i.household_id] - ranks[i.household_id]) if i.household_id in before else None,
            }
            for i in indexes
        ]
        return sorted(rows, key=lambda r: r["rank"])

    def screen_area(self, actor: Actor) -> int:
        """Proactive screening (政策找人) of the caller's area into the worklist; returns entries added."""
        require(actor, Action.OUTREACH)
        today, cat, added = self.clock.today(), catalogue(), 0
        with self.uow() as uow:
            for household in uow.households.iter_in_area(actor.area_code):
                records = uow.aid_records.list_for_household(household.id)
                missed = [f for f in screen_household(household, records, today, cat) if f.kind == MISSED]
                fresh = [
                    outreach.OutreachEntry(
                        "应享未享",
                        outreach.SCREENING,
                        "info",
                        today,
                        None,
                        [f.item_code],
                        [f"可能符合“{f.item_name}”但未享受：{f.detail}"],
                        ref=f"筛查:{f.item_code}:{today.year}",
                    )
                    for f in missed
                ]
                new = [e for e in fresh if outreach.add_entry(household, e)]
                if new:
                    uow.households.update(household)
                    added += len(new)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="outreach",
                    object_id=actor.area_code,
                    action="screen",
                    at=self.clock.now(),
                    reason=f"新增 {added} 条",
                )
            )
        return added

    def start_application(
        self, actor: Actor, household_id: str, entry_id: str, items: list[str], consent: str
    ) -> Application:
        """The window starts an application for the household from its entry, with consent recorded."""
        require(actor, Action.OUTREACH_APPLY)
        if len(consent.strip()) < 4:
            raise ValidationError("CONSENT_REQUIRED", "请记录本户同意申请的方式（例如：户主当面同意并签字）")
        requested = requested_items(items)
        now = self.clock.now()
        with self.uow() as uow:
            household = self._household(uow, actor, household_id)
            entry = outreach.entry(household, entry_id)
            app = Application(
                household_id=household.id,
                village_code=household.village_code,
                applicant_openid=household.owner_openid or "",
                items=requested,
                submitted_at=now,
            )
            app.start(now, actor.label, actor.name)
            codes = {i.code for i in requested}
            # Entries this application answers in full (screening that suggested only these items) end with it.
            covered = [e for e in household.outreach if e.open and e is not entry and set(e.suggested_items) <= codes]
            for done in (entry, *covered):
                done.close(outreach.APPLIED, f"已发起申请：{consent.strip()}", actor.label, now)
                done.application_id, done.consent = app.id, consent.strip()
            uow.applications.add(app)
            uow.households.update(household)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="application",
                    object_id=app.id,
                    action="submit",
                    at=now,
                    to_state=app.stage.value,
                    reason=f"主动发现（{entry.kind}）：{consent.strip()}",
                )
            )
        return app

    def close(self, actor: Actor, household_id: str, entry_id: str, outcome: str, reason: str) -> None:
        require(actor, Action.OUTREACH)
        now = self.clock.now()
        with self.uow() as uow:
            household = self._household(uow, actor, household_id)
            entry = outreach.entry(household, entry_id)
            entry.close(outcome, reason, actor.label, now)
            uow.households.update(household)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="household",
                    object_id=household.id,
                    action="outreach_closed",
                    at=now,
                    from_state=outreach.OPEN,
                    to_state=outcome,
                    reason=f"{entry.kind}：{reason.strip()}",
                )
            )

    def counts(self, actor: Actor) -> dict:
        """政策找人 in figures: entries raised and how each ended, by kind of source."""
        with self.uow() as uow:
            entries = [e for h in uow.households.iter_in_area(actor.area_code) for e in h.outreach]
        by_status = Counter(e.status for e in entries)
        return {
            "raised": len(entries),
            **{s: by_status.get(s, 0) for s in (outreach.OPEN, *outreach.OUTCOMES)},
            "by_source": dict(Counter(e.source for e in entries)),
        }

    @staticmethod
    def _household(uow: UnitOfWork, actor: Actor, household_id: str) -> Household:
        household = uow.households.get(household_id)
        if household is None:
            raise NotFound("HOUSEHOLD_NOT_FOUND", "没有这一户")
        require_area(actor, household.village_code)
        return household


def _last_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
