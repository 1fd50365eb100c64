"""Citizen pages on a village network: requests, bytes and first paint on an emulated slow 3G, cold and warm.

What is measured: each page in headless Chromium at a phone's size (390x844) with the network throttled by
Chromium itself (DevTools protocol: 400 ms round trip, 50 KB/s down and up, as DevTools' "Slow 3G").
"cold" is a fresh browser profile (nothing cached); "warm" is the same page opened again after another
page of the site, as a person moves through it. Requests and bytes are what crossed the (emulated) network,
compressed as sent; first paint is the browser's first-contentful-paint. The server is the real app with
the fictional 示范县's demo data, in this process.

Targets (issue 19): every page 2 requests or fewer cold and 1 warm (the stylesheet is cached, not
revalidated), under 16 KB, median first paint cold on slow 3G no slower than before this round (0.93 s then;
the worst page is printed too, but a loaded machine makes single paints noisy).
Usage: .venv/bin/python benchmarks/bench_pages.py
"""

import logging
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the browser checks shared with tests/e2e
from tests.e2e.a11y import axe_violations, targets  # noqa: E402
from yimen.bootstrap import build_services
from yimen.config import load_config
from yimen.entrypoints.web.app import create_app
from yimen.services.demo import county as demo

PAGES = ["/", "/policy", "/policy/dibao", "/selfcheck/size", "/status", "/ask"]
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _serve(data_dir: Path) -> str:
    server = make_server("127.0.0.1", 0, app=None, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    config = load_config(data_dir, wechat_api_base=f"{base}/wx-sim/", public_base_url=base)
    services = build_services(config)
    demo.seed(households=30, uow=services.uow, clock=services.clock)
    server.app = create_app(config, services)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return base


def _visit(page, cdp, url: str) -> dict:
    cached, crossed = set(), {}  # a file taken from the browser's cache never touched the network

    def from_cache(event):
        cached.add(event["requestId"])

    def finished(event):
        crossed[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.requestServedFromCache", from_cache)
    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="load")
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
    paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    cdp.remove_listener("Network.loadingFinished", finished)
    cdp.remove_listener("Network.requestServedFromCache", from_cache)
    sizes = [size for request, size in crossed.items() if request not in cached]
    return {"requests": len(sizes), "bytes": sum(sizes), "paint_ms": round(paint)}


def _accessibility(browser, base: str) -> None:
    """axe-core's WCAG 2.1 A/AA violations and the smallest control, per mode, over the same pages."""
    for big in (False, True):
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
        page = context.new_page()
        page.goto(base + "/")
        page.evaluate("on => localStorage.setItem('yimen-big', on ? '1' : '0')", big)
        violations, smallest = 0, None
        for path in PAGES:
            page.goto(base + path)
            violations += len(axe_violations(page))
            for t in targets(page):
                if smallest is None or min(t["width"], t["height"]) < min(smallest["width"], smallest["height"]):
                    smallest = {**t, "page": path}
        context.close()
        print(
            f"{'大字模式' if big else 'normal'}: {violations} axe WCAG 2.1 A/AA violations on {len(PAGES)} pages; "
            f"smallest control {smallest['width']}x{smallest['height']} px ({smallest['page']}: "
            f"{smallest['what'][:50]})"
        )


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        base = _serve(Path(tmp))
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        print(
            f"{'page':<18}{'cold req':>9}{'cold KB':>9}{'cold paint':>12}"
            f"{'warm req':>10}{'warm KB':>9}{'warm paint':>12}"
        )
        worst, paints = {"req_cold": 0, "req_warm": 0, "kb": 0.0, "paint": 0}, []
        for path in PAGES:
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            cold = _visit(page, cdp, base + path)
            _visit(page, cdp, base + ("/policy" if path == "/" else "/"))
            warm = _visit(page, cdp, base + path)
            context.close()
            print(
                f"{path:<18}{cold['requests']:>9}{cold['bytes'] / 1024:>9.1f}{cold['paint_ms']:>10} ms"
                f"{warm['requests']:>10}{warm['bytes'] / 1024:>9.1f}{warm['paint_ms']:>10} ms"
            )
            paints.append(cold["paint_ms"])
            worst = {
                "req_cold": max(worst["req_cold"], cold["requests"]),
                "req_warm": max(worst["req_warm"], warm["requests"]),
                "kb": max(worst["kb"], cold["bytes"] / 1024),
                "paint": max(worst["paint"], cold["paint_ms"]),
            }
        _accessibility(browser, base)
        browser.close()
    median = sorted(paints)[len(paints) // 2]
    print(
        f"worst: {worst['req_cold']} requests cold, {worst['req_warm']} warm, {worst['kb']:.1f} KB; first paint "
        f"cold on slow 3G: median {median} ms, worst {worst['paint']} ms"
    )
    ok = worst["req_cold"] <= 2 and worst["req_warm"] <= 1 and worst["kb"] < 16 and median <= 1100
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
