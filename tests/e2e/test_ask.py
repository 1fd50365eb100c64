"""问政策 in a real browser: colloquial questions, answers in chat bubbles with a link to the item."""

from tests.e2e.conftest import shot


def test_ask_questions_like_a_villager(page, site):
    page.goto(site.url + "/")
    page.click("a.tile[href='/ask']")
    page.fill("#question", "五保户一个月能领多少钱")
    page.click("#send")
    answer = page.locator(".bubble.a").last.inner_text()
    assert "特困" in answer
    page.fill("#question", "低保要带啥材料")
    page.click("#send")
    answer = page.locator(".bubble.a").last.inner_text()
    assert "身份证" in answer
    assert page.locator(".bubble.q").count() == 2  # the conversation stays on screen
    shot(page, "h5-ask")
    page.locator(".bubble.a").last.locator("a").click()
    page.wait_for_url("**/policy/*")
    assert "最低生活保障" in page.locator("h1").inner_text()
    shot(page, "h5-policy-item")
    page.goto(site.url + "/policy")
    assert "最低生活保障" in page.locator("main").inner_text()
    shot(page, "h5-policy-list")
