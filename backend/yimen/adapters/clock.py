"""The system clock, in China time (the settable one for tests and demos is ports.FixedClock)."""

from datetime import datetime

from yimen.domain.workdays import CHINA
from yimen.ports import Clock


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(CHINA)
