"""The staff console as a new township clerk sees it, in a real browser."""

import re

from tests.e2e.conftest import shot
from yimen.entrypoints.cli.demo import demo_cases
from yimen.services.demo import county as demo


def _login(page, site, username):
    page.goto(site.url + "/staff/login")
    page.fill("#username", username)
    page.fill("#password", demo.DEMO_PASSWORD)
    page.click("button[type=submit]")


def test_clerk_queue_case_page_and_policy_pages(desktop_page, site):
    page = desktop_page
    demo_cases(site.services)
    _login(page, site, "window1")
    page.click("text=案件办理")
    page.wait_for_url("**/staff/cases/")
    queue = page.locator("main").inner_text()
    assert "受理" in queue
    assert page.locator(".tag.red, .tag.yellow").count() > 0  # deadline markers
    shot(page, "staff-queue")
    page.locator("table a", has_text="办理").first.click()
    page.wait_for_load_state("load")
    text = page.locator("main").inner_text()
    assert re.search(r"9901\*{10}\d{3}[\dX]", text), "ID numbers are masked on the case page"
    assert "同意受理" in page.content()
    # A decision is clicked with a mouse at a desk, often by an older clerk: the whole row is the target.
    for row in page.locator("form.decision label.check").all():
        box = row.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
    radio = page.locator("form.decision input[type=radio]").first.bounding_box()
    assert radio["height"] >= 24
    shot(page, "staff-case")
