"""A notice's "open" link must land on a page the mini-program really has."""

import json
import re
from pathlib import Path

from yimen.services.notices import outbox as notices

APP_JSON = Path(__file__).resolve().parents[2] / "miniprogram" / "app.json"


class _Anything(dict):
    """Template data that answers every key, so each renderer can be asked for its page."""

    def __missing__(self, key):
        known = {"bank_card_masked": "**** 1234", "amount_fen": 100, "period": "2026-11", "days_overdue": 2}
        return known.get(key, "2026-11-25")


def test_every_notice_links_to_an_existing_mini_program_page():
    pages = set(json.loads(APP_JSON.read_text())["pages"])
    for event, renderer in notices._RENDERERS.items():
        page = renderer(_Anything()).page.split("?")[0]
        assert page in pages, f"{event} links to {page}, not in app.json"
    assert re.fullmatch(r"pages/[a-z-]+/index", notices.Rendered("e", "t", "x", ()).page)
