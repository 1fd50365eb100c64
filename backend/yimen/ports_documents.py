"""Ports for the documents the services draw and read: PDF pages, QR codes, spreadsheets.

The layouts (services/happiness/pdf.py) and the import rules stay in the services; which library
draws or parses is the adapters' business (adapters/pdf_reportlab.py, adapters/qr.py, ...)."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import BinaryIO

Colour = tuple[float, float, float]  # red, green, blue, each 0..1
Rect = tuple[float, float, float, float]  # x, y (bottom-left corner), width, height


class PdfCanvas(abc.ABC):
    """One PDF being drawn, page by page, in points from the bottom-left corner of the page."""

    @abc.abstractmethod
    def fill_rects(self, rects: Iterable[Rect], colour: Colour) -> None:
        """Solid rectangles without outline, as one shape (a QR code's modules, a page's background)."""

    @abc.abstractmethod
    def stroke_rect(self, rect: Rect, colour: Colour, line_width: float) -> None: ...

    @abc.abstractmethod
    def line(self, x1: float, y1: float, x2: float, y2: float, colour: Colour, line_width: float) -> None: ...

    @abc.abstractmethod
    def text(self, x: float, y: float, value: str, size: float, colour: Colour, *, bold: bool = False) -> None:
        """One line of text in the document's font, its baseline starting at (x, y)."""

    @abc.abstractmethod
    def next_page(self) -> None:
        """Finish the current page; what is drawn next goes on a new one."""

    @abc.abstractmethod
    def save(self) -> None:
        """Finish the last page and write the file."""


class PdfRenderer(abc.ABC):
    """Draws PDFs in one CJK font, embedded (as a subset) in every file."""

    @abc.abstractmethod
    def prepare(self) -> None:
        """Load the font, or raise ValidationError("FONT_MISSING"); idempotent, once per process."""

    @abc.abstractmethod
    def text_width(self, text: str, size: float) -> float:
        """How wide the text prints, in points."""

    @abc.abstractmethod
    def canvas(self, target: str | BinaryIO, page_size: tuple[float, float], *, title: str, author: str) -> PdfCanvas:
        """A new document written to a path or a binary stream when saved."""


class QrEncoder(abc.ABC):
    @abc.abstractmethod
    def modules(self, text: str) -> list[list[bool]]:
        """The code's dark (True) and light modules, row by row, without a quiet zone."""

    @abc.abstractmethod
    def png(self, text: str) -> bytes:
        """The code as a PNG for screens, with its quiet zone."""


class SpreadsheetReader(abc.ABC):
    @abc.abstractmethod
    def rows(self, data: bytes) -> list[list[object]]:
        """Every row of an .xlsx workbook's first sheet, header first, cells as their stored values
        (a formula as its last computed result)."""
