"""在线举报 handled to the end over real HTTP: filed anonymously on the citizen API, 受理 with a handler and a
time limit, a note, 答复; the reply reaches the person as a notice and on their own page, never their name."""

import re

import requests

from yimen.services.notices.outbox import NOTICE_JOB

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


def _console(county, username: str) -> requests.Session:
    s = requests.Session()
    csrf = CSRF.search(s.get(f"{county.url}/staff/login", timeout=10).text).group(1)
    assert s.post(
        f"{county.url}/staff/login",
        data={"username": username, "password": "yimen-demo-2026", "csrf": csrf},
        timeout=10,
    ).ok
    return s


def _act(s, county, complaint_id: str, step: str, **fields) -> requests.Response:
    page = s.get(f"{county.url}/staff/complaints/{complaint_id}", timeout=10).text
    data = {"csrf": CSRF.search(page).group(1), "version": VERSION.search(page).group(1), **fields}
    return s.post(f"{county.url}/staff/complaints/{complaint_id}/{step}", data=data, timeout=10)


def test_a_complaint_is_accepted_handled_and_answered_and_the_person_hears_back(county):
    login = requests.post(f"{county.url}/api/v1/auth/wechat-login", json={"code": "complainer-code"}, timeout=10)
    citizen = {"Authorization": f"Bearer {login.json()['token']}"}
    filed = requests.post(
        f"{county.url}/api/v1/complaints",
        headers=citizen,
        timeout=10,
        json={"content": "村里评低保不开会，优亲厚友", "contact": "13900003333", "anonymous": True},
    )
    assert filed.status_code == 201
    complaint_id = filed.json()["id"]

    discipline = _console(county, "discipline")
    listing = discipline.get(f"{county.url}/staff/cases/complaints", timeout=10).text
    assert "村里评低保不开会" in listing and "待受理" in listing and "13900003333" not in listing
    page = discipline.get(f"{county.url}/staff/complaints/{complaint_id}", timeout=10).text
    assert "匿名举报" in page and "complainer" not in page

    short = _act(discipline, county, complaint_id, "answer", reply="已查")
    assert short.status_code == 409 and "先受理" in short.text, short.text[:600]  # nothing to answer before 受理
    assert _act(discipline, county, complaint_id, "accept", handler="discipline").ok
    page = discipline.get(f"{county.url}/staff/complaints/{complaint_id}", timeout=10).text
    assert "办理中" in page and "答复时限 2027-01-06" in page and "承办人 discipline" in page  # 30 working days
    assert _act(discipline, county, complaint_id, "note", text="调取村评议会议记录，约谈村支书").ok
    too_short = _act(discipline, county, complaint_id, "answer", reply="已处理")
    assert too_short.status_code == 400 and "至少写 10 个字" in too_short.text
    reply = "经查，该村低保评议未按规定召开民主评议会，已责令重新评议并公示，相关人员已批评教育。"
    assert _act(discipline, county, complaint_id, "answer", reply=reply).ok
    page = discipline.get(f"{county.url}/staff/complaints/{complaint_id}", timeout=10).text
    assert "已答复" in page and "约谈村支书" in page

    # The person: a notice with the reply, and the reply on their own page.
    with county.services.uow() as uow:
        jobs = [
            j.payload
            for j in uow.job_leases.claim(NOTICE_JOB, county.services.clock.now(), county.services.clock.now(), 500)
        ]
    answered = [p for p in jobs if p["event"] == "complaint_answered"]
    assert len(answered) == 1 and answered[0]["data"]["reply"] == reply and answered[0]["openid"]
    mine = requests.get(f"{county.url}/api/v1/complaints/mine", headers=citizen, timeout=10).json()["items"]
    assert [(c["id"], c["status"], c["reply"]) for c in mine] == [(complaint_id, "已答复", reply)]
    stranger = requests.post(f"{county.url}/api/v1/auth/wechat-login", json={"code": "other-code"}, timeout=10)
    assert (
        requests.get(
            f"{county.url}/api/v1/complaints/mine",
            timeout=10,
            headers={"Authorization": f"Bearer {stranger.json()['token']}"},
        ).json()["items"]
        == []
    )
    summary = discipline.get(f"{county.url}/staff/complaints/summary", timeout=10).text
    assert "2026-11" in summary and "<td>1</td>" in summary
    assert (
        _console(county, "window1").get(f"{county.url}/staff/complaints/{complaint_id}", timeout=10).status_code == 403
    )
