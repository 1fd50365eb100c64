"""The app with 示范县's demo data on a real port, and the same data folder for the CLI."""

from datetime import datetime

import pytest

from tests.conftest import LiveServer
from tests.net import free_port
from yimen.bootstrap import build_services
from yimen.config import load_config
from yimen.entrypoints.web.app import create_app
from yimen.ports import FixedClock
from yimen.services.demo import county as demo


@pytest.fixture
def county(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = load_config(tmp_path, wechat_api_base=f"{base}/wx-sim/", public_base_url=base)
    services = build_services(config, clock=FixedClock(datetime(2026, 11, 25, 10, 0)))
    demo.seed(households=40, uow=services.uow, clock=services.clock)
    server = LiveServer(create_app(config, services), port)
    server.services, server.data_dir = services, tmp_path
    yield server
    server.stop()
