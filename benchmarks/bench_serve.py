"""`yimen serve` on waitress (the default) against Werkzeug's development server, in the same run:
requests per second and p99 latency of a mixed citizen/staff workload over real HTTP.

Both serve the same SQLite data folder (the demo county plus its demo cases). CLIENTS threads
each keep one connection and loop for SECONDS: 70% citizen requests (H5 home, policy pages, the
policy list API, my households with a bearer token) and 30% staff (the queue, a case page) with a
logged-in session. The load generator shares the machine's two cores with the server, so the
figures are a comparison, not a capacity: read the ratio."""

import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.net import free_port, wait_until_up  # noqa: E402

YIMEN = str(Path(sys.executable).with_name("yimen"))
CLIENTS, SECONDS, WARMUP = 16, 12, 2
CITIZEN_PAGES = ["/", "/policy", "/policy/dibao", "/api/v1/policy/items"]


def start(server: str, data_dir: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [YIMEN, "serve", "--data-dir", data_dir, "--port", str(port), "--server", server],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}/healthz", seconds=90)
    return process


def staff_session(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/staff/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    session.post(base + "/staff/login", data={"csrf": csrf, "username": "window1", "password": "yimen-demo-2026"})
    return session


def citizen_session(base: str, n: int) -> requests.Session:
    session = requests.Session()
    token = session.post(base + "/api/v1/auth/wechat-login", json={"code": f"bench-serve-{n}"}).json()["token"]
    session.headers["authorization"] = f"Bearer {token}"
    return session


def drive(base: str) -> tuple[float, float, int]:
    """(requests per second, p99 seconds, errors) over SECONDS after WARMUP."""
    staff = [staff_session(base) for _ in range(CLIENTS)]
    cases = re.findall(r'/staff/cases/([0-9a-f-]{8,})"', staff[0].get(base + "/staff/cases/").text) or [""]
    citizens = [citizen_session(base, n) for n in range(CLIENTS)]
    latencies: list[float] = []
    errors = [0]
    stop_at = time.monotonic() + WARMUP + SECONDS
    measure_from = time.monotonic() + WARMUP

    def client(n: int) -> None:
        rng = random.Random(n)
        while (now := time.monotonic()) < stop_at:
            if rng.random() < 0.3:
                session = staff[n]
                path = rng.choice(["/staff/cases/", f"/staff/cases/{rng.choice(cases)}"])
            else:
                session = citizens[n]
                path = rng.choice([*CITIZEN_PAGES, "/api/v1/me/households"])
            response = session.get(base + path, timeout=30)
            took = time.monotonic() - now
            if now >= measure_from:
                latencies.append(took)
                errors[0] += response.status_code >= 400

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / SECONDS, statistics.quantiles(latencies, n=100)[98], errors[0]


def main() -> int:
    with tempfile.TemporaryDirectory() as data_dir:
        subprocess.run(
            [YIMEN, "demo-data", "--data-dir", data_dir, "--households", "200"], check=True, capture_output=True
        )
        subprocess.run([YIMEN, "demo-cases", "--data-dir", data_dir], check=True, capture_output=True)
        results = {}
        for server in ("werkzeug", "waitress"):
            port = free_port()
            process = start(server, data_dir, port)
            try:
                results[server] = drive(f"http://127.0.0.1:{port}")
            finally:
                process.terminate()
                process.wait(timeout=30)
    print(f"mixed citizen/staff load, {CLIENTS} keep-alive clients, {SECONDS} s each, same data, same run")
    for server, (rps, p99, errors) in results.items():
        label = "Werkzeug development server" if server == "werkzeug" else "waitress (yimen serve, 8 threads)"
        print(f"{label:36s} {rps:7.1f} req/s   p99 {p99 * 1000:6.0f} ms   errors {errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
