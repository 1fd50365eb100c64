"""The quarterly print in resumable chunks (services/happiness/batch.py): a village per chunk when the
time is spent, the cursor names the next, each village published and its temp folder removed, progress
shown to the centre, and a chunk run again skips what is already published."""

import tempfile
from pathlib import Path

from yimen.domain.happiness import Quarter
from yimen.services.happiness.batch import Chunk, print_chunk
from yimen.services.happiness.pdf import Printer

QUARTER = Quarter(2026, 4)
TOWNSHIP = "990101001"


def _chunk(services, cursor: str | None, seconds: float) -> Chunk:
    s = services
    printer = Printer(s.pdf, s.qr)
    return print_chunk(
        QUARTER,
        TOWNSHIP,
        cursor,
        seconds,
        uow=s.uow,
        clock=s.clock,
        blobs=s.blobs,
        printer=printer,
        public_base_url=s.config.public_base_url,
    )


def _leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("happiness-*")}


def test_chunks_follow_the_cursor_until_the_township_is_done(seeded, staff_client):
    before = _leftovers()
    cursors, chunk = [], _chunk(seeded, None, 0)
    while chunk.next_village:
        cursors.append(chunk.next_village)
        assert chunk.villages_printed == 1  # time spent: one village, then hand over
        page = staff_client("centre").get("/staff/happiness/printing?quarter=2026Q4").get_data(as_text=True)
        assert "进行中" in page and f"{len(cursors)} / " in page
        chunk = _chunk(seeded, chunk.next_village, 0)
    assert cursors and cursors == sorted(cursors) and all(c.startswith(TOWNSHIP) for c in cursors)
    for village in [*cursors]:
        pdf = seeded.blobs.get(f"happiness/{QUARTER}/villages/{village}.pdf")
        assert pdf.startswith(b"%PDF-")
    assert _leftovers() <= before  # every village's temp folder is gone

    page = staff_client("centre").get("/staff/happiness/printing?quarter=2026Q4").get_data(as_text=True)
    assert "城关镇" in page and "已完成" in page and "青山乡" in page and "未开始" in page
    again = _chunk(seeded, None, 600)  # a redelivered first chunk
    assert again == type(again)(None, 0)  # everything was published: nothing printed twice


def test_only_the_centre_sees_the_printing_progress(seeded, staff_client):
    refused = staff_client("window1").get("/staff/happiness/printing")
    assert refused.status_code == 403 and "救助中心" in refused.get_data(as_text=True)
    bad = staff_client("centre").get("/staff/happiness/printing?quarter=2026Q9")
    assert bad.status_code == 400 and "季度“2026Q9”格式不对" in bad.get_data(as_text=True)
