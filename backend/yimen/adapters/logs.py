"""Structured logs for CloudWatch: one JSON object per line (time, level, logger, message), so Logs
Insights can filter by field. Personal data is never logged by the code (request logs name the route
pattern); this formatter is the safety net: anything shaped like an ID number, a mobile number or a
bank card is masked, and an exception is logged by type and frames, never by its message (which may
quote a value)."""

import json
import logging
import re
import traceback
from datetime import UTC, datetime

PERSONAL = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9}|\d{16,19})(?!\d)")


def scrub(text: str) -> str:
    return PERSONAL.sub("[已遮蔽]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str | list[str]] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        if record.exc_info and record.exc_info[0]:
            entry["error"] = record.exc_info[0].__name__
            entry["frames"] = [
                f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in traceback.extract_tb(record.exc_info[2])
            ][-8:]
        return json.dumps(entry, ensure_ascii=False)


def use_json_logs(level: int = logging.INFO) -> None:
    """Every handler of the root logger writes JSON (Lambda's runtime installs one; else stderr)."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter())
    root.setLevel(level)
