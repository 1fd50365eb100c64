"""Applications (staff queues, deadline scan), complaints, disbursement slips, bank batches, notice log."""

from dataclasses import replace
from datetime import date, datetime

import pytest

from tests.contract.test_records import household
from yimen.domain.disbursement import Batch, BatchLine, Slip, SlipStatus
from yimen.domain.errors import Conflict, ValidationError
from yimen.domain.workflow import GRANT, Application, Complaint, RequestedItem, Stage
from yimen.ports import NoticeRecord


def application(
    village: str,
    stage: Stage,
    due: date | None,
    household_id: str,
    openid="openid-a",
    submitted=datetime(2026, 11, 20, 9, 0),
) -> Application:
    items = [RequestedItem(code="dibao", name="最低生活保障", department="县民政局")]
    return Application(
        household_id=household_id,
        village_code=village,
        applicant_openid=openid,
        items=items,
        submitted_at=submitted,
        stage=stage,
        stage_due=due,
    )


def collect(list_page, **kwargs):
    """Every item of a paged query, two at a time, and the number of pages."""
    seen, cursor, pages = [], None, 0
    while True:
        page = list_page(limit=2, cursor=cursor, **kwargs)
        seen += page.items
        pages += 1
        if not page.next_cursor:
            return seen, pages
        cursor = page.next_cursor


@pytest.fixture
def applications(backend):
    h = household()
    apps = [
        application("511721101001", Stage.ACCEPTANCE, date(2026, 11, 27), h.id),
        application("511721101002", Stage.ACCEPTANCE, date(2026, 11, 26), h.id, openid="openid-b"),
        application("511721102001", Stage.ACCEPTANCE, date(2026, 11, 24), h.id),
        application("511721101001", Stage.CHECKING, date(2026, 11, 23), h.id, submitted=datetime(2026, 11, 21)),
        application("511721101003", Stage.ACCEPTANCE, date(2026, 12, 1), h.id),
        application("511721101001", Stage.DONE, None, h.id, submitted=datetime(2026, 10, 1)),
    ]
    with backend.uow() as uow:
        uow.households.add(h)
        for a in apps:
            uow.applications.add(a)
    return h, apps


def test_staff_queue_is_the_stage_in_the_area_earliest_deadline_first(backend, applications):
    _, apps = applications
    with backend.uow() as uow:
        queue, pages = collect(uow.applications.list_in_area, area_code="511721101", stage=Stage.ACCEPTANCE)
        everything, _ = collect(uow.applications.list_in_area, area_code="511721101")
    assert [a.id for a in queue] == [apps[1].id, apps[0].id, apps[4].id]
    assert pages == 2
    assert [a.id for a in everything] == [apps[3].id, apps[1].id, apps[0].id, apps[4].id, apps[5].id]


def test_deadline_scan_finds_open_applications_due_by_a_day(backend, applications):
    _, apps = applications
    with backend.uow() as uow:
        due, _ = collect(uow.applications.list_due, on_or_before=date(2026, 11, 26))
    assert [a.id for a in due] == [apps[3].id, apps[2].id, apps[1].id]


def test_applications_by_household_and_by_applicant(backend, applications):
    h, apps = applications
    with backend.uow() as uow:
        mine = uow.applications.list_for_applicant("openid-b")
        theirs = uow.applications.list_for_household(h.id)
    assert [a.id for a in mine] == [apps[1].id]
    assert theirs[0].id == apps[3].id and len(theirs) == 6  # newest submission first
    assert theirs[-1].id == apps[5].id


def test_a_workflow_transition_on_a_stale_application_fails_cleanly(backend, applications):
    _, apps = applications
    with backend.uow() as uow:
        clerk_a, clerk_b = uow.applications.get(apps[0].id), uow.applications.get(apps[0].id)
    clerk_a.stage, clerk_a.stage_due = Stage.CHECKING, date(2026, 12, 2)
    with backend.uow() as uow:
        uow.applications.update(clerk_a)
    clerk_b.stage = Stage.REJECTED
    with pytest.raises(Conflict) as caught, backend.uow() as uow:
        uow.applications.update(clerk_b)
    assert caught.value.code == "STALE_VERSION"
    with backend.uow() as uow:
        stored = uow.applications.get(apps[0].id)
        queue = uow.applications.list_in_area("511721101", Stage.CHECKING).items
    assert (stored.stage, stored.version) == (Stage.CHECKING, 1)
    assert stored.items == apps[0].items
    assert apps[0].id in [a.id for a in queue]


def test_complaints_newest_first_with_contact_encrypted(backend):
    complaints = [
        Complaint(
            content=f"举报内容{n}",
            created_at=datetime(2026, 11, n + 1, 8, 0),
            reporter_openid="o",
            contact="13900002222" if n == 0 else None,
        )
        for n in range(3)
    ]
    with backend.uow() as uow:
        for c in complaints:
            uow.complaints.add(c)
    with backend.uow() as uow:
        found, _ = collect(uow.complaints.list_recent)
    assert [c.content for c in found] == ["举报内容2", "举报内容1", "举报内容0"]
    assert found[-1].contact == "13900002222"
    assert "13900002222" not in backend.stored_text()


def test_a_complaint_moves_through_its_handling_once(backend):
    complaint = Complaint(
        content="低保评议不公开", created_at=datetime(2026, 11, 2, 8, 0), reporter_openid="o", anonymous=True
    )
    with backend.uow() as uow:
        uow.complaints.add(complaint)
    with backend.uow() as uow:
        first, second = uow.complaints.get(complaint.id), uow.complaints.get(complaint.id)
        first.accept("discipline", date(2026, 12, 15), datetime(2026, 11, 3, 9, 0), "staff:discipline")
        uow.complaints.update(first)
    with backend.uow() as uow, pytest.raises(Conflict):  # a second clerk working from the old copy
        second.accept("discipline2", date(2026, 12, 15), datetime(2026, 11, 3, 9, 1), "staff:discipline2")
        uow.complaints.update(second)
    with backend.uow() as uow:
        stored = uow.complaints.get(complaint.id)
        stored.answer("经查，村评议会议记录已补充公开，已责令整改。", datetime(2026, 11, 20, 9, 0), "staff:discipline")
        uow.complaints.update(stored)
    with backend.uow() as uow:
        done = uow.complaints.get(complaint.id)
        assert uow.complaints.get("nope") is None
        assert [c.id for c in uow.complaints.list_for_reporter("o")] == [complaint.id]
        assert uow.complaints.list_for_reporter("someone-else") == []
    assert (done.status.value, done.handler, done.due_on) == ("已答复", "discipline", date(2026, 12, 15))
    assert done.version == 2
    assert [s.status for s in done.history] == ["办理中", "已答复"] and done.answered_at == datetime(2026, 11, 20, 9, 0)


def slip(n: int, household_id: str, status=SlipStatus.PENDING_REVIEW) -> Slip:
    return Slip(
        application_id=f"app{n}",
        household_id=household_id,
        region_code="511721101001",
        item_code="dibao",
        item_name="最低生活保障",
        department="县民政局",
        amount_fen=62000 + n,
        period="2026-11",
        due_on=date(2026, 12, 10 - n),
        status=status,
        id=f"slip{n}",
    )


def test_slips_are_idempotent_versioned_and_listed_by_status(backend):
    h = household()
    with backend.uow() as uow:
        uow.households.add(h)
        assert [uow.slips.add(slip(n, h.id)) for n in range(3)] == [True, True, True]
        assert uow.slips.add(slip(0, h.id)) is False
    with backend.uow() as uow:
        first = uow.slips.get("slip0")
        stale = uow.slips.get("slip0")
        first.status = SlipStatus.PENDING_FINANCE
        uow.slips.update(first)
    with pytest.raises(Conflict), backend.uow() as uow:
        uow.slips.update(replace(stale, status=SlipStatus.PAID))
    with backend.uow() as uow:
        review, pages = collect(uow.slips.list_by_status, status=SlipStatus.PENDING_REVIEW.value)
        finance = uow.slips.list_by_status(SlipStatus.PENDING_FINANCE.value).items
    assert [s.id for s in review] == ["slip2", "slip1"] and pages == 1
    assert [(s.id, s.version, s.amount_fen) for s in finance] == [("slip0", 1, 62000)]


def test_batches_newest_first_and_versioned(backend):
    batches = [
        Batch(
            id=f"b{n}",
            created_at=datetime(2026, 11, 20 + n, 9, 0),
            created_by="staff:finance",
            lines=[BatchLine(line_id=f"l{n}", slip_id=f"s{n}", amount_fen=100)],
        )
        for n in range(3)
    ]
    with backend.uow() as uow:
        for b in batches:
            uow.batches.add(b)
    with backend.uow() as uow:
        b1 = uow.batches.get("b1")
        b1.lines[0].result, b1.lines[0].paid_on = "paid", date(2026, 11, 25)
        uow.batches.update(b1)
    with backend.uow() as uow:
        found, _ = collect(uow.batches.list_recent)
        stored = uow.batches.get("b1")
    assert [b.id for b in found] == ["b2", "b1", "b0"]
    assert stored.lines[0].paid_on == date(2026, 11, 25) and stored.version == 1


def test_notice_log_dedupes_and_lists_newest_first(backend):
    def notice(n, recipient="citizen:h1"):
        return NoticeRecord(
            dedupe_key=f"paid:{n}",
            recipient=recipient,
            event="paid",
            channel="wechat",
            text=f"您的救助金已拨付{n}",
            at=datetime(2026, 11, 25, 10, n),
        )

    with backend.uow() as uow:
        assert [uow.notice_log.add(notice(n)) for n in range(3)] == [True, True, True]
        assert uow.notice_log.add(notice(9, "citizen:h2")) is True
    with backend.uow() as uow:
        assert uow.notice_log.add(notice(1)) is False
    with backend.uow() as uow:
        found, _ = collect(uow.notice_log.list_for, recipient="citizen:h1")
    assert [n.text for n in found] == ["您的救助金已拨付2", "您的救助金已拨付1", "您的救助金已拨付0"]
    assert all(n.id for n in found)


def test_a_county_sized_bank_batch_round_trips(backend):
    """5,000 lines is ~0.5 MB of JSON: over DynamoDB's 400 KB item limit unless stored compressed."""
    lines = [BatchLine(line_id=f"{n:06d}", slip_id=f"slip-{n:06d}", amount_fen=45000 + n) for n in range(5000)]
    batch = Batch(id="big", created_at=datetime(2026, 11, 25, 9, 0), created_by="staff:finance", lines=lines)
    with backend.uow() as uow:
        uow.batches.add(batch)
    with backend.uow() as uow:
        stored = uow.batches.get("big")
        recent = uow.batches.list_recent(limit=1).items
    assert len(stored.lines) == 5000 and stored.lines[-1].amount_fen == 49999
    assert recent[0].lines == stored.lines


def test_lists_are_bounded_by_county_and_wider_areas_are_refused(backend, applications):
    h, apps = applications
    elsewhere = application("511722101001", Stage.ACCEPTANCE, date(2026, 11, 20), h.id)
    with backend.uow() as uow:
        uow.applications.add(elsewhere)
    with backend.uow() as uow:
        county, _ = collect(uow.applications.list_in_area, area_code="511721", stage=Stage.ACCEPTANCE)
        other, _ = collect(uow.applications.list_in_area, area_code="511722")
        late, _ = collect(uow.applications.list_due, on_or_before=date(2026, 11, 26), area_code="511721101")
        everywhere, _ = collect(uow.applications.list_due, on_or_before=date(2026, 11, 26))
        with pytest.raises(ValidationError) as caught:
            uow.applications.list_in_area("51")
    assert [a.id for a in county] == [apps[2].id, apps[1].id, apps[0].id, apps[4].id]
    assert [a.id for a in other] == [elsewhere.id]
    assert [a.id for a in late] == [apps[3].id, apps[1].id]
    assert [a.id for a in everywhere] == [elsewhere.id, apps[3].id, apps[2].id, apps[1].id]
    assert caught.value.code == "AREA_TOO_WIDE"


def test_dashboard_counters_follow_every_write_in_its_transaction(backend, applications):
    _, apps = applications
    assert_tallies = _tallies(backend)
    assert_tallies("511721101", 2026, {"stage:已办结": 1})
    with backend.uow() as uow:
        app = uow.applications.get(apps[0].id)
    app.items[0].decision, app.items[0].amount_fen, app.items[0].months = GRANT, 62000, 3
    app.stage = Stage.DONE
    with backend.uow() as uow:
        uow.applications.update(app)
    with backend.uow() as uow:
        uow.applications.add(
            application("511721102001", Stage.WITHDRAWN, None, apps[0].household_id, submitted=datetime(2025, 6, 1))
        )
    stale = replace(app, stage=Stage.WITHDRAWN, version=0)
    with pytest.raises(Conflict), backend.uow() as uow:
        uow.applications.update(stale)  # refused: the counters stay as they were
    assert_tallies("511721101001", 2026, {"stage:已办结": 2, "granted_fen": 186000})
    assert_tallies("511721101", 2026, {"stage:已办结": 2, "granted_fen": 186000})
    assert_tallies("511721", 2026, {"stage:已办结": 2, "granted_fen": 186000})
    assert_tallies("511721", 2025, {"stage:已撤回": 1})
    assert_tallies("511721102", 2026, {})


def _tallies(backend):
    def check(area: str, year: int, expected: dict) -> None:
        with backend.uow() as uow:
            found = {k: v for k, v in uow.applications.tallies(area, year).items() if v}
        assert found == expected, (area, year)

    return check
