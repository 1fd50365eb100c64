"""一户一档: staff edit the whole file with validation and one audit event per change; the apply form fills it;
核对 reads it and names the sources it used."""

import re

from tests.workflow.helpers import application_body, case_page, csrf_on, decide, id_number, submit

VILLAGE_AREA = "990101001"


def _household(seeded):
    with seeded.uow() as uow:
        return next(h for h in uow.households.iter_in_area(VILLAGE_AREA) if len(h.members) > 1)


def _post(staff, household_id: str, path: str, form: dict):
    page = staff.get(f"/staff/households/{household_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return staff.post(
        f"/staff/households/{household_id}{path}", data={"csrf": csrf_on(page), "version": version, **form}
    )


def test_staff_see_and_edit_the_whole_file_each_change_audited(staff_client, seeded):
    h = _household(seeded)
    window = staff_client("window1")
    page = window.get(f"/staff/households/{h.id}").get_data(as_text=True)
    assert "<title>一户一档" in page and "csrf" not in page.split("</title>")[0]  # no template in the title
    for word in ("健康", "残疾", "劳动能力", "在读", "名下房产", "今年自付医疗费用", "救助历史", "修改户信息"):
        assert word in page, word
    assert h.head.id_number not in page and h.phone not in page

    done = _post(
        window,
        h.id,
        "/edit",
        {
            "address": h.address,
            "housing": "危房",
            "houses": "1",
            "vehicles": "0",
            "assets_yuan": "1200.50",
            "medical_costs_yuan": "8600",
            "education_costs_yuan": "",
        },
    )
    assert done.status_code == 303, done.get_data(as_text=True)[:600]
    spouse = h.members[1]
    done = _post(
        window,
        h.id,
        f"/members/{spouse.id}",
        {
            "relation": spouse.relation.value,
            "health": "大病",
            "disability_type": "肢体",
            "disability_grade": "2",
            "work_capacity": "无劳动能力",
            "school": "",
            "income:务工": "",
            "income:养老金": "150",
        },
    )
    assert done.status_code == 303, done.get_data(as_text=True)[:600]
    with seeded.uow() as uow:
        stored = uow.households.get(h.id)
        edits = [e.reason for e in uow.audit.for_object("household", h.id) if e.action == "edit"]
    assert (stored.housing, stored.houses, stored.assets_fen, stored.medical_costs_fen) == ("危房", 1, 120050, 860000)
    member = stored.members[1]
    assert (member.health, member.disability_type, member.disability_grade) == ("大病", "肢体", 2)
    assert member.monthly_income_fen == {"养老金": 15000}
    assert any(r.startswith("住房：") and r.endswith("→ 危房") for r in edits)
    assert "今年自付医疗费用：未填 → 8600.00 元" in edits
    assert any("健康状况：未填 → 大病" in r for r in edits)
    assert len(edits) >= 6 and all(spouse.name not in r for r in edits)  # one event per field, names masked

    # bad input: a plain reason, nothing saved, the page still there
    refused = _post(
        window,
        h.id,
        f"/members/{spouse.id}",
        {
            "relation": spouse.relation.value,
            "disability_type": "肢体",
            "disability_grade": "",
            "work_capacity": "无劳动能力",
        },
    )
    assert 'id="file-error"' in refused.get_data(as_text=True) and "残疾类别和等级" in refused.get_data(as_text=True)
    refused = _post(window, h.id, "/edit", {"assets_yuan": "-5", "vehicles": "0"})
    assert "存款等金融资产应为不小于 0 的金额" in refused.get_data(as_text=True)
    with seeded.uow() as uow:
        assert uow.households.get(h.id).members[1].disability_grade == 2
    added = _post(
        window,
        h.id,
        "/members",
        {
            "name": "新成员甲",
            "id_number": id_number("20160101", "55"),
            "relation": "子女",
            "school": "小学",
            "work_capacity": "无劳动能力",
        },
    )
    assert added.status_code == 303, added.get_data(as_text=True)[:600]
    with seeded.uow() as uow:
        assert uow.households.get(h.id).members[-1].school == "小学"
    # other roles and other townships
    finance = staff_client("finance")
    csrf = csrf_on(finance.get("/staff/").get_data(as_text=True))
    denied = finance.post(f"/staff/households/{h.id}/edit", data={"csrf": csrf, "version": "0", "vehicles": "9"})
    assert denied.status_code == 403
    assert staff_client("window2").get(f"/staff/households/{h.id}").status_code == 403


def test_check_report_reads_the_file_and_names_its_sources(client, citizen_headers, staff_client, seeded):
    body = application_body()
    body["household"]["members"][0]["monthly_income_fen"] = {"务农": 20000, "务工": 30000}
    body["household"]["members"][1]["health"] = "慢性病"
    body["household"]["medical_costs_fen"] = 500000
    app_id = submit(client, citizen_headers, body).get_json()["id"]
    decide(staff_client("window1"), app_id, "同意受理")
    checking = staff_client("checking")
    page = case_page(checking, app_id)
    checked = checking.post(
        f"/staff/cases/{app_id}/check",
        data={"csrf": csrf_on(page), "version": re.search(r'name="version" value="(\d+)"', page).group(1)},
    )
    assert checked.status_code == 303
    page = case_page(checking, app_id)
    sources = re.search(r'id="report-sources">(.*?)</p>', page, re.S).group(1)
    assert "家庭档案（2 人；收入 2 项；健康、住房、医疗支出）" in sources and "核对所用来源：无" not in sources
    assert "月人均收入 250.00 元" in page and "今年自付医疗 5000.00 元" in page
