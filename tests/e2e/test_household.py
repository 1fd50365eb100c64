"""People and files in a real browser: a resident on file binds by SMS code and applies; staff edit the
household file and the check report changes; a 补正 is fixed and resubmitted on the H5 page."""

import random
import re

from tests.e2e.conftest import shot
from tests.e2e.test_apply import _login, _sign
from tests.ocr import cardgen
from yimen.domain.model import Actor
from yimen.services.applications.signing import Signing
from yimen.services.demo import county as demo
from yimen.services.staff.auth import staff_actor

VILLAGE = "990101001001"  # 城关镇, where window1 works


def _on_file(site, index: int):
    """A demo household of its own for each test (the site is shared by the whole session)."""
    with site.services.uow() as uow:
        households = [h for h in uow.households.iter_in_area("990101") if h.phone and len(h.members) > 1]
    return households[index]


def _card_of(household, path):
    head = household.head
    person = cardgen.Person(head.name, head.gender, "汉", head.birth_date, household.address, head.id_number)
    rng = random.Random(11)
    cardgen.to_rgb(cardgen.on_table(cardgen.draw_front(person, rng), rng)).save(path, quality=92)
    return path


def _staff(site, username: str) -> tuple[Actor, Signing]:
    with site.services.uow() as uow:
        user = uow.staff.get_by_username(username)
    return staff_actor(user), Signing(user.display_name, demo.DEMO_PASSWORD)


def test_resident_on_file_binds_by_sms_code_and_applies(page, site, tmp_path):
    h = _on_file(site, 0)
    _login(page, site, "/bind")
    page.fill("#id_number", h.head.id_number)
    page.fill("#name", h.head.name)
    page.click("#send-sms")
    assert "验证码已发到档案里登记的手机上" in page.locator("#sms-sent").inner_text()
    text = site.services.sms.sent()[-1]
    assert text["phone"] == h.phone
    page.fill("#sms_code", re.search(r"验证码 (\d{6})", text["text"]).group(1))
    shot(page, "h5-bind-sms")
    page.click("#confirm")
    assert "绑定好了" in page.locator("#bound").inner_text()
    shot(page, "h5-bound")

    page.click("#go-apply")
    page.wait_for_url("**/apply")
    assert page.input_value("#name") == h.head.name  # her own file fills the form
    assert "您家已经建档" in page.locator("#own-file").inner_text()
    page.check("input[name=items][value=dibao]")
    page.set_input_files("#id_photo", str(_card_of(h, tmp_path / "card.jpg")))
    page.wait_for_selector("#id_photo[data-photo=done]")
    _sign(page)
    page.click("#submit")
    page.wait_for_url(lambda url: "?new=1" in url, timeout=60_000)
    assert page.locator("#stage").inner_text() == "受理"
    app_id = page.url.split("/my/")[1].split("?")[0]
    with site.services.uow() as uow:
        app = uow.applications.get(app_id)
    assert app.household_id == h.id and app.identity_check is None  # bound: nothing for the window to check


def test_staff_edit_the_household_file_and_the_check_report_changes(desktop_page, site):
    h = _on_file(site, 1)
    materials = {k: _png() for k in ("id_photo", "signature", "assistant_authorisation")}
    body = {
        "items": ["dibao"],
        "materials": materials,
        "household": {
            "village_code": h.village_code,
            "address": h.address,
            "members": [{"name": h.head.name, "id_number": h.head.id_number}],
        },
        "assistant": {
            "assistant_name": "村协理员 周敏",
            "resident_name": h.head.name,
            "resident_id_number": h.head.id_number,
        },
    }
    app, _ = site.services.submission.submit(Actor(kind="citizen", id="o-assistant-e2e"), body, "e2e-file-0001")
    window, sign = _staff(site, "window1")
    site.services.decisions.decide(window, app.id, app.version, "同意受理", "", sign, identity_verified=True)
    checking, _ = _staff(site, "checking")
    site.services.decisions.run_check(checking, app.id, site.services.case_files.case(checking, app.id)[0].version)

    page = desktop_page
    page.goto(site.url + "/staff/login")
    page.fill("#username", "checking")
    page.fill("#password", demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{site.url}/staff/cases/{app.id}")
    sources = page.locator("#report-sources").inner_text()
    assert f"家庭档案（{len(h.members)} 人" in sources and "核对所用来源：无" not in sources
    before = page.locator("#report-household").inner_text()

    page.click("text=查看一户一档")
    page.wait_for_url(f"**/staff/households/{h.id}")
    page.click("#edit-member-1 summary")
    page.fill("#edit-member-1 input[name='income:务工']", "3000")
    page.select_option("#edit-member-1 select[name=health]", "慢性病")
    page.click("#edit-member-1 button[type=submit] >> nth=0")
    page.wait_for_url(f"**/staff/households/{h.id}")
    assert "务工 3000.00" in page.locator("#members").inner_text()
    page.click("#edit-household summary")
    page.fill("input[name=medical_costs_yuan]", "12000")
    page.fill("input[name=assets_yuan]", "-1")  # a slip: refused in plain words, nothing saved
    page.click("#edit-household button[type=submit]")
    assert "不小于 0" in page.locator("#file-error").inner_text()
    page.click("#edit-household summary")
    page.fill("input[name=assets_yuan]", "800")
    page.fill("input[name=medical_costs_yuan]", "12000")
    page.click("#edit-household button[type=submit]")
    page.wait_for_url(f"**/staff/households/{h.id}")
    assert "12000.00 元" in page.locator("#household-facts").inner_text()
    shot(page, "staff-household-file")

    page.goto(f"{site.url}/staff/cases/{app.id}")
    page.click("text=重新生成核对报告")
    page.wait_for_url(f"**/staff/cases/{app.id}")
    after = page.locator("#report-household").inner_text()
    assert after != before and "今年自付医疗 12000.00 元" in after
    assert "健康" in page.locator("#report-sources").inner_text()
    with site.services.uow() as uow:
        edits = [e.reason for e in uow.audit.for_object("household", h.id) if e.action == "edit"]
    assert any("务工" in r and "3000.00 元" in r for r in edits) and any("医疗" in r for r in edits)


def test_correction_is_fixed_and_resubmitted_on_h5(page, site, tmp_path):
    _login(page, site, "/my")
    number = _fresh_number()
    body = {
        "items": ["dibao"],
        "materials": {"id_photo": _png(), "signature": _png()},
        "household": {
            "village_code": VILLAGE,
            "address": "青山村2组1号",
            "members": [{"name": "补正甲", "id_number": number, "monthly_income_fen": {"务农": 30000}}],
        },
    }
    created = page.evaluate(
        """body => fetch('/api/v1/applications', {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'Idempotency-Key': 'e2e-fix-0001'}, body: JSON.stringify(body)})
        .then(r => r.json())""",
        body,
    )
    window, sign = _staff(site, "window1")
    site.services.decisions.decide(
        window, created["id"], 0, "退回补正", "身份证照片看不清，请重拍；务农收入请按实际填写", sign
    )

    page.goto(f"{site.url}/my/{created['id']}")
    assert "身份证照片看不清" in page.locator("#correction-reason").inner_text()
    shot(page, "h5-correction")
    page.click("#fix-income summary")
    page.fill("input[name='income:0:务农']", "150")
    assert "人均 150.00 元" in page.locator("#income-total").inner_text()  # worked out for her
    page.click("#fix-photo summary")
    page.set_input_files("#id_photo", str(_card_of(_FixPerson(number), tmp_path / "again.jpg")))
    page.fill("#note", "已重新拍了身份证，收入改了")
    page.click("#resubmit")
    page.wait_for_url(lambda url: url.endswith("?fixed=1"))
    assert "回到“受理”环节" in page.locator("#resubmitted").inner_text()
    assert page.locator("#stage").inner_text() == "受理"
    with site.services.uow() as uow:
        app = uow.applications.get(created["id"])
        household = uow.households.get(app.household_id)
    assert household.members[0].monthly_income_fen == {"务农": 15000}
    # only the photo was replaced: the new one is stored under the corrected version, the signature stays
    assert re.search(r"/v\d+/id_photo$", app.materials["id_photo"]) and "/v" not in app.materials["signature"]
    assert "补正后重新提交" in page.locator("#timeline").inner_text()


class _FixPerson:
    """Just enough of a household for _card_of."""

    def __init__(self, number: str):
        from yimen.domain import idcard

        self.address = "青山村2组1号"
        self.head = type(
            "Head",
            (),
            {
                "name": "补正甲",
                "gender": idcard.gender_in(number),
                "birth_date": idcard.birth_date_in(number),
                "id_number": number,
            },
        )


def _fresh_number() -> str:
    from tests.workflow.helpers import id_number

    return id_number("19580505", "71")


def _png() -> str:
    from tests.workflow.helpers import png

    return png()
