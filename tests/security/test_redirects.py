"""Finding 7 (and 8's newline): after login, and in the imitation's OAuth, only paths on this site."""

import re
from urllib.parse import quote, urlencode, urlsplit

import pytest
import requests

from tests.conftest import login_staff

HOSTILE = [
    "/\t/evil.example",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "/\n/evil.example",
    "/status\r\nSet-Cookie: x=1",
    " //evil.example",
    "/\x7f/evil.example",
]


def _after_login(client, next_value: str) -> str:
    start = client.get("/login?" + urlencode({"next": next_value}))
    assert start.status_code == 302
    approved = requests.get(start.location, allow_redirects=False, timeout=5)
    callback = urlsplit(approved.headers["Location"])
    done = client.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 302
    return done.headers["Location"]


@pytest.mark.parametrize("next_value", HOSTILE)
def test_h5_login_returns_only_to_a_path_on_this_site(app, next_value):
    assert _after_login(app.test_client(), next_value) == "/"


def test_h5_login_keeps_an_ordinary_path(client):
    assert _after_login(client, "/status?id=1") == "/status?id=1"


def test_a_tab_encoded_in_the_query_string_is_refused(client):
    """The probe's exact request: /login?next=/%09/evil.example."""
    start = client.get("/login?next=/%09/evil.example")
    approved = requests.get(start.location, allow_redirects=False, timeout=5)
    callback = urlsplit(approved.headers["Location"])
    assert client.get(f"{callback.path}?{callback.query}").headers["Location"] == "/"


@pytest.mark.parametrize("next_value", ["/staff/\n/x", "//evil.example/staff/", "/staff/\t/evil"])
def test_staff_login_next_stays_in_the_console(app, seeded, next_value):
    c = app.test_client()
    page = c.get("/staff/login?next=" + quote(next_value)).get_data(as_text=True)

    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    done = c.post(
        "/staff/login?next=" + quote(next_value),
        data={"username": "window1", "password": "yimen-demo-2026", "csrf": csrf},
    )
    assert done.status_code == 302 and done.headers["Location"] == "/staff/"
    assert login_staff(app.test_client(), "window2")  # an ordinary login still works


@pytest.mark.parametrize(
    "target", ["https://evil.example/steal", "//evil.example/x", "/\t/evil.example", "javascript:alert(1)", ""]
)
def test_imitation_authorize_never_leaves_its_site(wechat_imitation, target):
    response = requests.get(
        f"{wechat_imitation.url}/wx-sim/connect/oauth2/authorize",
        params={"redirect_uri": target, "state": "s"},
        allow_redirects=False,
        timeout=5,
    )
    location = response.headers.get("Location", "")
    assert not urlsplit(location).netloc and not location.startswith("//") and "\t" not in location
    if response.status_code == 302:
        assert location.startswith("/") and "evil" not in location.split("?")[0].replace("/x", "")


def test_imitation_authorize_returns_to_the_callback_path(wechat_imitation):
    response = requests.get(
        f"{wechat_imitation.url}/wx-sim/connect/oauth2/authorize",
        params={"redirect_uri": "https://yimen.example.gov.cn/oauth/callback", "state": "s1"},
        allow_redirects=False,
        timeout=5,
    )
    location = urlsplit(response.headers["Location"])
    assert (response.status_code, location.netloc, location.path) == (302, "", "/oauth/callback")
    assert "state=s1" in location.query and "code=web-" in location.query
