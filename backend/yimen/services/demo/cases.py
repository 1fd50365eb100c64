"""`yimen demo-cases`: a handful of applications in every stage for the demo county, so the staff console
has something to show. They go through the real service (协理员 mode for seeded residents, the demo staff
accounts and their e-signatures), so every step is audited like real work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from yimen.domain.model import Actor
from yimen.domain.workflow import ACCEPT, CHECKED, FILED, FORWARD, GRANT, GREEN, RETURN
from yimen.ports import Clock, UnitOfWork
from yimen.services.applications.casework import CaseFiles
from yimen.services.applications.decisions import Decisions
from yimen.services.applications.green import GreenChannelGrants
from yimen.services.applications.signing import Signing
from yimen.services.applications.submission import Submission
from yimen.services.staff.auth import staff_actor

DEMO_ASSISTANT = Actor(kind="citizen", id="demo-assistant", name="村协理员（演示）")
# (days ago submitted, items, what happens): walked in order, each on its own seeded household
SCRIPT: list[tuple[int, list[str], list[tuple[str, str]]]] = [
    (0, ["dibao"], []),
    (1, ["dibao", "canji-shenghuo"], [("window1", ACCEPT)]),
    (
        2,
        ["linshi-jinan"],
        [("green", GREEN), ("window1", ACCEPT), ("checking", "report"), ("checking", CHECKED), ("supervise1", FORWARD)],
    ),
    (7, ["dibao"], []),  # never picked up: red in the window's queue and on the overdue list
    (1, ["yiliao"], [("window1", RETURN)]),
    (
        3,
        ["dibao"],
        [
            ("window1", ACCEPT),
            ("checking", "report"),
            ("checking", CHECKED),
            ("supervise1", FORWARD),
            ("approver", GRANT),
            ("centre", FILED),
        ],
    ),
]


# The demo's stand-in for every photo and signed form: a blank 64x40 off-white PNG.
BLANK_FORM = (
    "iVBORw0KGgoAAAANSUhEUgAAAEAAAAAoCAIAAADBrGu+AAAASklEQVR4nO3PMQ0AIADAMMC/XR4uRHA0JKuCbZ6zx8+WDnjVgNaA1oDWgNaA1oDWg"
    "NaA1oDWgNaA1oDWgNaA1oDWgNaA1oDWgHYBlmcDOZLv+lMAAAAASUVORK5CYII="
)


@dataclass(frozen=True)
class Desk:
    """The application services a demo case goes through, their clock stopped at the case's day."""

    submission: Submission
    case_files: CaseFiles
    decisions: Decisions
    green_channel: GreenChannelGrants


def seed_cases(
    password: str,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    desk_at: Callable[[datetime], Desk],
) -> int:
    """Create the scripted cases once (the idempotency keys make a second run a no-op); returns how many.
    desk_at(moment): the application services with their clock stopped at that moment, so each case is
    dated as many days back as the script says."""
    with uow() as unit:
        households = [h for h in unit.households.iter_in_area("990101001") if h.id.startswith("demo")]
        staff = {u.username: u for u in unit.staff.list_all()}
    form, made = BLANK_FORM, 0
    for n, (days_ago, items, steps) in enumerate(SCRIPT):
        desk = desk_at(clock.now() - timedelta(days=days_ago))
        head = households[n].head
        body = {
            "items": items,
            "materials": {k: form for k in ("id_photo", "signature", "assistant_authorisation")},
            "assistant": {
                "assistant_name": "村协理员（演示）",
                "resident_id_number": head.id_number,
                "resident_name": head.name,
            },
            "household": {
                "village_code": households[n].village_code,
                "address": households[n].address,
                "members": [{"name": head.name, "id_number": head.id_number}],
            },
        }
        app, created = desk.submission.submit(DEMO_ASSISTANT, body, f"demo-case-{n:03d}")
        made += created
        for who, what in steps if created else []:
            _step(desk, staff, app.id, who, what, password)
    return made


def _step(desk: Desk, staff: dict, app_id: str, who: str, what: str, password: str) -> None:
    actor = staff_actor(staff["window1" if who == "green" else who])
    sign = Signing(actor.name, password)
    version = desk.case_files.case(actor, app_id)[0].version
    if who == "green":
        desk.green_channel.grant(
            actor, app_id, version, "linshi-jinan", 150000, "演示：住房失火，先行救助", sign, identity_verified=True
        )  # the demo window has seen the ID card and the 授权书
    elif what == "report":
        desk.decisions.run_check(actor, app_id, version)
    elif what == GRANT:
        desk.decisions.decide_item(actor, app_id, version, "dibao", GRANT, "", 62000, True, 3, sign)
    else:
        desk.decisions.decide(
            actor, app_id, version, what, "演示：请补交残疾人证" if what == RETURN else "", sign, identity_verified=True
        )
