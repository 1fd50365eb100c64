"""`yimen happiness print`: a sheet per household, a village file in delivery order, resumable."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from yimen.domain.happiness import Quarter
from yimen.entrypoints.cli.main import main
from yimen.services.demo import county as demo
from yimen.services.happiness.lists import TOKEN_NS, current_token
from yimen.services.happiness.pdf import Printer, PrintOptions
from yimen.services.happiness.printing import collect, run_print


def households_with_aid(services) -> dict[str, str]:
    """household id -> village code, for households with 2026 aid."""
    with services.uow() as uow:
        return {
            h.id: h.village_code
            for h in uow.households.iter_in_area("")
            if any(r.paid_on.year == 2026 for r in uow.aid_records.list_for_household(h.id))
        }


def sheets(out: Path) -> dict[str, Path]:
    return {p.stem: p for p in (out / "households").rglob("*.pdf")}


def test_print_command_writes_sheets_and_village_files(seeded, config, tmp_path):
    out = tmp_path / "print"
    result = CliRunner().invoke(
        main,
        [
            "happiness",
            "print",
            "--quarter",
            "2026Q4",
            "--out",
            str(out),
            "--data-dir",
            str(config.data_dir),
            "--workers",
            "2",
        ],
        env={"YIMEN_PUBLIC_BASE_URL": "https://yimen.example.gov.cn"},
    )
    assert result.exit_code == 0, result.output
    expected = households_with_aid(seeded)
    assert expected and set(sheets(out)) == set(expected)
    assert f"本次打印 {len(expected)} 户" in result.output
    assert json.loads((out / "manifest.json").read_text())["quarter"] == "2026Q4"
    for village in set(expected.values()):
        members = [h for h, v in expected.items() if v == village]
        combined = PdfReader(out / "villages" / f"{village}.pdf")
        single_pages = sum(len(PdfReader(sheets(out)[h]).pages) for h in members)
        assert len(combined.pages) == single_pages  # every household once, none twice
    with seeded.uow() as uow:  # printing issued live codes
        assert all(uow.kv.get(TOKEN_NS, current_token(uow, h)) for h in expected)


def test_publish_sends_each_file_once(seeded, config, tmp_path):
    out = tmp_path / "print"
    args = [
        "happiness",
        "print",
        "--quarter",
        "2026Q4",
        "--out",
        str(out),
        "--data-dir",
        str(config.data_dir),
        "--workers",
        "1",
        "--publish",
    ]
    env = {"YIMEN_PUBLIC_BASE_URL": "https://yimen.example.gov.cn"}
    first = CliRunner().invoke(main, args, env=env)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert f"已上传 {len(files)} 个文件" in first.output
    stored = config.blob_dir / "happiness" / "2026Q4"
    assert sorted(p.relative_to(stored).as_posix() for p in stored.rglob("*.pdf")) == files
    assert "已上传 0 个文件" in CliRunner().invoke(main, args, env=env).output


def test_township_filter_and_other_quarter_refused(seeded, config, tmp_path):
    out = tmp_path / "print"
    args = ["happiness", "print", "--out", str(out), "--data-dir", str(config.data_dir), "--workers", "1"]
    env = {"YIMEN_PUBLIC_BASE_URL": "https://yimen.example.gov.cn"}
    assert CliRunner().invoke(main, [*args, "--quarter", "2026Q4", "--township", "990101002"], env=env).exit_code == 0
    assert {p.parent.name[:9] for p in sheets(out).values()} == {"990101002"}
    other = CliRunner().invoke(main, [*args, "--quarter", "2026Q3"], env=env)
    assert other.exit_code == 1 and "已有另一批打印（2026Q4）" in other.output


def test_collect_pages_through_the_county(seeded):
    whole, empty = collect(
        Quarter(2026, 4), uow=seeded.uow, clock=seeded.clock, public_base_url=seeded.config.public_base_url
    )
    paged, paged_empty = collect(
        Quarter(2026, 4), page_size=7, uow=seeded.uow, clock=seeded.clock, public_base_url=seeded.config.public_base_url
    )
    assert paged == whole and paged_empty == empty
    assert sum(len(items) for items in whole.values()) + empty == 30


def test_rerun_prints_only_what_is_missing(seeded, tmp_path):
    out, quarter = tmp_path / "print", Quarter(2026, 4)
    by_village, _ = collect(quarter, uow=seeded.uow, clock=seeded.clock, public_base_url=seeded.config.public_base_url)
    first = run_print(by_village, out, quarter, PrintOptions(), Printer(seeded.pdf, seeded.qr), progress=False)
    victim = next(iter(sheets(out).values()))
    victim.unlink()
    (victim.parent / f"{victim.name}.part-99999").write_bytes(b"%PDF-half")  # an interrupted write
    other_village = next(p for p in (out / "villages").glob("*.pdf") if p.stem != victim.parent.name)
    untouched = other_village.stat().st_mtime_ns
    second = run_print(by_village, out, quarter, PrintOptions(), Printer(seeded.pdf, seeded.qr), progress=False)
    assert (second.printed, second.already_done, second.villages) == (1, first.printed - 1, 1)
    assert victim.exists() and not list(out.rglob("*.part-*"))
    assert other_village.stat().st_mtime_ns == untouched


def test_killed_run_resumes_without_duplicates(services, config, tmp_path):
    demo.seed(households=240, uow=services.uow, clock=services.clock)
    expected = households_with_aid(services)
    out = tmp_path / "print"
    yimen = str(Path(sys.executable).with_name("yimen"))
    command = [
        yimen,
        "happiness",
        "print",
        "--quarter",
        "2026Q4",
        "--out",
        str(out),
        "--data-dir",
        str(config.data_dir),
        "--workers",
        "1",
    ]
    env = {**os.environ, "YIMEN_PUBLIC_BASE_URL": "https://yimen.example.gov.cn"}
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(sheets(out)) < 5 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    run.send_signal(signal.SIGKILL)
    run.wait()
    if run.returncode == 0:
        pytest.skip("the print finished before it could be interrupted")
    done_before = len(sheets(out))
    assert 0 < done_before < len(expected)
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert f"本次打印 {len(expected) - done_before} 户，此前已打印 {done_before} 户" in resumed.stdout
    assert set(sheets(out)) == set(expected) and not list(out.rglob("*.part-*"))
    for village in set(expected.values()):
        pages = len(PdfReader(out / "villages" / f"{village}.pdf").pages)
        assert pages == sum(len(PdfReader(sheets(out)[h]).pages) for h, v in expected.items() if v == village)
