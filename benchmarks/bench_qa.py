"""Policy Q&A latency: every labelled question (data/policy_questions/*.tsv) asked 3 times after the engine
is built (built once per process, timed apart). Prints p50 / p95; target p95 <= 50 ms. Also the first
answer of a fresh process (imports, engine build, one question), which the first official-account message
after a cold start waits for: WeChat gives up after 5 s."""

import statistics
import subprocess
import sys
import time

from yimen.domain.policy import catalogue
from yimen.services.policy.qa import DATA, build_policy_qa
from yimen.services.policy.qa.intent_model import load_questions

TARGET_P95_MS = 50.0
# wall time and CPU time: on a shared, loaded machine the wall time is several times the CPU time, which
# is what one idle core (a Lambda instance) would take
COLD = (
    "import resource, time; t = time.perf_counter(); from yimen.domain.policy import catalogue; "
    "from yimen.services.policy.qa import build_policy_qa; "
    "build_policy_qa(catalogue()).ask('俺娘八十多了 高龄津贴和低保能一块领不'); "
    "r = resource.getrusage(resource.RUSAGE_SELF); "
    "print(time.perf_counter() - t, r.ru_utime + r.ru_stime)"
)


def main() -> None:
    questions = [q for path in sorted((DATA / "policy_questions").glob("*.tsv")) for q, _, _ in load_questions(path)]
    started = time.perf_counter()
    qa = build_policy_qa(catalogue())
    print(f"engine built in {time.perf_counter() - started:.2f} s (once per process)")
    times = []
    for _ in range(3):
        for q in questions:
            t = time.perf_counter()
            qa.ask(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95)]
    print(
        f"{len(times)} questions: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms "
        f"(target p95 <= {TARGET_P95_MS:.0f} ms)"
    )
    done = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True)
    wall, cpu = map(float, done.stdout.split())
    print(f"first answer of a fresh process: {wall:.2f} s wall, {cpu:.2f} s CPU (WeChat waits 5 s for a reply)")
    if p95 > TARGET_P95_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
