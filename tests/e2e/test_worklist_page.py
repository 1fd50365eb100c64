"""The township clerk's 主动发现 page in a real browser: a warning from department data at the top, why it
ranks there, and an application started from it with the household's consent."""

import shutil
from pathlib import Path

from tests.e2e.conftest import shot
from tests.e2e.test_staff_console import _login
from tests.outreach.test_worklist_http import _family_whose_only_earner_dies
from yimen.services.checking.dept_data import import_file

SHOTS = Path("/work/wt/shots")


def test_a_warning_tops_the_worklist_and_the_clerk_starts_an_application(desktop_page, site):
    page = desktop_page
    family = _family_whose_only_earner_dies(site.services)
    death = "身份证号,姓名,死亡日期\n990101197805120011,测试甲,2026-11-20\n"
    import_file(
        "death",
        "deaths.csv",
        death.encode(),
        uow=site.services.uow,
        clock=site.services.clock,
        cipher=site.services.cipher,
        xlsx=site.services.xlsx,
    )
    _login(page, site, "window1")
    page.goto(site.url + "/staff/outreach/")
    first = page.locator("#worklist > li").first
    assert first.get_attribute("data-household") == family.id
    assert "唯一劳动力去世" in first.inner_text() and "红色预警" in first.inner_text()
    first.locator("summary", has_text="为什么排在前面").click()
    points = [int(t) for t in first.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert sum(points) == int(first.locator(".index").inner_text())
    path = shot(page, "staff-worklist")
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / "worklist.png")
    page.click("text=动态排名")
    assert page.locator("#ranking tbody tr").first.locator("td").nth(3).inner_text() == "78"
    page.go_back()
    first = page.locator("#worklist > li").first
    first.locator("summary", has_text="处理“唯一劳动力去世”").click()
    first.locator("input[name=consent]").fill("户主妻子当面同意并签字")
    first.locator("button", has_text="发起申请").click()
    page.wait_for_url("**/staff/cases/*")
    assert "最低生活保障" in page.locator("main").inner_text()
