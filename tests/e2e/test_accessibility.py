"""Every citizen page, in normal and 大字模式, at a phone's size: 0 WCAG 2.1 A/AA violations (axe-core),
every control at least 44x44 CSS px (60 px high in 大字模式), errors that take focus and are announced,
an upload that says how far it has got."""

import random

import pytest
from PIL import Image

from tests.e2e.a11y import axe_violations, set_big_mode, small_targets
from tests.e2e.test_apply import _login

ANONYMOUS = [
    "/",
    "/policy",
    "/policy/dibao",
    "/policy/search?q=低保",
    "/ask",
    "/status",
    "/complaint",
    "/selfcheck/",
    "/selfcheck/size",
]
SIGNED_IN = ["/apply", "/my", "/happiness"]


def _check(page, url: str, big: bool) -> list[str]:
    problems = [f"{url}: axe {v}" for v in axe_violations(page)]
    height = 60 if big else 44
    problems += [f"{url}: small {t}" for t in small_targets(page, 44, height)]
    return problems


@pytest.mark.parametrize("big", [False, True], ids=["normal", "big"])
def test_every_citizen_page_is_accessible(page, site, big):
    page.goto(site.url + "/")
    set_big_mode(page, big)
    problems = []
    for path in ANONYMOUS:
        page.goto(site.url + path)
        problems += _check(page, path, big)
    page.goto(site.url + "/ask")
    page.fill("#question", "低保一个月能领多少钱")
    page.click("#send")
    problems += _check(page, "/ask (answered)", big)
    page.goto(site.url + "/status")
    page.fill("#id_number", "990101194001011234")
    page.fill("#name", "无此人")
    page.click("button[type=submit]")
    problems += _check(page, "/status (looked up)", big)
    problems += _walk_selfcheck(page, site, big)
    for path in SIGNED_IN:
        _login(page, site, path)
        problems += _check(page, path, big)
    page.goto(site.url + "/apply")
    page.click("#submit")  # nothing filled in: the page comes back with an error
    problems += _check(page, "/apply (error)", big)
    assert not problems, "\n".join(problems)


def _walk_selfcheck(page, site, big: bool) -> list[str]:
    """Every question of 测一测 (numbers, ages, selects, checkboxes, radios) and the result."""
    problems = []
    page.goto(site.url + "/selfcheck/size")
    for _ in range(20):
        problems += _check(page, page.url.removeprefix(site.url), big)
        if page.locator("#value[inputmode=decimal]").count():
            page.fill("#value", "1")
        for number in page.locator("input[inputmode=numeric]").all():
            number.fill("70")
        radios = page.locator("input[type=radio]")
        if radios.count():
            radios.first.check()
        page.click("#next")
        if page.url.endswith("/selfcheck/result"):
            break
    assert page.url.endswith("/selfcheck/result")
    page.locator("details summary").first.click()
    return problems + _check(page, "/selfcheck/result", big)


def test_a_failed_submit_takes_focus_to_the_error(page, site):
    _login(page, site, "/apply")
    page.fill("#name", "测试人")
    page.click("#submit")  # no photo, no signature
    page.wait_for_selector("#error-summary")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "error-summary"
    assert "身份证人像面照片" in page.locator("#error-summary").inner_text()
    # Enter in an item's row ticks it; it does not send the half-filled form.
    box = page.locator("input[name=items][value=tekun]")
    box.focus()
    page.keyboard.press("Enter")
    assert box.is_checked()
    assert page.evaluate("document.activeElement.value") == "tekun"
    assert page.input_value("#name") == "测试人"


def test_the_photo_upload_says_how_far_it_has_got(page, site, tmp_path):
    photo = tmp_path / "noise.jpg"  # noise does not compress: a photo that takes a while on 3G
    Image.frombytes("RGB", (1900, 1200), random.Random(3).randbytes(1900 * 1200 * 3)).save(photo, quality=92)
    _login(page, site, "/apply")
    page.evaluate("""() => { window.said = []; const live = document.getElementById('progress-id_photo');
        new MutationObserver(() => said.push(live.textContent))
          .observe(live, { childList: true, characterData: true, subtree: true }); }""")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000},
    )
    page.set_input_files("#id_photo", str(photo))
    page.wait_for_selector("#id_photo[data-photo=done]", timeout=120_000)
    said = page.evaluate("said")
    assert said[0] == "正在处理照片，请稍候…"
    assert any(s.startswith("正在上传照片，已完成") for s in said), said
    assert said[-1].startswith("✓ 照片已上传")
    live = page.locator("#progress-id_photo")
    assert live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status"
    assert "progress-id_photo" in page.get_attribute("#id_photo", "aria-describedby")
