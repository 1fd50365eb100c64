"""Peak server memory under a burst of oversized photos (issue 18, finding 3).

The probe sent 12 concurrent 143 KB PNGs of 7000x7000 to /api/v1/ocr/idcard and took the server from
387 MB to 6.5 GB. Here the real app runs in its own process (werkzeug, threaded, the OCR engine loaded by a
warm-up request); 12 threads send the same kind of PNG at once, and the server's resident memory is read
from /proc every 10 ms. Printed: memory after warm-up, peak during the burst, the answers, and whether the
target (peak under 1 GB) is met. What bounds it: photos.py works on at most MAX_DECODES photos at once,
shrinks each right after decoding, and keeps glibc from holding freed image blocks in per-thread heaps.
Usage: .venv/bin/python benchmarks/bench_photo_burst.py
"""

import io
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.net import free_port, wait_until_up  # noqa: E402
from tests.ocr import cardgen  # noqa: E402
from tests.security.images import blank_png  # noqa: E402

BURST, EDGE, TARGET_MB = 12, 7000, 1024
SERVER = """
import logging, sys
from werkzeug.serving import run_simple
from yimen.config import load_config
from yimen.entrypoints.web.app import create_app
logging.getLogger("werkzeug").setLevel(logging.ERROR)
port = int(sys.argv[1])
app = create_app(load_config(sys.argv[2], wechat_api_base=f"http://127.0.0.1:{port}/wx-sim/"))
run_simple("127.0.0.1", port, app, threaded=True)
"""


def card_photo() -> bytes:
    """A synthetic ID card on a table: the warm-up really reads it, so the OCR engine is loaded."""
    rng = random.Random(18)
    buffer = io.BytesIO()
    card = cardgen.on_table(cardgen.draw_front(cardgen.make_person(rng), rng), rng)
    cardgen.to_rgb(card).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


class PeakWatcher(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.01)


def main() -> int:
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="yimen-burst-")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "backend")}
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port), data_dir], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz", 60)
        token = requests.post(base + "/api/v1/auth/wechat-login", json={"code": "burst"}, timeout=30).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        photo = blank_png(EDGE, EDGE)
        warm = requests.post(
            base + "/api/v1/ocr/idcard",
            headers=headers,
            timeout=300,
            files={"image": ("card.jpg", card_photo(), "image/jpeg")},
        )
        before = rss_mb(server.pid)
        watcher = PeakWatcher(server.pid)
        watcher.start()
        answers: list[int] = []

        def send() -> None:
            response = requests.post(
                base + "/api/v1/ocr/idcard",
                headers=headers,
                timeout=600,
                files={"image": ("big.png", photo, "image/png")},
            )
            answers.append(response.status_code)

        started = time.perf_counter()
        threads = [threading.Thread(target=send) for _ in range(BURST)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        watcher.running = False
        watcher.join()
    finally:
        server.terminate()
        server.wait(30)
    print(f"photo burst: {BURST} x {EDGE}x{EDGE} PNG ({len(photo) / 1024:.0f} KB each) to /api/v1/ocr/idcard")
    print(f"  warm-up (a real card)    {warm.status_code}")
    print(f"  server memory before     {before:7.0f} MB")
    print(
        f"  server memory peak       {watcher.peak:7.0f} MB  (target < {TARGET_MB} MB: "
        f"{'met' if watcher.peak < TARGET_MB else 'NOT met'})"
    )
    print(f"  answers                  {dict(Counter(answers))} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
