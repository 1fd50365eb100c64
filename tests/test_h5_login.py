"""H5 login through WeChat web OAuth, against the imitation over real HTTP."""

from urllib.parse import urlsplit

import requests


def _login(client, browser: requests.Session, next_path="/"):
    start = client.get(f"/login?next={next_path}")
    assert start.status_code == 302 and "/wx-sim/connect/oauth2/authorize" in start.location
    approved = browser.get(start.location, allow_redirects=False)  # the imitation's consent page
    callback = urlsplit(approved.headers["Location"])
    assert callback.path == "/oauth/callback"
    return client.get(f"{callback.path}?{callback.query}")


def test_web_oauth_logs_the_browser_in_and_returns_to_next(client):
    done = _login(client, requests.Session(), "/status")
    assert done.status_code == 302 and done.location == "/status"
    with client.session_transaction() as session:
        token = session["citizen_token"]
    assert token


def test_same_browser_gets_the_same_openid(app, services):
    auth = services.auth
    browser = requests.Session()
    openids = []
    for _ in range(2):
        c = app.test_client()
        _login(c, browser)
        with c.session_transaction() as session:
            openids.append(auth.citizen_from_token(session["citizen_token"]).id)
    other = app.test_client()
    _login(other, requests.Session())
    with other.session_transaction() as session:
        stranger = auth.citizen_from_token(session["citizen_token"]).id
    assert openids[0] == openids[1] != stranger


def test_forged_state_is_refused(client):
    assert client.get("/oauth/callback?code=web-abc-1&state=forged").status_code == 400


def test_next_cannot_leave_the_site(client):
    done = _login(client, requests.Session(), "//evil.example.com/")
    assert done.location == "/"
