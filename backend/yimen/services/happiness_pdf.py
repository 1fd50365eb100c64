"""The printed 幸福清单: one household per sheet, laid out for red paper (black ink only, so any
office laser printer works), large type for elderly readers, the 幸福码 drawn as vector squares.

`paper="white"` fills the page red with a gold frame instead, for colour printers and previews.
The CJK font is a TrueType collection from a Debian package, embedded (subset) in every file.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4, A5
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..domain.errors import ValidationError
from ..domain.happiness import HappinessList

FONT = "YimenCJK"
# TrueType outlines only: reportlab cannot embed the CFF outlines of Noto/Source Han OTFs.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
RED = Color(0.78, 0.06, 0.09)
GOLD = Color(0.96, 0.78, 0.30)
PAGE_W, PAGE_H = A4
MARGIN = 46
# 项目 | 帮扶部门 | 帮扶措施 | 金额（元） | 时间
COLUMNS = (("救助项目", 134), ("帮扶部门", 98), ("帮扶措施", 120), ("金额（元）", 72), ("时间", 79))
BODY, SMALL, LEADING = 13, 11, 17
QR_SIZE = 112


@dataclass(frozen=True)
class PrintOptions:
    issuer: str = "县社会救助联席会议"  # printed at the foot of the sheet
    subtitle: str = ""  # e.g. 2026年第4季度
    paper: str = "red"  # red: ink only; white: the page is filled red
    size: str = "A4"


def register_font() -> None:
    """Idempotent; the font file comes from scripts/apt-packages.txt (fonts-wqy-microhei)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    override = os.environ.get("YIMEN_CJK_FONT")
    paths = (override,) if override else FONT_CANDIDATES
    path = next((p for p in paths if p and Path(p).exists()), None)
    if path is None:
        raise ValidationError("FONT_MISSING", "未找到中文字体，请安装 fonts-wqy-microhei（scripts/apt-packages.txt）")
    pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))


def qr_matrix(url: str) -> list[list[bool]]:
    # A fixed mask is a valid code and skips the 8-way mask search (most of the QR encoding time).
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy wrap by character: Chinese has no spaces to break at."""
    lines, line, used = [], "", 0.0
    for char in text:
        char_width = pdfmetrics.stringWidth(char, FONT, size)
        if line and used + char_width > width:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += char_width
    return [*lines, line] if line or not lines else lines


class Sheet:
    """Draws one list onto a canvas, adding pages when the records do not fit."""

    def __init__(self, canvas: Canvas, view: HappinessList, url: str, options: PrintOptions):
        self.c, self.view, self.url, self.options = canvas, view, url, options
        self.ink = white if options.paper == "white" else black
        self.y = 0.0
        self.page = 0

    def draw(self) -> None:
        self.new_page()
        self.header()
        self.basics()
        self.records()
        self.totals()
        self.footer()
        self.c.showPage()

    # -- page furniture ---------------------------------------------------------------------------
    def new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        if self.options.size == "A5":
            # A5 is the A4 layout scaled down: same design, the paper a village office may have.
            self.c.scale(A5[0] / PAGE_W, A5[1] / PAGE_H)
        if self.options.paper == "white":
            self.c.setFillColor(RED)
            self.c.rect(0, 0, PAGE_W, PAGE_H, stroke=0, fill=1)
        frame = GOLD if self.options.paper == "white" else black
        self.c.setStrokeColor(frame)
        self.c.setLineWidth(4)
        self.c.rect(22, 22, PAGE_W - 44, PAGE_H - 44)
        self.c.setLineWidth(1)
        self.c.rect(30, 30, PAGE_W - 60, PAGE_H - 60)
        self.c.setFillColor(self.ink)
        self.y = PAGE_H - MARGIN
        if self.page > 1:
            self.text(MARGIN, self.y - SMALL, f"{self.view.title}（续）  户主：{self.view.head_name}", SMALL)
            self.y -= LEADING * 1.5

    def ensure_room(self, height: float) -> bool:
        """Start a new page when `height` does not fit above the foot; True if one was started."""
        if self.y - height >= MARGIN + 12:
            return False
        self.new_page()
        return True

    def text(self, x: float, y: float, value: str, size: float, *, bold: bool = False) -> None:
        self.c.setFont(FONT, size)
        if not bold:
            self.c.drawString(x, y, value)
            return
        # The font has no bold face: fill and stroke the glyphs (render mode 2). The mode is graphics
        # state that outlives the string, hence the save/restore.
        self.c.saveState()
        self.c.setLineWidth(size / 30)
        self.c.setStrokeColor(self.ink)
        self.c.drawString(x, y, value, mode=2)
        self.c.restoreState()

    def centred(self, y: float, value: str, size: float) -> None:
        self.text((PAGE_W - pdfmetrics.stringWidth(value, FONT, size)) / 2, y, value, size)

    # -- sections ---------------------------------------------------------------------------------
    def header(self) -> None:
        left = PAGE_W - MARGIN - QR_SIZE
        self.qr(left, PAGE_H - MARGIN - QR_SIZE, QR_SIZE)
        self.text(left + 6, PAGE_H - MARGIN - QR_SIZE - 22, "扫码查看线上清单", SMALL)
        self.text(MARGIN, self.y - 48, "幸福清单", 48, bold=True)
        self.text(MARGIN, self.y - 78, self.options.subtitle or self.view.title, 16)
        self.y -= 96

    def qr(self, x: float, y: float, size: float) -> None:
        matrix = qr_matrix(self.url)
        if self.options.paper == "white":  # quiet zone: scanners need light around dark modules
            self.c.setFillColor(white)
            self.c.rect(x - 8, y - 8, size + 16, size + 16, stroke=0, fill=1)
        self.c.setFillColor(black)
        cell = size / len(matrix)
        path = self.c.beginPath()
        for row_index, row in enumerate(matrix):
            top = y + size - (row_index + 1) * cell
            start = None
            for col_index, dark in enumerate([*row, False]):
                if dark and start is None:
                    start = col_index
                elif not dark and start is not None:
                    path.rect(x + start * cell, top, (col_index - start) * cell, cell)
                    start = None
        self.c.drawPath(path, stroke=0, fill=1)
        self.c.setFillColor(self.ink)

    def basics(self) -> None:
        """Beside the QR code, so the lines stop short of it."""
        v = self.view
        lines = [
            f"户主：{v.head_name}    家庭人口：{len(v.members)}人",
            f"住址：{v.address}",
            f"残疾类别：{'、'.join(v.disability_categories) or '无'}",
            *(f"  {m.name}  {m.relation}  {m.age}岁  {m.id_number}  {m.disability}".rstrip() for m in v.members),
        ]
        for line in lines:
            for part in wrap(line, PAGE_W - 2 * MARGIN - QR_SIZE - 12, BODY):
                self.field_line(part)
        self.y = min(self.y, PAGE_H - MARGIN - QR_SIZE - 30) - LEADING / 3

    def field_line(self, value: str) -> None:
        self.ensure_room(LEADING)
        self.text(MARGIN, self.y - BODY, value, BODY)
        self.y -= LEADING

    def table_header(self) -> None:
        x = MARGIN
        for title, width in COLUMNS:
            self.text(x + 3, self.y - BODY, title, BODY, bold=True)
            x += width
        self.y -= LEADING + 2
        self.rule(1.2)

    def rule(self, width: float) -> None:
        self.c.setStrokeColor(self.ink)
        self.c.setLineWidth(width)
        self.c.line(MARGIN, self.y + 3, PAGE_W - MARGIN, self.y + 3)

    def records(self) -> None:
        self.ensure_room(LEADING * 3)
        self.text(MARGIN, self.y - 17, "帮扶明细", 17, bold=True)
        self.y -= 24
        self.rule(1.2)
        self.table_header()
        if not self.view.records:
            self.text(MARGIN + 3, self.y - BODY, "本期暂无帮扶记录", BODY)
            self.y -= LEADING
        for record in self.view.records:
            cells = (record.item_name, record.department, record.measure, record.amount_yuan, record.when)
            wrapped = [wrap(value, width - 6, BODY) for value, (_, width) in zip(cells, COLUMNS, strict=True)]
            height = max(len(w) for w in wrapped) * LEADING
            if self.ensure_room(height + 3):
                self.table_header()
            self.row(wrapped)
            self.y -= height + 3
            self.rule(0.4)

    def row(self, wrapped: list[list[str]]) -> None:
        x = MARGIN
        for lines, (title, width) in zip(wrapped, COLUMNS, strict=True):
            for index, value in enumerate(lines):
                left = x + width - 3 - pdfmetrics.stringWidth(value, FONT, BODY) if title.startswith("金额") else x + 3
                self.text(left, self.y - BODY - index * LEADING, value, BODY)
            x += width

    def totals(self) -> None:
        v = self.view
        cells = [f"{t.label} {t.amount_yuan}元" for t in v.year_totals] if len(v.year_totals) > 1 else []
        # A sheet covers one year, so "2026年第4季度" can drop its year: "第4季度".
        cells += [f"{t.label.split('年', 1)[1]} {t.amount_yuan}元" for t in v.quarter_totals]
        rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
        self.ensure_room(LEADING * (len(rows) + 2))
        self.y -= 4
        self.text(MARGIN, self.y - 17, f"帮扶资金合计：{v.grand_total.amount_yuan}元", 17, bold=True)
        self.y -= LEADING + 6
        for row in rows:  # four to a line: one year's quarters side by side
            for index, cell in enumerate(row):
                self.text(MARGIN + index * (PAGE_W - 2 * MARGIN) / 4, self.y - BODY, cell, BODY)
            self.y -= LEADING

    def footer(self) -> None:
        v = self.view
        cadre = f"帮扶干部：{v.cadre_name or '—'}    联系电话：{v.cadre_phone or '—'}"
        lines = [cadre, *wrap(v.contact_line, PAGE_W - 2 * MARGIN, BODY)]
        self.ensure_room(LEADING * (len(lines) + 1))
        self.y -= LEADING / 3
        for line in lines:
            self.field_line(line)
        self.centred(MARGIN - 4, self.options.issuer, SMALL)


class CanvasTee:
    """Draws on several canvases at once: layout (wrapping, measuring, the QR code) is worked out
    once for a household's own file and its village's combined file."""

    def __init__(self, *canvases: Canvas):
        self.canvases = canvases

    def __getattr__(self, name: str):
        methods = [getattr(c, name) for c in self.canvases]

        def call(*args, **kwargs):
            results = [method(*args, **kwargs) for method in methods]
            return results[0]

        return call


def render_into(canvas: Canvas | CanvasTee, view: HappinessList, url: str, options: PrintOptions) -> None:
    Sheet(canvas, view, url, options).draw()


def new_canvas(target, options: PrintOptions, title: str) -> Canvas:
    register_font()
    if options.size not in ("A4", "A5"):
        raise ValidationError("BAD_PAPER_SIZE", "纸张只支持 A4 或 A5")
    # initialFontName: otherwise an unused, unembedded Helvetica lands in every page's resources.
    canvas = Canvas(target, pagesize=A5 if options.size == "A5" else A4, pageCompression=1,
                    initialFontName=FONT, initialFontSize=BODY)
    canvas.setTitle(title)
    canvas.setAuthor(options.issuer)
    return canvas


def render_pdf(view: HappinessList, url: str, options: PrintOptions | None = None) -> bytes:
    """One household's sheet as PDF bytes."""
    options = options or PrintOptions()
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, options, view.title)
    render_into(canvas, view, url, options)
    canvas.save()
    return buffer.getvalue()
