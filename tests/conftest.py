"""Shared fixtures: a real SQLite database in a temp dir, the WeChat imitation on a real port,
the Flask app and logged-in clients."""

import re
import threading
from datetime import datetime

import pytest
from werkzeug.serving import make_server

from yimen.bootstrap import build_services
from yimen.config import load_config
from yimen.entrypoints.web.app import create_app
from yimen.entrypoints.web.wechat_imitation import create_imitation_app
from yimen.ports import FixedClock


class LiveServer:
    """A WSGI app served over real HTTP on 127.0.0.1 in a background thread."""

    def __init__(self, app, port: int = 0):
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def imitation_app():
    return create_imitation_app()


@pytest.fixture(scope="session")
def wechat_imitation(imitation_app):
    server = LiveServer(imitation_app)
    yield server
    server.stop()


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 11, 25, 10, 0))


@pytest.fixture
def config_overrides() -> dict:
    """Config fields a test sets differently: `@pytest.mark.parametrize("config_overrides", [{...}])`."""
    return {}


@pytest.fixture
def config(tmp_path, wechat_imitation, config_overrides):
    defaults = {"wechat_api_base": wechat_imitation.url + "/wx-sim/", "public_base_url": "https://yimen.example.gov.cn"}
    return load_config(tmp_path / "data", **{**defaults, **config_overrides})


@pytest.fixture
def services(config, clock):
    return build_services(config, clock=clock)


@pytest.fixture
def app(config, services):
    app = create_app(config, services)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seeded(services):
    from yimen.services.demo import county as demo

    demo.seed(households=30, uow=services.uow, clock=services.clock)
    return services


@pytest.fixture
def citizen_headers(client):
    response = client.post("/api/v1/auth/wechat-login", json={"code": "test-citizen-code"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def login_staff(test_client, username: str, password: str = "yimen-demo-2026"):
    page = test_client.get("/staff/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = test_client.post("/staff/login", data={"username": username, "password": password, "csrf": csrf})
    assert response.status_code == 302, response.get_data(as_text=True)
    test_client.csrf = csrf
    return test_client


@pytest.fixture
def staff_client(app, seeded):
    """Factory: staff_client("window1") -> a test client logged in as that demo account."""
    return lambda username: login_staff(app.test_client(), username)
