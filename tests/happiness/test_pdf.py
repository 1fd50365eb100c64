"""The printed sheet: Chinese font embedded, the content is on the page, the printed QR scans, and
on A5 the type is as large as on A4 (a real layout, not the A4 page shrunk)."""

import io
import math
import shutil
import subprocess
from datetime import date

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from tests.happiness.conftest import aid, scan_qr
from yimen.adapters.pdf_reportlab import ReportlabPdf
from yimen.adapters.qr import QrcodeEncoder
from yimen.domain.happiness import Disclosure, Quarter, build_list
from yimen.services.happiness.pdf import (
    BODY,
    NO_LINE_END,
    NO_LINE_START,
    SHEETS,
    SMALL,
    Printer,
    PrintOptions,
    wrap,
)

URL = "https://yimen.example.gov.cn/h/Zq3x9LmPa0bYc4dEf7gHi2jK"
MM = 72 / 25.4
PDF = ReportlabPdf()
render_pdf = Printer(PDF, QrcodeEncoder()).render


@pytest.fixture
def sheet(family, family_records) -> bytes:
    view = build_list(
        family,
        family_records,
        today=date(2026, 11, 25),
        disclosure=Disclosure.PRINT,
        through=Quarter(2026, 4),
        office="示范县社会救助服务中心，电话 12345",
    )
    return render_pdf(view, URL, PrintOptions(issuer="示范县社会救助服务中心", subtitle="2026年第4季度送达"))


def test_every_font_is_the_embedded_cjk_font(sheet):
    fonts = [
        f.get_object() for page in PdfReader(io.BytesIO(sheet)).pages for f in page["/Resources"]["/Font"].values()
    ]
    assert fonts
    for font in fonts:
        assert "WenQuanYiMicroHei" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"], f"{font['/BaseFont']} is not embedded"


def test_sheet_text(sheet):
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet)).pages)
    for expected in (
        "幸福清单",
        "张建国",
        "9901**********1232",
        "肢体残疾二级",
        "县慈善总会",
        "3000.00",
        "帮扶资金合计：4900.00元",
        "第4季度 3840.00元",
        "以上信息如有疑问请联系帮扶干部王丽",
    ):
        assert expected in text.replace("\n", ""), expected
    assert "990101195003041232" not in text  # never a full ID number on paper
    assert "临时救助" not in text  # 2025's aid is not on the 2026 sheet


DEEP_RED_PAPER_BGR = np.array([30, 20, 170], np.float32) / 255


def rasterise(pdf: bytes, folder, paper: str, dpi: int = 150) -> np.ndarray:
    """First page as a grey image, the way a phone camera sees it. Ink on red paper is simulated by
    multiplying the page by a deep red: the paper's luminance drops to about a quarter of white."""
    (folder / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(folder / "sheet.pdf"), str(folder / "page")], check=True
    )
    image = cv2.imread(str(folder / "page.png"))
    if paper == "red":
        image = (image.astype(np.float32) * DEEP_RED_PAPER_BGR).astype(np.uint8)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (scripts/apt-packages.txt) missing")
@pytest.mark.parametrize("size", ["A4", "A5"])
@pytest.mark.parametrize("paper", ["red", "white"])
def test_printed_code_scans_back_to_the_url(family, family_records, paper, size, tmp_path):
    view = build_list(family, family_records, today=date(2026, 11, 25), disclosure=Disclosure.PRINT)
    pdf = render_pdf(view, URL, PrintOptions(paper=paper, size=size))
    dpi = 150
    gray = rasterise(pdf, tmp_path, paper, dpi)
    assert scan_qr(gray) == URL
    # and big enough to scan off paper: at least 30 mm a side as printed, measured on the page image
    found, corners = cv2.QRCodeDetector().detect(rasterise(pdf, tmp_path, "white", dpi))
    assert found
    side_mm = max(np.ptp(corners.reshape(-1, 2), axis=0)) / dpi * 25.4
    assert side_mm >= 30, f"the printed code is {side_mm:.1f} mm"


@pytest.fixture
def many(family) -> list:
    """Enough aid for several pages, with cells that wrap on A5 and one large amount."""
    records = [
        aid(family, f"临时救助第{n}次", "县民政局", 1000 * n, date(2026, 1 + n % 11, 1 + n % 27), f"m{n}")
        for n in range(60)
    ]
    records.append(aid(family, "医疗救助", "县医疗保障局", 12345678, date(2026, 6, 5), "big"))
    return records


def test_long_lists_continue_on_more_pages(family, many):
    view = build_list(family, many, today=date(2026, 11, 25), disclosure=Disclosure.PRINT)
    reader = PdfReader(io.BytesIO(render_pdf(view, URL)))
    assert len(reader.pages) >= 3
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert all(f"临时救助第{n}次" in text for n in range(60))
    assert "（续）" in reader.pages[1].extract_text()


def printed_runs(pdf: bytes) -> list[tuple[int, str, float, float, float]]:
    """(page, text, x, y, size) of every string drawn, position and size as printed: the Tf size
    and the origin taken through the text matrix and the CTM (a page drawn inside a scaling `cm`
    prints smaller than its Tf operands say)."""
    runs = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):

        def visit(text, cm, tm, font, size, number=number):
            if not text.strip():
                return
            # Text rendering matrix = Tm x CTM (row vectors); its y axis scales the font size.
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((number, text.rstrip("\n"), x, y, size * math.hypot(c, d)))

        page.extract_text(visitor_text=visit)
    return runs


def test_a5_is_a5_with_a4_type_sizes(family, many):
    view = build_list(
        family, many, today=date(2026, 11, 25), disclosure=Disclosure.PRINT, office="示范县社会救助服务中心，电话 12345"
    )
    pdf = render_pdf(view, URL, PrintOptions(size="A5", subtitle="2026年第4季度送达"))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 4  # the narrower columns wrap more, so the list runs on
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(420, abs=1)
        assert float(page.mediabox.height) == pytest.approx(595, abs=1)

    runs = printed_runs(pdf)
    assert [size for page, text, *_, size in runs if page == 0 and text == "幸福清单"][0] >= 36
    assert min(size for *_, size in runs) >= SMALL - 0.5  # nothing shrunk below the A4 small print
    body = [size for _, text, *_, size in runs if text.startswith(("户主：", "临时救助第", "县民政局", "以上信息"))]
    assert len(body) > 60 and min(body) >= 12.5

    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert all(f"临时救助第{n}次" in text for n in range(60))
    for expected in ("123456.78", "帮扶资金合计", "以上信息如有疑问请联系帮扶干部王丽", "示范县社会救助服务中心，电话"):
        assert expected in text, expected
    assert all("（续）" in p.extract_text() for p in reader.pages[1:])


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_nothing_overlaps_or_leaves_the_page(family, many, size):
    """Every string inside the frame, clear of the QR code and of every other string, and each
    table cell inside its column."""
    sheet = SHEETS[size]
    view = build_list(
        family, many, today=date(2026, 11, 25), disclosure=Disclosure.PRINT, office="示范县社会救助服务中心，电话 12345"
    )
    runs = printed_runs(render_pdf(view, URL, PrintOptions(size=size)))
    inner_frame = sheet.frames[-1][0]
    qr_box = (
        sheet.width - sheet.margin - sheet.qr_size,
        sheet.height - sheet.margin - sheet.qr_size,
        sheet.width - sheet.margin,
        sheet.height - sheet.margin,
    )
    boxes: dict[int, list] = {}
    for page, text, x, y, font_size in runs:
        box = (x, y - 0.15 * font_size, x + PDF.text_width(text, font_size), y + 0.85 * font_size)
        assert box[0] >= sheet.margin - 0.01 and box[2] <= sheet.width - sheet.margin + 0.01, text
        assert box[1] > inner_frame + 2 and box[3] <= sheet.height - sheet.margin + 0.01, text
        assert page > 0 or not overlap(box, qr_box), text
        assert not [other for other, other_box in boxes.get(page, []) if overlap(box, other_box)], text
        boxes.setdefault(page, []).append((text, box))
    starts = [sheet.margin + sum(c.width for c in sheet.columns[:i]) for i in range(len(sheet.columns))]
    cells = [
        (run, column)
        for run in runs
        for start, column in zip(starts, sheet.columns, strict=True)
        if run[2] == pytest.approx(start + 3)
    ]
    assert len(cells) > 200
    for (_, text, _, _, font_size), column in cells:
        assert PDF.text_width(text, font_size) <= column.width - 3 + 0.01, text


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_sheet_geometry(size):
    """The columns fill the text width, and the longest usual values fit their column on one line."""
    sheet = SHEETS[size]
    assert sum(c.width for c in sheet.columns) == pytest.approx(sheet.text_width, abs=0.5)
    amount, when = sheet.columns[3], sheet.columns[4]
    assert PDF.text_width("300000.00", BODY) <= amount.width - 6
    assert PDF.text_width(amount.title, BODY) <= amount.width - 3
    assert PDF.text_width("2026-11-02", BODY) <= when.width - 6
    assert sheet.qr_size >= 30 * MM


def test_wrap_keeps_numbers_whole_and_punctuation_off_line_starts():
    """A5's narrower columns wrap far more often: a phone number split over two lines is hard to dial."""
    PDF.prepare()
    line = "以上信息如有疑问请联系帮扶干部王丽（电话 13900005678），或示范县社会救助服务中心，电话 12345。"
    for width in range(110, 600, 7):
        lines = wrap(line, width, BODY, PDF.text_width)
        assert "".join(lines).replace(" ", "") == line.replace(" ", "")
        assert any("13900005678" in part for part in lines), lines
        assert all(part[0] not in NO_LINE_START and part[-1] not in NO_LINE_END for part in lines), lines
        assert all(PDF.text_width(part, BODY) <= width for part in lines), lines
    assert wrap("临时救助（支出型）", 65, BODY, PDF.text_width) == ["临时救助", "（支出型）"]
    assert wrap("2026-11-02", 30, BODY, PDF.text_width) == ["2026", "-11-0", "2"]  # longer than a line: broken anywhere
    assert wrap("", 50, BODY, PDF.text_width) == [""]
