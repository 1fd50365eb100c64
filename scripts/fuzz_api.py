"""Fuzz every operation of the OpenAPI document with schemathesis, as a citizen and as a clerk.

The real app runs in its own process on a free port over a fresh data folder with the fictional demo county
(`yimen demo-data`, `yimen demo-cases`). A citizen token (WeChat login through the bundled imitation) and a
staff API token (window1) are taken first; schemathesis then runs once with each (staff logout left out, so
the token lasts the run), each run bounded by --max-time. The server's own request log (route pattern and
status, one line per request) is counted, so the figures are what the server answered, whatever schemathesis
reports. Fails (exit 1) on any 5xx.
Usage: make fuzz   (or .venv/bin/python scripts/fuzz_api.py [seconds per run, default 90])
"""

import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.net import free_port, wait_until_up  # noqa: E402

BIN = Path(sys.executable).parent
SERVER = """
import logging, sys
from werkzeug.serving import run_simple
from yimen.config import load_config
from yimen.entrypoints.web.app import create_app
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
logging.getLogger("werkzeug").setLevel(logging.ERROR)
port = int(sys.argv[1])
app = create_app(load_config(sys.argv[2], wechat_api_base=f"http://127.0.0.1:{port}/wx-sim/",
                             public_base_url=f"http://127.0.0.1:{port}"))
run_simple("127.0.0.1", port, app, threaded=True)
"""
LOG_LINE = re.compile(r"^yimen\.http (\S+) (\S+) -> (\d{3})$")


def tokens(base: str) -> dict[str, str]:
    citizen = requests.post(f"{base}/api/v1/auth/wechat-login", json={"code": "fuzz-citizen"}, timeout=30)
    staff = requests.post(
        f"{base}/api/v1/staff/login", json={"username": "window1", "password": "yimen-demo-2026"}, timeout=30
    )
    return {"citizen": citizen.json()["token"], "staff": staff.json()["token"]}


def fuzz(base: str, who: str, token: str, seconds: int) -> int:
    command = [
        str(BIN / "st"),
        "run",
        f"{base}/api/openapi.json",
        "--url",
        base,
        "-H",
        f"Authorization: Bearer {token}",
        "--checks",
        "not_a_server_error",
        "--max-time",
        str(seconds),
        "--max-examples",
        "25",
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--seed",
        "18",
        "--suppress-health-check",
        "all",
        "--warnings",
        "off",
        "--continue-on-failure",
        "--exclude-path-regex",
        "^/wx-sim/|^/api/v1/staff/logout$",
    ]
    print(f"== schemathesis as {who} ({seconds} s)", flush=True)
    return subprocess.run(command, cwd=ROOT, timeout=seconds + 120).returncode


def main() -> int:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 90
    data_dir = tempfile.mkdtemp(prefix="yimen-fuzz-")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "backend")}
    for command in ("demo-data", "demo-cases"):
        subprocess.run([str(BIN / "yimen"), command, "--data-dir", data_dir], env=env, check=True, capture_output=True)
    port = free_port()
    log_path = Path(data_dir) / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port), data_dir], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz", 60)
        for who, token in tokens(base).items():
            fuzz(base, who, token, seconds)
    finally:
        server.terminate()
        server.wait(30)
    answers = [LOG_LINE.match(line) for line in log_path.read_text().splitlines()]
    answers = [m for m in answers if m]
    errors = Counter(f"{m[1]} {m[2]} -> {m[3]}" for m in answers if m[3].startswith("5"))
    print(f"requests fuzzed (answered by the server): {len(answers)}")
    print(f"statuses: {dict(sorted(Counter(m[3] for m in answers).items()))}")
    print(f"5xx found: {sum(errors.values())}")
    for line, count in errors.most_common():
        print(f"  {count:5d}  {line}")
    if errors:
        tracebacks = [line for line in log_path.read_text().splitlines() if "Error" in line][:20]
        print("\n".join(tracebacks))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
