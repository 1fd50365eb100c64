"""Browser tests: the whole app on a real port, driven by Playwright in Debian's headless Chromium
at a phone's size. Any console error fails the test; screenshots go to test-artifacts/screenshots/."""

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import LiveServer
from tests.net import free_port
from yimen.bootstrap import build_services
from yimen.config import load_config
from yimen.entrypoints.web.app import create_app
from yimen.ports import FixedClock
from yimen.services.demo import county as demo

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = load_config(tmp_path_factory.mktemp("site"), wechat_api_base=f"{base}/wx-sim/", public_base_url=base)
    services = build_services(config, clock=FixedClock(datetime(2026, 11, 25, 10, 0)))
    demo.seed(households=30, uow=services.uow, clock=services.clock)
    server = LiveServer(create_app(config, services), port)
    server.services = services
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it with apt-get (scripts/apt-packages.txt)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _checked_page(browser, **context_options):
    """A page whose console errors fail the test at teardown."""
    context = browser.new_context(locale="zh-CN", device_scale_factor=1, **context_options)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"console errors: {errors}"


@pytest.fixture
def page(browser):
    """A phone: 390x844, touch."""
    yield from _checked_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


@pytest.fixture
def desktop_page(browser):
    """A township office PC, where the staff console is used."""
    yield from _checked_page(browser, viewport={"width": 1366, "height": 768})


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
