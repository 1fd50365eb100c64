"""Working days (工作日) for time limits: statutory holidays and make-up working days (调休) from
chinese-calendar.

chinese-calendar only knows the years the State Council has published (it raises NotImplementedError
for later years). For such a year we fall back to Monday-Friday and flag the result as approximate,
so a screen can say "按周一至周五估算" instead of silently promising a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

CHINA = ZoneInfo("Asia/Shanghai")  # the county's clock: days, deadlines and dates shown to staff
GREEN, YELLOW, RED = "green", "yellow", "red"
LEVEL_WORDS = {GREEN: "正常", YELLOW: "临近时限", RED: "已超时"}
DEFAULT_WARN_DAYS = 1
MAX_WARN_DAYS = 5  # the seeds: yellow 1 to 5 days before the limit


@dataclass(frozen=True)
class DayKind:
    working: bool
    approximate: bool  # True when the year is unknown to chinese-calendar: Mon-Fri assumed


def day_kind(day: date) -> DayKind:
    try:
        return DayKind(chinese_calendar.is_workday(day), False)
    except NotImplementedError:
        return DayKind(day.weekday() < 5, True)


def is_working_day(day: date) -> bool:
    return day_kind(day).working


@dataclass(frozen=True)
class Deadline:
    due: date
    approximate: bool


def add_working_days(start: date, days: int) -> Deadline:
    """The `days`-th working day after `start` (the start day itself never counts, as in 3 个工作日内)."""
    if days < 1:
        raise ValueError("a time limit is at least one working day")
    day, counted, approximate = start, 0, False
    while counted < days:
        day += timedelta(days=1)
        kind = day_kind(day)
        approximate = approximate or kind.approximate
        counted += kind.working
    return Deadline(day, approximate)


def working_days_left(today: date, due: date) -> int:
    """Working days after today up to and including `due`; negative when overdue (days since `due`)."""
    if today > due:
        return -sum(is_working_day(due + timedelta(days=n)) for n in range(1, (today - due).days + 1)) or -1
    return sum(is_working_day(today + timedelta(days=n)) for n in range(1, (due - today).days + 1))


def level(today: date, due: date | None, warn_days: int = DEFAULT_WARN_DAYS) -> str | None:
    """green / yellow (`warn_days` working days or fewer left, the limit's own day included) / red (past it)."""
    if due is None:
        return None
    if not 1 <= warn_days <= MAX_WARN_DAYS:
        raise ValueError(f"warn_days must be 1..{MAX_WARN_DAYS}")
    if today > due:
        return RED
    return YELLOW if working_days_left(today, due) <= warn_days else GREEN
