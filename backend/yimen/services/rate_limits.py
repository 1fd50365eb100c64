"""Rate limits shared by every process and Lambda instance: fixed-window counters in the records store."""

from collections.abc import Callable
from datetime import UTC, datetime

from yimen.domain.errors import RateLimited
from yimen.ports import Clock, UnitOfWork


class RateLimiter:
    """A fixed window lets up to twice the limit through around a window boundary: acceptable for slowing
    enumeration, and it costs one atomic write per request."""

    NAMESPACE = "rate"

    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock):
        self.uow, self.clock = uow, clock

    def check(self, bucket: str, client: str, limit: int, per_seconds: float) -> None:
        """client: an address or a keyed hash, never a raw ID number (the key is stored)."""
        now = self.clock.now()
        window = int(now.timestamp() // per_seconds)  # in the key: a new window is a new counter
        expires_at = datetime.fromtimestamp((window + 1) * per_seconds, UTC)
        with self.uow() as uow:  # a unit of its own: the hit counts even if the request then fails
            count = uow.kv.hit(self.NAMESPACE, f"{bucket}:{client}:{window}", expires_at, now)
        if count > limit:
            raise RateLimited("RATE_LIMITED", "操作太频繁，请稍后再试")
