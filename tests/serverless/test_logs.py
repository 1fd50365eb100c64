"""Lambda logs are JSON lines with no personal data, even when a message or an exception quotes some."""

import json
import logging

from yimen.adapters.logs import JsonFormatter


def _record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("yimen.http", logging.ERROR, __file__, 10, message, args, exc_info)


def test_a_log_line_is_json_with_personal_data_masked():
    line = JsonFormatter().format(
        _record(
            "lookup %s phone %s card %s for 2 households", "99010119500304123X", "13800001111", "6217000000000000123"
        )
    )
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "yimen.http"
    assert entry["message"] == "lookup [已遮蔽] phone [已遮蔽] card [已遮蔽] for 2 households"


def test_an_exception_is_logged_by_type_and_frames_not_by_its_message():
    try:
        raise ValueError("bad id 99010119500304123X")
    except ValueError:
        import sys

        entry = json.loads(JsonFormatter().format(_record("unhandled %s", "ValueError", exc_info=sys.exc_info())))
    assert entry["error"] == "ValueError" and "test_logs.py" in entry["frames"][-1]
    assert "99010119500304123X" not in json.dumps(entry)
