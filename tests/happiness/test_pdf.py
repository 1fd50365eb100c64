"""The printed sheet: Chinese font embedded, the content is on the page, the printed QR scans."""

import io
import shutil
import subprocess
from datetime import date

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from yimen.domain.happiness import Disclosure, Quarter, build_list
from yimen.services.happiness_pdf import PrintOptions, render_pdf

from .conftest import scan_qr

URL = "https://yimen.example.gov.cn/h/Zq3x9LmPa0bYc4dEf7gHi2jK"


@pytest.fixture
def sheet(family, family_records) -> bytes:
    view = build_list(family, family_records, today=date(2026, 11, 25), disclosure=Disclosure.PRINT,
                      through=Quarter(2026, 4), office="示范县社会救助服务中心，电话 12345")
    return render_pdf(view, URL, PrintOptions(issuer="示范县社会救助服务中心", subtitle="2026年第4季度送达"))


def test_every_font_is_the_embedded_cjk_font(sheet):
    fonts = [f.get_object() for page in PdfReader(io.BytesIO(sheet)).pages
             for f in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        assert "WenQuanYiMicroHei" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"], f"{font['/BaseFont']} is not embedded"


def test_sheet_text(sheet):
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet)).pages)
    for expected in ("幸福清单", "张建国", "9901**********1232", "肢体残疾二级", "县慈善总会", "3000.00",
                     "帮扶资金合计：4900.00元", "第4季度 3840.00元", "以上信息如有疑问请联系帮扶干部王丽"):
        assert expected in text.replace("\n", ""), expected
    assert "990101195003041232" not in text  # never a full ID number on paper
    assert "临时救助" not in text  # 2025's aid is not on the 2026 sheet


DEEP_RED_PAPER_BGR = np.array([30, 20, 170], np.float32) / 255


def rasterise(pdf: bytes, folder, paper: str, dpi: int = 150) -> np.ndarray:
    """First page as a grey image, the way a phone camera sees it. Ink on red paper is simulated by
    multiplying the page by a deep red: the paper's luminance drops to about a quarter of white."""
    (folder / "sheet.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(folder / "sheet.pdf"),
                    str(folder / "page")], check=True)
    image = cv2.imread(str(folder / "page.png"))
    if paper == "red":
        image = (image.astype(np.float32) * DEEP_RED_PAPER_BGR).astype(np.uint8)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (scripts/apt-packages.txt) missing")
@pytest.mark.parametrize("paper", ["red", "white"])
def test_printed_code_scans_back_to_the_url(family, family_records, paper, tmp_path):
    view = build_list(family, family_records, today=date(2026, 11, 25), disclosure=Disclosure.PRINT)
    pdf = render_pdf(view, URL, PrintOptions(paper=paper))
    decoded = scan_qr(rasterise(pdf, tmp_path, paper))
    assert decoded == URL


def test_long_lists_continue_on_more_pages(family, family_records):
    from .conftest import aid

    many = [aid(family, f"临时救助第{n}次", "县民政局", 1000 * n, date(2026, 1 + n % 11, 1 + n % 27), f"m{n}")
            for n in range(60)]
    view = build_list(family, many, today=date(2026, 11, 25), disclosure=Disclosure.PRINT)
    reader = PdfReader(io.BytesIO(render_pdf(view, URL)))
    assert len(reader.pages) >= 3
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert all(f"临时救助第{n}次" in text for n in range(60))
    assert "（续）" in reader.pages[1].extract_text()


def test_a5_is_a5(sheet, family, family_records):
    view = build_list(family, family_records, today=date(2026, 11, 25))
    page = PdfReader(io.BytesIO(render_pdf(view, URL, PrintOptions(size="A5")))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (420, 595)
