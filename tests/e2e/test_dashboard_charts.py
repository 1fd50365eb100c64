"""The centre's dashboard draws its charts in a real browser, with data, from the project's own Chart.js."""

import shutil
from datetime import date
from pathlib import Path

from tests.e2e.conftest import shot
from tests.e2e.test_staff_console import _login
from yimen.domain.model import AidRecord
from yimen.domain.outreach import OutreachEntry
from yimen.entrypoints.cli.demo import demo_cases

SHOTS = Path("/work/wt/shots")


def _some_money_and_warnings(services) -> None:
    with services.uow() as uow:
        households = list(uow.households.iter_in_area("990101001"))[:3]
        for n, h in enumerate(households):
            uow.aid_records.add(
                AidRecord(
                    h.id,
                    "dibao",
                    "最低生活保障",
                    "县民政局",
                    "发放低保金",
                    70000 + n * 100,
                    date(2026, 10 + n % 2, 10),
                    "platform",
                    f"chart-test-{n}",
                    "2026-10",
                )
            )
            h.outreach.append(
                OutreachEntry(
                    "意外事故",
                    "意外事故",
                    "yellow",
                    date(2026, 11, 2),
                    date(2026, 11, 9),
                    ["linshi-jinan"],
                    ["发生意外事故"],
                    ref=f"chart-test-{n}",
                )
            )
            uow.households.update(h)


def test_each_dashboard_chart_renders_with_data(desktop_page, site):
    page = desktop_page
    demo_cases(site.services)
    _some_money_and_warnings(site.services)
    _login(page, site, "centre")
    page.goto(site.url + "/staff/cases/dashboard")
    ids = page.eval_on_selector_all("figure.chart canvas", "els => els.map(e => e.id)")
    assert set(ids) >= {"chart-by-stage", "chart-paid", "chart-warnings", "chart-index"}, ids
    for canvas_id in ids:
        drawn = page.evaluate(
            """id => {
            const canvas = document.getElementById(id), chart = Chart.getChart(canvas);
            const total = chart.data.datasets.reduce((s, d) => s + d.data.reduce((a, b) => a + b, 0), 0);
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let inked = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
            return { total, inked, labels: chart.data.labels.length, script: Chart.version };
        }""",
            canvas_id,
        )
        assert drawn["total"] > 0 and drawn["labels"] > 0 and drawn["inked"] > 1000, (canvas_id, drawn)
    assert page.evaluate("Chart.version") == "4.6.2"
    script = page.get_attribute("script[src*='chart.umd.min.js']", "src")
    assert script.startswith("/static/vendor/chart.umd.min.js?v=")  # served from the project, no CDN
    path = shot(page, "staff-dashboard-charts")
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / "dashboard-charts.png")


def test_the_vendored_chart_library_is_the_pinned_package():
    root = Path(__file__).resolve().parents[2]
    vendored = root / "templates" / "static" / "vendor" / "chart.umd.min.js"
    assert vendored.read_bytes() == (root / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js").read_bytes()
