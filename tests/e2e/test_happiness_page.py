"""The 幸福码 page in a real phone-sized browser: big type, no sideways scrolling, red and gold."""

from tests.e2e.conftest import shot
from yimen.services.happiness.lists import ensure_token


def _token_with_aid(services) -> str:
    with services.uow() as uow:
        h = next(h for h in uow.households.iter_in_area("") if uow.aid_records.list_for_household(h.id))
        return ensure_token(uow, h.id, "2026-11-25T10:00:00")


def test_list_page_reads_well_on_a_phone(page, site):
    page.goto(f"{site.url}/h/{_token_with_aid(site.services)}")
    assert page.locator(".hl-hero h1").inner_text().replace(" ", "") == "幸福清单"
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.hl-rec b')).fontSize)") >= 20
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.hl-rec .amt')).fontSize)") >= 24
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    background = page.evaluate("getComputedStyle(document.querySelector('.hl-page')).backgroundColor")
    assert background == "rgb(158, 27, 22)"
    assert page.locator("a.hl-call").bounding_box()["height"] >= 48
    shot(page, "happiness-list-phone")
