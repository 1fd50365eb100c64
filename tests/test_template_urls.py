"""Templates name the app's pages by endpoint (url_for), Flask-tutorial style, never by hard-coded path:
a moved route cannot leave a dead link behind."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PAGES = sorted(TEMPLATES.rglob("*.html"))


def test_no_template_hard_codes_an_app_url():
    hard = [
        (path.name, m.group(0))
        for path in PAGES
        for m in re.finditer(r"""(?:href|action|src|formaction)="[/?][^"]*"|fetch\(["'`]/""", path.read_text("utf-8"))
    ]
    assert hard == []


def test_every_endpoint_a_template_names_exists(app):
    named = {
        (path.name, endpoint)
        for path in PAGES
        for endpoint in re.findall(r"""url_for\(\s*["']([\w.]+)["']""", path.read_text("utf-8"))
    }
    assert len(named) > 60
    assert [pair for pair in named if pair[1] not in app.view_functions] == []
