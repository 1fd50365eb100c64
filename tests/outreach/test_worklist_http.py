"""预警 → 主动发现 worklist → application, over real HTTP against the app, with the department import run
as the real `yimen import-dept-data` command on the same data folder."""

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import requests

from yimen.domain.model import Household, Member, Relation, WorkCapacity
from yimen.services.demo import county as demo
from yimen.services.notices.outbox import NOTICE_JOB

YIMEN = Path(sys.executable).with_name("yimen")


def _token(county, username: str) -> dict:
    answer = requests.post(
        f"{county.url}/api/v1/staff/login", json={"username": username, "password": demo.DEMO_PASSWORD}, timeout=10
    ).json()
    return {"Authorization": f"Bearer {answer['token']}"}


def _family_whose_only_earner_dies(services) -> Household:
    """柳树村: a man earning 1,800 yuan a month, his wife who cannot work, their daughter in 初中."""
    household = Household(
        "990101001003",
        "柳树村二组5号",
        [
            Member(
                "测试甲",
                "990101197805120011",
                Relation.HEAD,
                date(1978, 5, 12),
                "男",
                monthly_income_fen={"务工收入": 180000},
            ),
            Member(
                "测试乙",
                "990101198003150029",
                Relation.SPOUSE,
                date(1980, 3, 15),
                "女",
                work_capacity=WorkCapacity.NONE,
                health="慢性病",
            ),
            Member("测试丙", "990101201209090046", Relation.CHILD, date(2012, 9, 9), "女", school="初中"),
        ],
        housing="危房",
        cadre_name="帮扶甲",
        cadre_phone="13900005555",
    )
    with services.uow() as uow:
        uow.households.add(household)
    return household


def items_before_are_screening_only(items: list[dict], household_id: str) -> bool:
    """Screening may already list the family (its income is low); no warning is on it yet."""
    mine = [w for i in items if i["household_id"] == household_id for w in i["warnings"]]
    return all(w["source"] == "筛查" for w in mine)


def _import(county, source: str, csv: str) -> str:
    path = county.data_dir / f"{source}.csv"
    path.write_text(csv, encoding="utf-8")
    done = subprocess.run(
        [str(YIMEN), "import-dept-data", source, str(path), "--data-dir", str(county.data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_death_of_the_only_earner_tops_the_worklist_and_becomes_an_application(county):
    family = _family_whose_only_earner_dies(county.services)
    window = _token(county, "window1")
    assert requests.post(f"{county.url}/api/v1/staff/worklist/screen", headers=window, timeout=60).ok
    before = requests.get(f"{county.url}/api/v1/staff/worklist", headers=window, timeout=30).json()["items"]
    assert items_before_are_screening_only(before, family.id)

    out = _import(county, "death", "身份证号,姓名,死亡日期\n990101197805120011,测试甲,2026-11-20\n")
    assert "死亡" in out

    items = requests.get(f"{county.url}/api/v1/staff/worklist", headers=window, timeout=30).json()["items"]
    assert items[0]["household_id"] == family.id, [(i["household_id"], i["index"]) for i in items[:3]]
    assert [i["index"] for i in items] == sorted((i["index"] for i in items), reverse=True)
    top = items[0]
    assert top["warnings"][0]["kind"] == "唯一劳动力去世" and top["warnings"][0]["level"] == "red"
    assert top["warnings"][0]["due_on"] > "2026-11-25"
    assert {"dibao", "linshi-jinan"} <= set(top["suggested_items"])
    assert "唯一有收入的人去世" in " ".join(top["reasons"])
    assert all(i["village_code"].startswith("990101001") for i in items)  # window1's township only

    # The township window hears of it in its inbox.
    with county.services.uow() as uow:
        queued = [
            j.payload
            for j in uow.job_leases.claim(NOTICE_JOB, datetime(2026, 11, 25, 10, 0), datetime(2026, 11, 25, 10, 5), 500)
        ]
    assert any(p["event"] == "warning_raised" and p["area_code"] == "990101001" for p in queued)
    # ... and the household's 帮扶干部 gets a text on the phone in its file.
    cadre = [p for p in queued if p["event"] == "warning_raised" and p.get("cadre_of") == family.id]
    assert len(cadre) == 1
    recipient, channels = county.services.notice_worker._recipient(cadre[0])
    assert (recipient.phone, channels) == ("13900005555", ["sms"])

    entry = top["warnings"][0]["id"]
    refused = requests.post(
        f"{county.url}/api/v1/staff/households/{family.id}/outreach/{entry}/application",
        headers=window,
        json={"items": ["dibao"], "consent": "同意"},
        timeout=30,
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "CONSENT_REQUIRED"
    started = requests.post(
        f"{county.url}/api/v1/staff/households/{family.id}/outreach/{entry}/application",
        headers=window,
        json={"items": ["dibao", "linshi-jinan"], "consent": "户主妻子当面同意并签字"},
        timeout=30,
    )
    assert started.status_code == 201, started.text
    case = requests.get(
        f"{county.url}/api/v1/staff/cases/{started.json()['application_id']}", headers=window, timeout=30
    ).json()
    assert case["stage"] == "受理" and {i["code"] for i in case["items"]} == {"dibao", "linshi-jinan"}
    after = requests.get(f"{county.url}/api/v1/staff/worklist", headers=window, timeout=30).json()["items"]
    left = [w for i in after if i["household_id"] == family.id for w in i["warnings"]]
    assert entry not in [w["id"] for w in left]
    assert not any({"dibao"} == set(w.get("suggested", ["x"])) for w in left)
    counts = requests.get(f"{county.url}/api/v1/staff/worklist/counts", headers=window, timeout=30).json()
    assert counts["已申请"] >= 1 and counts["by_source"]["死亡"] == 1 and counts["raised"] > counts["待处理"]

    # The same death record imported again raises nothing new.
    _import(county, "death", "身份证号,姓名,死亡日期\n990101197805120011,测试甲,2026-11-20\n")
    again = requests.get(f"{county.url}/api/v1/staff/worklist", headers=window, timeout=30).json()["items"]
    assert not any(w["source"] == "死亡" for i in again for w in i["warnings"])


def test_an_index_breakdown_adds_up_and_stays_inside_the_area(county):
    window = _token(county, "window1")
    with county.services.uow() as uow:
        theirs = next(iter(uow.households.iter_in_area("990101002")))
    ranking = requests.get(f"{county.url}/api/v1/staff/ranking", headers=window, timeout=30).json()["items"]
    assert [r["rank"] for r in ranking] == list(range(1, len(ranking) + 1))
    assert [r["index"] for r in ranking] == sorted((r["index"] for r in ranking), reverse=True)
    for row in ranking[:5]:  # the neediest demo households of 城关镇
        index = requests.get(
            f"{county.url}/api/v1/staff/households/{row['household_id']}/poverty-index", headers=window, timeout=30
        ).json()
        assert index["score"] == row["index"] > 0
        assert sum(f["points"] for f in index["factors"]) == index["score"]
        assert all(f["name"] and f["detail"] and f["points"] > 0 for f in index["factors"])
    other = requests.get(f"{county.url}/api/v1/staff/households/{theirs.id}/poverty-index", headers=window, timeout=30)
    assert other.status_code == 403 and other.json()["error"]["code"] == "OUT_OF_AREA"


def test_a_large_medical_bill_for_a_dibao_household_suggests_medical_and_temporary_aid(county):
    family = _family_whose_only_earner_dies(county.services)
    window = _token(county, "window1")
    _import(
        county,
        "medical",
        "身份证号,姓名,结算日期,医疗费用总额（元）,个人自付（元）\n990101198003150029,测试乙,2026-11-18,86000,41000\n",
    )
    items = requests.get(f"{county.url}/api/v1/staff/worklist", headers=window, timeout=30).json()["items"]
    row = next(i for i in items if i["household_id"] == family.id)
    assert row["warnings"][0]["kind"] == "大额医疗费用" and row["warnings"][0]["level"] == "yellow"
    assert {"yiliao", "linshi-zhichu"} <= set(row["suggested_items"])
    entry = row["warnings"][0]["id"]
    url = f"{county.url}/api/v1/staff/households/{family.id}/outreach/{entry}/close"
    bare = requests.post(url, headers=window, json={"outcome": "不需要"}, timeout=30)
    assert bare.status_code == 400 and bare.json()["error"]["code"] == "REASON_REQUIRED"
    closed = requests.post(
        url, headers=window, json={"outcome": "不需要", "reason": "已由商业保险全额赔付"}, timeout=30
    )
    assert closed.ok
    again = requests.post(url, headers=window, json={"outcome": "已走访"}, timeout=30)
    assert again.status_code == 409
