"""PdfRenderer on reportlab. The CJK font is a TrueType collection from a Debian package (TrueType
outlines only: reportlab cannot embed the CFF outlines of Noto/Source Han OTFs), embedded as a subset."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from yimen.domain.errors import ValidationError
from yimen.ports_documents import Colour, PdfCanvas, PdfRenderer, Rect

FONT = "YimenCJK"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
INITIAL_SIZE = 13


def register_font() -> None:
    """Idempotent; the font file comes from scripts/apt-packages.txt (fonts-wqy-microhei), or
    YIMEN_CJK_FONT names another."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    override = os.environ.get("YIMEN_CJK_FONT")
    paths = (override,) if override else FONT_CANDIDATES
    path = next((p for p in paths if p and Path(p).exists()), None)
    if path is None:
        raise ValidationError("FONT_MISSING", "未找到中文字体，请安装 fonts-wqy-microhei（scripts/apt-packages.txt）")
    pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))


class ReportlabCanvas(PdfCanvas):
    def __init__(self, canvas: Canvas):
        self.c = canvas

    def fill_rects(self, rects: Iterable[Rect], colour: Colour) -> None:
        self.c.setFillColor(Color(*colour))
        path = self.c.beginPath()
        for x, y, width, height in rects:
            path.rect(x, y, width, height)
        self.c.drawPath(path, stroke=0, fill=1)

    def stroke_rect(self, rect: Rect, colour: Colour, line_width: float) -> None:
        self.c.setStrokeColor(Color(*colour))
        self.c.setLineWidth(line_width)
        self.c.rect(*rect)

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: Colour, line_width: float) -> None:
        self.c.setStrokeColor(Color(*colour))
        self.c.setLineWidth(line_width)
        self.c.line(x1, y1, x2, y2)

    def text(self, x: float, y: float, value: str, size: float, colour: Colour, *, bold: bool = False) -> None:
        self.c.setFont(FONT, size)
        self.c.setFillColor(Color(*colour))
        if not bold:
            self.c.drawString(x, y, value)
            return
        # The font has no bold face: fill and stroke the glyphs (render mode 2). The mode is graphics
        # state that outlives the string, hence the save/restore.
        self.c.saveState()
        self.c.setLineWidth(size / 30)
        self.c.setStrokeColor(Color(*colour))
        self.c.drawString(x, y, value, mode=2)
        self.c.restoreState()

    def next_page(self) -> None:
        self.c.showPage()

    def save(self) -> None:
        self.c.save()  # a page still open is finished first


class ReportlabPdf(PdfRenderer):
    def prepare(self) -> None:
        register_font()

    def text_width(self, text: str, size: float) -> float:
        return pdfmetrics.stringWidth(text, FONT, size)

    def canvas(self, target: str | BinaryIO, page_size: tuple[float, float], *, title: str, author: str) -> PdfCanvas:
        register_font()
        # initialFontName: otherwise an unused, unembedded Helvetica lands in every page's resources.
        canvas = Canvas(
            target,
            pagesize=page_size,
            pageCompression=1,
            initialFontName=FONT,  # type: ignore[arg-type]  # types-reportlab says float; reportlab takes a name
            initialFontSize=INITIAL_SIZE,
        )
        canvas.setTitle(title)
        canvas.setAuthor(author)
        return ReportlabCanvas(canvas)
