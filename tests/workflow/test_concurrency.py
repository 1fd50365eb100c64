"""Two clerks click at once on the same case, against the real SQLite file: one wins, the other gets a
clear 409, and exactly one transition (one audit event) is recorded."""

import threading

from tests.workflow.helpers import PASSWORD, application_body, case_page, csrf_on, png, signer_on, submit, version_on


def test_simultaneous_decisions_one_wins_one_gets_409(app, client, citizen_headers, staff_client, seeded, config):
    assert config.database.exists()  # the real file, WAL mode, one connection per thread
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    clerks = [staff_client("window1"), staff_client("admin")]
    pages = [case_page(c, app_id) for c in clerks]
    assert version_on(pages[0]) == version_on(pages[1])
    phrases = ["同意受理", "不同意受理"]
    barrier, results = threading.Barrier(2), [None, None]

    def click(n: int) -> None:
        form = {
            "csrf": csrf_on(pages[n]),
            "version": version_on(pages[n]),
            "phrase": phrases[n],
            "reason": "材料齐全" if n == 0 else "不符合条件",
            "typed_name": signer_on(pages[n]),
            "pin": PASSWORD,
        }
        barrier.wait()
        response = clerks[n].post(f"/staff/cases/{app_id}/decide", data=form)
        results[n] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=click, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(code for code, _ in results)
    assert codes == [303, 409], codes
    loser = next(body for code, body in results if code == 409)
    assert "该申请刚刚已被他人处理，请刷新页面查看最新状态" in loser

    with seeded.uow() as uow:
        decisions = [e for e in uow.audit.for_object("application", app_id) if e.action == "decide"]
        stored = uow.applications.get(app_id)
    assert len(decisions) == 1
    winner = phrases[[code for code, _ in results].index(303)]
    assert decisions[0].phrase == winner
    assert stored.version == 1 and [s.phrase for s in stored.history if s.phrase] == [winner]


def test_a_stale_form_is_refused_even_when_sent_later(client, citizen_headers, staff_client, seeded):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    clerk = staff_client("window1")
    page = case_page(clerk, app_id)
    stale = {"csrf": csrf_on(page), "version": version_on(page), "typed_name": signer_on(page), "pin": PASSWORD}
    assert clerk.post(f"/staff/cases/{app_id}/decide", data={**stale, "phrase": "同意受理"}).status_code == 303
    again = clerk.post(f"/staff/cases/{app_id}/decide", data={**stale, "phrase": "同意受理"})
    assert again.status_code == 409  # the same click twice (double submit) is not applied twice
    with seeded.uow() as uow:
        assert [e.phrase for e in uow.audit.for_object("application", app_id) if e.action == "decide"] == ["同意受理"]


def test_wrong_signature_pin_changes_nothing(client, citizen_headers, staff_client, seeded):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    clerk = staff_client("window1")
    page = case_page(clerk, app_id)
    form = {
        "csrf": csrf_on(page),
        "version": version_on(page),
        "phrase": "同意受理",
        "typed_name": signer_on(page),
        "pin": "wrong-pin",
    }
    response = clerk.post(f"/staff/cases/{app_id}/decide", data=form)
    assert response.status_code == 401 and "签名密码不正确" in response.get_data(as_text=True)
    without_csrf = clerk.post(f"/staff/cases/{app_id}/decide", data={**form, "csrf": "nope", "pin": PASSWORD})
    assert without_csrf.status_code == 400
    with seeded.uow() as uow:
        assert uow.applications.get(app_id).stage.value == "受理"


def test_a_hand_drawn_signature_is_kept_with_the_decision(client, citizen_headers, staff_client, seeded):
    app_id = submit(client, citizen_headers, application_body()).get_json()["id"]
    clerk = staff_client("window1")
    page = case_page(clerk, app_id)
    assert 'class="sign-pad"' in page and 'name="signature_png"' in page
    form = {
        "csrf": csrf_on(page),
        "version": version_on(page),
        "phrase": "同意受理",
        "typed_name": signer_on(page),
        "pin": PASSWORD,
    }
    broken = clerk.post(f"/staff/cases/{app_id}/decide", data={**form, "signature_png": "data:image/png;base64,@@"})
    assert broken.status_code == 400 and "手写签名图片无效" in broken.get_data(as_text=True)
    drawn = "data:image/png;base64," + png()
    assert clerk.post(f"/staff/cases/{app_id}/decide", data={**form, "signature_png": drawn}).status_code == 303
    assert "城关镇受理窗口（含手写签名）" in case_page(clerk, app_id)
    with seeded.uow() as uow:
        signature = uow.applications.get(app_id).history[-1].signature
    assert signature["typed_name"] == "城关镇受理窗口" and len(signature["sha256"]) == 64
    assert seeded.blobs.get(signature["drawn_key"]).startswith(b"\x89PNG")
