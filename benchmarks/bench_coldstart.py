"""Cold-start proxy for the API Lambda: the import time of functions/api.py in a fresh interpreter,
beside `import flask` alone (the least any Flask-on-Lambda handler pays). Target: ratio <= 2x.

Each figure is the median of several fresh interpreters. The slowest modules (self time, from
`python -X importtime`) are listed so a regression points at its cause."""

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
TARGET = 2.0
# The first event also builds the app (every blueprint's imports, a migrated SQLite file in a temp folder):
# printed so that a heavy import slipping into a blueprint (numpy, jieba) shows here.
FIRST_EVENT = ("import tempfile; import functions.api; from yimen.config import load_config; "
               "from yimen.web.app import create_app; create_app(load_config(tempfile.mkdtemp()))")


def import_seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout) for _ in range(RUNS)]
    return statistics.median(times)


def slowest_modules(statement: str, count: int = 5) -> list[tuple[int, str]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", statement], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            self_us, _, name = line.removeprefix("import time:").split("|")
            rows.append((int(self_us), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> int:
    flask = import_seconds("import flask")
    api = import_seconds("import functions.api")
    ratio = api / flask
    print(f"import flask            {flask * 1000:7.1f} ms")
    print(f"import functions.api    {api * 1000:7.1f} ms")
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"cold-start ratio        {ratio:7.2f}x  (target <= {TARGET:.0f}x: {verdict})")
    print(f"first event: import + create_app {import_seconds(FIRST_EVENT) * 1000:7.1f} ms")
    print("slowest modules behind functions.api (self time):")
    for self_us, name in slowest_modules("import functions.api"):
        print(f"  {self_us / 1000:7.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
