"""The printed 幸福清单: one household per sheet, laid out for red paper (black ink only, so any
office laser printer works), large type for elderly readers, the 幸福码 drawn as vector squares.

`paper="white"` fills the page red with a gold frame instead, for colour printers and previews.
`size="A5"` is laid out for A5 (see SHEETS), with the same type sizes as A4 and a code that still
scans: never the A4 page shrunk. Drawn through the PdfRenderer port, in its one CJK font.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from yimen.domain.errors import ValidationError
from yimen.domain.happiness import HappinessList, Quarter
from yimen.domain.policy import catalogue
from yimen.ports_documents import Colour, PdfCanvas, PdfRenderer, QrEncoder, Rect

MM = 72 / 2.54 * 0.1  # points
A4 = (210 * MM, 297 * MM)
A5 = (148 * MM, 210 * MM)
BLACK, WHITE = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
RED = (0.78, 0.06, 0.09)
GOLD = (0.96, 0.78, 0.30)
# Type sizes in points as printed, the same on every paper size: the readers' eyes do not shrink
# with the sheet. Only the title gives way a little on A5 (see Sheet.title_size).
BODY, SMALL, LEADING = 13, 11, 17
SUBTITLE, HEADING = 16, 17


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    right: bool = False  # amounts line up on the right


@dataclass(frozen=True)
class Sheet:
    """The geometry of one paper size, in points. There is one drawing code path (`Drawing`); a
    paper size differs only in these numbers."""

    width: float
    height: float
    margin: float  # from the paper's edge to the text
    frames: tuple[tuple[float, float], ...]  # (inset from the edge, line width), outer first
    qr_size: float  # >= 30 mm printed (85 pt), so a phone reads it off paper at arm's length
    title_size: float
    columns: tuple[Column, ...]  # 救助项目 | 帮扶部门 | 帮扶措施 | 金额（元） | 时间, filling the text width
    totals_per_line: int  # quarter totals side by side: 4 = one year's quarters on one line

    @property
    def text_width(self) -> float:
        return self.width - 2 * self.margin


SHEETS = {
    "A4": Sheet(
        *A4,
        margin=46,
        frames=((22, 4), (30, 1)),
        qr_size=112,
        title_size=48,
        columns=(
            Column("救助项目", 134),
            Column("帮扶部门", 98),
            Column("帮扶措施", 120),
            Column("金额（元）", 72, right=True),
            Column("时间", 79),
        ),
        totals_per_line=4,
    ),
    # About 0.7 of A4's frames and margins, but not of its type: the columns hold fewer characters
    # (项目 5, 部门 4, 措施 6 a line at 13 pt), so rows wrap more and long lists run to more pages.
    # The amount and date columns still fit "300000.00" and "2026-11-02" on one line.
    "A5": Sheet(
        *A5,
        margin=32,
        frames=((15.5, 3), (21, 0.8)),
        qr_size=96,
        title_size=44,
        columns=(
            Column("救助项目", 71),
            Column("帮扶部门", 58),
            Column("帮扶措施", 84),
            Column("金额（元）", 70.5, right=True),
            Column("时间", 72),
        ),
        totals_per_line=2,
    ),
}


@dataclass(frozen=True)
class PrintOptions:
    issuer: str = "县社会救助联席会议"  # printed at the foot of the sheet
    subtitle: str = ""  # e.g. 2026年第4季度
    paper: str = "red"  # red: ink only; white: the page is filled red
    size: str = "A4"


def print_options(area_code: str, quarter: Quarter, paper: str, size: str) -> PrintOptions:
    region = catalogue().region(area_code)
    subtitle = f"{quarter.year}年1月至{quarter.last_day.month}月帮扶情况（{quarter.label}送达）"
    return PrintOptions(issuer=region.get("centre", ""), subtitle=subtitle, paper=paper, size=size)


# 避头尾: a line does not start with a comma or closing bracket, nor end with an opening one.
NO_LINE_START = frozenset("，。、；：？！）》」』】”’,;:?!)%")
NO_LINE_END = frozenset("（《「『【“‘(")
# A run of digits and Latin letters (phone and ID numbers, amounts, dates) is one unit, every other
# character another: Chinese has no spaces to break at, so a line may break between any two.
UNITS = re.compile(r"[0-9A-Za-z*.\-]+|.", re.DOTALL)


def wrap(text: str, width: float, size: float, measure: Callable[[str, float], float]) -> list[str]:
    """Greedy wrap that keeps a phone number whole: only a unit longer than a line is broken.
    `measure(text, size)` is how wide the text prints (PdfRenderer.text_width)."""
    if measure(text, size) <= width:
        return [text]  # most cells
    units: list[str] = []
    for unit in UNITS.findall(text):
        if units and (unit in NO_LINE_START or units[-1][-1] in NO_LINE_END):
            units[-1] += unit
        else:
            units.append(unit)
    lines: list[str] = []
    line, used = "", 0.0
    for unit in units:
        if not line and lines and unit.isspace():
            continue  # no blank at the start of a continued line
        unit_width = measure(unit, size)
        pieces = [(unit, unit_width)] if unit_width <= width else [(char, measure(char, size)) for char in unit]
        for piece, piece_width in pieces:
            if line and used + piece_width > width:
                lines.append(line.rstrip() or line)
                line, used = "", 0.0
            line += piece
            used += piece_width
    return [*lines, line] if line or not lines else lines


class Drawing:
    """Draws one list onto a canvas, adding pages when the records do not fit."""

    def __init__(
        self, canvas: PdfCanvas, pdf: PdfRenderer, qr: QrEncoder, view: HappinessList, url: str, options: PrintOptions
    ):
        self.c, self.pdf, self.qr_encoder = canvas, pdf, qr
        self.view, self.url, self.options = view, url, options
        self.sheet = SHEETS[options.size]
        self.ink = WHITE if options.paper == "white" else BLACK
        self.y = 0.0
        self.page = 0

    def draw(self) -> None:
        self.new_page()
        self.header()
        self.basics()
        self.records()
        self.totals()
        self.footer()
        self.c.next_page()

    # -- page furniture ---------------------------------------------------------------------------
    def new_page(self) -> None:
        s = self.sheet
        if self.page:
            self.c.next_page()
        self.page += 1
        if self.options.paper == "white":
            self.c.fill_rects([(0, 0, s.width, s.height)], RED)
        for inset, line_width in s.frames:
            frame = (inset, inset, s.width - 2 * inset, s.height - 2 * inset)
            self.c.stroke_rect(frame, GOLD if self.options.paper == "white" else BLACK, line_width)
        self.y = s.height - s.margin
        if self.page > 1:
            self.text(s.margin, self.y - SMALL, f"{self.view.title}（续）  户主：{self.view.head_name}", SMALL)
            self.y -= LEADING * 1.5

    def ensure_room(self, height: float) -> bool:
        """Start a new page when `height` does not fit above the foot; True if one was started."""
        if self.y - height >= self.sheet.margin + 12:
            return False
        self.new_page()
        return True

    def text(self, x: float, y: float, value: str, size: float, *, bold: bool = False) -> None:
        self.c.text(x, y, value, size, self.ink, bold=bold)

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        return wrap(text, width, size, self.pdf.text_width)

    def centred(self, y: float, value: str, size: float) -> None:
        self.text((self.sheet.width - self.pdf.text_width(value, size)) / 2, y, value, size)

    # -- sections ---------------------------------------------------------------------------------
    @property
    def below_code(self) -> float:
        """The top of the space under the QR code and its caption on the first page."""
        s = self.sheet
        return s.height - s.margin - s.qr_size - 30

    def header(self) -> None:
        s = self.sheet
        left, bottom = s.width - s.margin - s.qr_size, s.height - s.margin - s.qr_size
        self.qr(left, bottom, s.qr_size)
        self.text(left + 6, bottom - 22, "扫码查看线上清单", SMALL)
        self.text(s.margin, self.y - s.title_size, "幸福清单", s.title_size, bold=True)
        self.text(s.margin, self.y - s.title_size - 30, self.options.subtitle or self.view.title, SUBTITLE)
        self.y -= s.title_size + 48

    def qr(self, x: float, y: float, size: float) -> None:
        """The code as vector squares, each run of dark modules in a row one rectangle."""
        matrix = self.qr_encoder.modules(self.url)
        if self.options.paper == "white":  # quiet zone: scanners need light around dark modules
            self.c.fill_rects([(x - 8, y - 8, size + 16, size + 16)], WHITE)
        cell = size / len(matrix)
        runs: list[Rect] = []
        for row_index, row in enumerate(matrix):
            top = y + size - (row_index + 1) * cell
            start = None
            for col_index, dark in enumerate([*row, False]):
                if dark and start is None:
                    start = col_index
                elif not dark and start is not None:
                    runs.append((x + start * cell, top, (col_index - start) * cell, cell))
                    start = None
        self.c.fill_rects(runs, BLACK)

    def basics(self) -> None:
        """Beside the QR code, so the lines stop short of it; below it they take the full width."""
        s, v = self.sheet, self.view
        lines = [
            f"户主：{v.head_name}    家庭人口：{len(v.members)}人",
            f"住址：{v.address}",
            f"残疾类别：{'、'.join(v.disability_categories) or '无'}",
            *(f"  {m.name}  {m.relation}  {m.age}岁  {m.id_number}  {m.disability}".rstrip() for m in v.members),
        ]
        for line in lines:
            rest = line
            while True:
                beside = self.page == 1 and self.y > self.below_code
                first, *more = self.wrap(rest, s.text_width - (s.qr_size + 12 if beside else 0), BODY)
                self.field_line(first)
                if not more:
                    break
                rest = "".join(more)
        if self.page == 1:
            self.y = min(self.y, self.below_code)
        self.y -= LEADING / 3

    def field_line(self, value: str) -> None:
        self.ensure_room(LEADING)
        self.text(self.sheet.margin, self.y - BODY, value, BODY)
        self.y -= LEADING

    def table_header(self) -> None:
        x = self.sheet.margin
        for column in self.sheet.columns:
            self.text(x + 3, self.y - BODY, column.title, BODY, bold=True)
            x += column.width
        self.y -= LEADING + 2
        self.rule(1.2)

    def rule(self, width: float) -> None:
        s = self.sheet
        self.c.line(s.margin, self.y + 3, s.width - s.margin, self.y + 3, self.ink, width)

    def records(self) -> None:
        s = self.sheet
        self.ensure_room(LEADING * 3)
        self.text(s.margin, self.y - HEADING, "帮扶明细", HEADING, bold=True)
        self.y -= 24
        self.rule(1.2)
        self.table_header()
        if not self.view.records:
            self.text(s.margin + 3, self.y - BODY, "本期暂无帮扶记录", BODY)
            self.y -= LEADING
        for record in self.view.records:
            cells = (record.item_name, record.department, record.measure, record.amount_yuan, record.when)
            wrapped = [self.wrap(value, column.width - 6, BODY) for value, column in zip(cells, s.columns, strict=True)]
            height = max(len(w) for w in wrapped) * LEADING
            if self.ensure_room(height + 3):
                self.table_header()
            self.row(wrapped)
            self.y -= height + 3
            self.rule(0.4)

    def row(self, wrapped: list[list[str]]) -> None:
        x = self.sheet.margin
        for lines, column in zip(wrapped, self.sheet.columns, strict=True):
            for index, value in enumerate(lines):
                left = x + column.width - 3 - self.pdf.text_width(value, BODY) if column.right else x + 3
                self.text(left, self.y - BODY - index * LEADING, value, BODY)
            x += column.width

    def totals(self) -> None:
        s, v = self.sheet, self.view
        cells = [f"{t.label} {t.amount_yuan}元" for t in v.year_totals] if len(v.year_totals) > 1 else []
        # A sheet covers one year, so "2026年第4季度" can drop its year: "第4季度".
        cells += [f"{t.label.split('年', 1)[1]} {t.amount_yuan}元" for t in v.quarter_totals]
        # One year's quarters side by side (four, or two and two); fewer when the amounts are long.
        per_line = s.totals_per_line
        widest = max((self.pdf.text_width(cell, BODY) for cell in cells), default=0)
        while per_line > 1 and widest + 12 > s.text_width / per_line:
            per_line //= 2
        rows = [cells[i : i + per_line] for i in range(0, len(cells), per_line)]
        self.ensure_room(LEADING * (len(rows) + 2))
        self.y -= 4
        self.text(s.margin, self.y - HEADING, f"帮扶资金合计：{v.grand_total.amount_yuan}元", HEADING, bold=True)
        self.y -= LEADING + 6
        for row in rows:
            for index, cell in enumerate(row):
                self.text(s.margin + index * s.text_width / per_line, self.y - BODY, cell, BODY)
            self.y -= LEADING

    def footer(self) -> None:
        s, v = self.sheet, self.view
        cadre = f"帮扶干部：{v.cadre_name or '—'}    联系电话：{v.cadre_phone or '—'}"
        lines = [*self.wrap(cadre, s.text_width, BODY), *self.wrap(v.contact_line, s.text_width, BODY)]
        self.ensure_room(LEADING * (len(lines) + 1))
        self.y -= LEADING / 3
        for line in lines:
            self.field_line(line)
        self.centred(s.margin - 4, self.options.issuer, SMALL)


class TeeCanvas(PdfCanvas):
    """Draws on several canvases at once: layout (wrapping, measuring, the QR code) is worked out
    once for a household's own file and its village's combined file."""

    def __init__(self, *canvases: PdfCanvas):
        self.canvases = canvases

    def fill_rects(self, rects: Iterable[Rect], colour: Colour) -> None:
        rects = list(rects)
        for c in self.canvases:
            c.fill_rects(rects, colour)

    def stroke_rect(self, rect: Rect, colour: Colour, line_width: float) -> None:
        for c in self.canvases:
            c.stroke_rect(rect, colour, line_width)

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: Colour, line_width: float) -> None:
        for c in self.canvases:
            c.line(x1, y1, x2, y2, colour, line_width)

    def text(self, x: float, y: float, value: str, size: float, colour: Colour, *, bold: bool = False) -> None:
        for c in self.canvases:
            c.text(x, y, value, size, colour, bold=bold)

    def next_page(self) -> None:
        for c in self.canvases:
            c.next_page()

    def save(self) -> None:
        for c in self.canvases:
            c.save()


@dataclass(frozen=True)
class Printer:
    """What draws a sheet: the PDF renderer and the QR encoder the bootstrap chose."""

    pdf: PdfRenderer
    qr: QrEncoder

    def open(self, target: str | BinaryIO, options: PrintOptions, title: str) -> PdfCanvas:
        sheet = SHEETS.get(options.size)
        if sheet is None:
            raise ValidationError("BAD_PAPER_SIZE", "纸张只支持 A4 或 A5")
        return self.pdf.canvas(target, (sheet.width, sheet.height), title=title, author=options.issuer)

    def draw(self, canvas: PdfCanvas, view: HappinessList, url: str, options: PrintOptions) -> None:
        Drawing(canvas, self.pdf, self.qr, view, url, options).draw()

    def render(self, view: HappinessList, url: str, options: PrintOptions | None = None) -> bytes:
        """One household's sheet as PDF bytes."""
        options = options or PrintOptions()
        buffer = io.BytesIO()
        canvas = self.open(buffer, options, view.title)
        self.draw(canvas, view, url, options)
        canvas.save()
        return buffer.getvalue()
