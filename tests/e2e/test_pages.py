"""Journeys in a real browser at 390x844."""

from tests.e2e.conftest import shot


def test_home_page_is_large_and_plain(page, site):
    page.goto(site.url + "/")
    assert page.locator("h1").inner_text() == "您好！遇到困难，来这里办"
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    page.click("#big-toggle")
    big = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert big >= 22
    page.reload()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 22  # remembered
    for tile in page.locator("a.tile").all():
        box = tile.bounding_box()
        assert box["height"] >= 48
    shot(page, "h5-home-big")


def test_staff_console_login_and_area_list(page, site):
    page.goto(site.url + "/staff/")
    page.fill("#username", "window2")
    page.fill("#password", "yimen-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    rows = page.locator("tbody tr")
    assert rows.count() > 0
    assert "青山乡" in page.locator("table").inner_text()
    assert "城关镇" not in page.locator("table").inner_text()
    shot(page, "staff-household-list")
