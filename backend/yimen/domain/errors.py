"""Domain errors carry a stable code, a plain-Chinese message and the HTTP status the web layer uses."""

from typing import Any


class YimenError(Exception):
    """Base error: `code` is stable for clients, `message` is shown to people as is."""

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, details: dict[str, Any] | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details or {}
        if status is not None:
            self.status = status


class ValidationError(YimenError):
    status = 400


class NotAuthenticated(YimenError):
    status = 401


class Forbidden(YimenError):
    status = 403


class NotFound(YimenError):
    status = 404


class Conflict(YimenError):
    """A stale version or a state that no longer allows the action (two clerks clicking at once)."""

    status = 409


class TooLarge(YimenError):
    status = 413


class RateLimited(YimenError):
    status = 429
