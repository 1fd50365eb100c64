"""Time limits in working days around Spring Festival 2026 (chinese-calendar: 2026-02-15..23 off, the
Saturdays 2026-02-14 and 2026-02-28 are make-up working days), and the Mon-Fri fallback."""

from datetime import date, datetime

import chinese_calendar
import pytest

from yimen.domain import workdays
from yimen.domain.workflow import Application, RequestedItem, Stage


def test_the_library_knows_spring_festival_2026():
    assert not any(chinese_calendar.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert chinese_calendar.is_workday(date(2026, 2, 14)) and date(2026, 2, 14).weekday() == 5  # 调休 Saturday
    assert chinese_calendar.is_workday(date(2026, 2, 28)) and date(2026, 2, 28).weekday() == 5


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 2, 12), 1, date(2026, 2, 13)),  # Thu -> Fri
        (date(2026, 2, 12), 2, date(2026, 2, 14)),  # ... -> the make-up Saturday counts
        (date(2026, 2, 12), 3, date(2026, 2, 24)),  # ... then nine days of holiday are skipped
        (date(2026, 2, 13), 3, date(2026, 2, 25)),  # 核对 3 days from the Friday before the holiday
        (date(2026, 2, 26), 2, date(2026, 2, 28)),  # Thu + 2 -> Fri 27, Sat 28 (make-up day)
        (date(2026, 2, 27), 1, date(2026, 2, 28)),
        (date(2026, 2, 28), 1, date(2026, 3, 2)),  # Sunday 1 March is a normal rest day
    ],
)
def test_add_working_days_across_the_holiday(start, days, due):
    result = workdays.add_working_days(start, days)
    assert result == workdays.Deadline(due, approximate=False)


def test_unknown_year_falls_back_to_monday_to_friday_and_says_so():
    assert workdays.day_kind(date(2027, 1, 1)) == workdays.DayKind(working=True, approximate=True)  # a Friday
    result = workdays.add_working_days(date(2026, 12, 30), 3)  # Wed -> Thu 31, (2027) Fri 1, Mon 4
    assert result == workdays.Deadline(date(2027, 1, 4), approximate=True)


def test_levels_yellow_before_and_red_after_the_limit():
    due = date(2026, 2, 25)
    assert workdays.level(date(2026, 2, 12), due, warn_days=1) == workdays.GREEN
    # before the holiday, with 2 warning days: 14 Feb (make-up) and 24 Feb are the last two working days
    assert workdays.working_days_left(date(2026, 2, 13), due) == 3
    assert workdays.level(date(2026, 2, 13), due, warn_days=2) == workdays.GREEN
    assert workdays.level(date(2026, 2, 14), due, warn_days=2) == workdays.YELLOW
    # in the holiday two working days remain (24, 25 Feb): yellow with 2 warning days, not yet with 1
    assert workdays.working_days_left(date(2026, 2, 20), due) == 2
    assert workdays.level(date(2026, 2, 20), due, warn_days=2) == workdays.YELLOW
    assert workdays.level(date(2026, 2, 20), due, warn_days=1) == workdays.GREEN
    assert workdays.level(date(2026, 2, 25), due, warn_days=1) == workdays.YELLOW  # the limit's own day
    assert workdays.level(date(2026, 2, 26), due, warn_days=1) == workdays.RED
    assert workdays.level(date(2026, 2, 26), None) is None
    with pytest.raises(ValueError):
        workdays.level(date(2026, 2, 26), due, warn_days=6)


def test_checking_stage_limit_skips_the_festival():
    at = datetime(2026, 2, 13, 16, 0)
    app = Application(
        household_id="h",
        village_code="990101001001",
        applicant_openid="o",
        items=[RequestedItem("dibao", "最低生活保障", "县民政局")],
        submitted_at=at,
    )
    app.start(at, "citizen:o")
    assert app.stage_due == date(2026, 2, 14)  # 受理 1 working day: the make-up Saturday
    app.decide("同意受理", at=datetime(2026, 2, 14, 9, 0), actor="staff:w", actor_name="窗口")
    assert app.stage == Stage.CHECKING and app.stage_due == date(2026, 2, 26)  # 24, 25, 26
