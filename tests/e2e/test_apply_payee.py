"""The H5 apply page asks where the money goes, in plain words, and shows the card number back masked;
the timeline page names the masked account the aid will be paid into."""

import random

from tests.e2e.conftest import shot
from tests.e2e.test_apply import _login, _sign
from tests.ocr import cardgen

CARD = "6228480000000000018"  # passes the UnionPay (Luhn) check


def test_apply_page_collects_the_account_and_shows_it_masked(page, site, tmp_path):
    rng = random.Random(11)
    person = cardgen.make_person(rng)
    photo = tmp_path / "front.jpg"
    cardgen.to_rgb(cardgen.on_table(cardgen.draw_front(person, rng), rng)).save(photo, quality=92)

    _login(page, site, "/apply?items=dibao")
    page.fill("#name", person.name)
    page.fill("#id_number", person.id_number)
    page.select_option("#village_code", "990101002001")
    page.fill("#address", "青山村5组2号")
    page.set_input_files("#id_photo", str(photo))
    page.wait_for_selector("#id_photo[data-photo=done]")
    _sign(page)

    assert (
        "一卡通" in page.locator("main").inner_text()
        and "户名必须是申请人本人或家里人" in page.locator("main").inner_text()
    )
    page.select_option("#payee_bank", "ABC")
    page.fill("#payee_account", "6228 4800 0000")
    assert page.locator("#payee_masked").inner_text() == "卡号应为16到19位数字，现在是12位"
    page.fill("#payee_account", "6228 4800 0000 0000 017")
    assert page.locator("#payee_masked").inner_text() == "您填的卡号：6228 **** **** 0017"
    shot(page, "h5-apply-payee")
    page.click("#submit")
    assert "校验位对不上" in page.locator("#error-payee_account").inner_text()
    assert page.input_value("#payee_account") == "6228 4800 0000 0000 017", "what was typed is kept"

    page.fill("#payee_account", CARD)
    assert page.locator("#payee_masked").inner_text() == "您填的卡号：6228 **** **** 0018"
    page.click("#submit")
    page.wait_for_url(lambda url: url.split("#")[0].endswith("?new=1"), timeout=60_000)
    shown = page.locator("#payee").inner_text()
    assert "救助金打到：中国农业银行 6228 **** **** 0018" in shown and CARD not in page.content()
    assert "最低生活保障 30 个工作日" in page.locator("#time-limits").inner_text()
    shot(page, "h5-timeline-payee")
    with site.services.uow() as uow:
        household = uow.households.find_by_id_number(person.id_number)
    assert (household.bank_card, household.bank_code, household.payee_name) == (CARD, "ABC", person.name)
