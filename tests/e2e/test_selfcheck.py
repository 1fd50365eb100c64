"""自测 in a real browser: an elderly person living alone, no income, with a disability."""

from tests.e2e.conftest import shot


def _answer(page, fill: dict | None = None, check: list[str] | None = None, select: dict | None = None):
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    for selector in check or []:
        page.check(selector)
    for selector, value in (select or {}).items():
        page.select_option(selector, value)
    page.click("#next")


def test_selfcheck_one_question_per_screen_to_reasons(page, site):
    page.goto(site.url + "/selfcheck/")
    page.click("#start")
    assert page.locator("#question").inner_text() == "您家一共几口人？"
    _answer(page, fill={"#value": "abc"})  # a wrong answer keeps what was typed and says why
    assert "整数" in page.locator("#error").inner_text()
    assert page.input_value("#value") == "abc"
    shot(page, "h5-selfcheck-error")
    _answer(page, fill={"#value": "1"})
    _answer(page, fill={"#m0": "78"})
    _answer(page, select={"#type0": "肢体", "#grade0": "2"})
    _answer(page, check=["input[name=m0]"])
    _answer(page)  # school: nobody
    _answer(page, fill={"#value": "0"})
    _answer(page, fill={"#value": "2000"})
    _answer(page, check=["input[value=危房]"])
    _answer(page, fill={"#value": "0"})
    _answer(page, check=["input[value=没有]"])
    shot(page, "h5-selfcheck-question")
    _answer(page)  # currently receives nothing
    page.wait_for_url("**/selfcheck/result")
    likely = page.locator("section.hint").all_inner_texts()
    text = page.content()
    assert "测一测结果" in text
    codes = page.eval_on_selector_all("section.hint", "els => els.map(e => e.dataset.code)")
    assert codes, "an old person alone with no income should get hints"
    assert any("特困" in t or "低保" in t for t in likely)
    assert "要带的材料" in text and "居民身份证或户口簿" in text
    shot(page, "h5-selfcheck-result")
