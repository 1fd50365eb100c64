"""Clocks: the system clock, and a settable one for tests and demos (e.g. around Spring Festival)."""

from datetime import datetime, timedelta

from yimen.domain.workdays import CHINA
from yimen.ports import Clock


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(CHINA)


class FixedClock(Clock):
    def __init__(self, at: datetime):
        self.at = at if at.tzinfo else at.replace(tzinfo=CHINA)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)
