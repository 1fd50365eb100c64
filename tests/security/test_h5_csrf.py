"""Finding 8: citizen H5 forms carry a per-session token; a post from another site (no token) changes nothing."""

import re

import pytest

from tests.workflow.helpers import application_body, submit


def _login(client) -> dict:
    token = client.post("/api/v1/auth/wechat-login", json={"code": "csrf-citizen"}).get_json()["token"]
    with client.session_transaction() as session:
        session["citizen_token"] = token
    return {"Authorization": f"Bearer {token}"}


def test_withdraw_from_another_site_is_refused_and_the_page_form_works(client, seeded):
    headers = _login(client)
    app_id = submit(client, headers, application_body()).get_json()["id"]
    forged = client.post(f"/my/{app_id}/withdraw", data={"reason": "不想要了"})
    assert forged.status_code == 400
    assert client.get(f"/api/v1/applications/{app_id}", headers=headers).get_json()["stage"] == "受理"
    page = client.get(f"/my/{app_id}").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    done = client.post(f"/my/{app_id}/withdraw", data={"reason": "不想要了", "csrf": token})
    assert done.status_code in (302, 303)
    assert client.get(f"/api/v1/applications/{app_id}", headers=headers).get_json()["stage"] == "已撤回"


@pytest.mark.parametrize("path", ["/ask", "/complaint", "/bind", "/apply"])
def test_every_citizen_form_needs_the_token(client, seeded, path):
    _login(client)
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'name="csrf" value="[^"]+"', page), path
    assert client.post(path, data={"question": "低保", "step": "code", "code": "123456"}).status_code == 400
