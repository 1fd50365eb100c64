"""Policy Q&A latency: every question of tests/policy/questions.tsv asked 5 times after the engine is
built (built once per process, not timed). Prints p50 / p95; target p50 <= 20 ms."""

import statistics
import sys
import time
from pathlib import Path

from yimen.services.policy_qa import policy_qa

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "policy" / "questions.tsv"
TARGET_MS = 20.0


def main() -> None:
    questions = [line.split("\t")[0] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#")]
    started = time.perf_counter()
    qa = policy_qa()
    print(f"engine built in {time.perf_counter() - started:.2f} s (once per process)")
    times = []
    for _ in range(5):
        for q in questions:
            t = time.perf_counter()
            qa.ask(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95)]
    print(f"{len(times)} questions: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms "
          f"(target p50 <= {TARGET_MS:.0f} ms)")
    if p50 > TARGET_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
