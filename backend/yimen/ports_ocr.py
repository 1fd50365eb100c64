"""Ports for photos and their reading: decoding and measuring images, and an OCR engine that turns a
picture into text lines with boxes. Kept apart from ports.py so the OCR worker can import them
without the repositories, and free of any imaging library: the adapters hold the pixels."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Any

from yimen.domain.idcard import OcrLine


class ImageUnreadable(Exception):
    """Not an image of the stated type, or a damaged one."""


class ImageBomb(Exception):
    """The header claims more pixels than the imaging library's own guard allows."""


class Picture(abc.ABC):
    """A decoded image, already upright and without metadata. Operations return new pictures."""

    @property
    @abc.abstractmethod
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    @abc.abstractmethod
    def rgb(self) -> Picture:
        """Without transparency (itself when it has none)."""

    @abc.abstractmethod
    def shrunk(self, max_edge: int) -> Picture:
        """At most max_edge px long, resampled for reading (itself when it fits already)."""

    @abc.abstractmethod
    def rotated(self, degrees: int) -> Picture:
        """Turned counter-clockwise by degrees, the canvas grown to hold it."""

    @abc.abstractmethod
    def sharpness(self) -> float:
        """Variance of the Laplacian on a 640-px greyscale thumbnail: text edges make it high, blur
        flattens it."""

    @abc.abstractmethod
    def saturation(self, box: tuple[float, float, float, float]) -> float:
        """95th percentile of HSV saturation (0-255) inside box (left, top, right, bottom), measured
        on a 480-px thumbnail of that region."""

    @abc.abstractmethod
    def jpeg(self, quality: int, max_edge: int | None = None) -> bytes:
        """Encoded from pixels alone, shrunk to at most max_edge px long first if given."""

    @abc.abstractmethod
    def png(self) -> bytes:
        """Encoded from pixels alone (transparency kept), compressed as far as PNG goes."""


class ImageFile(abc.ABC):
    """An image file opened with only its header read: its size is known, no pixel is decoded."""

    size: tuple[int, int]

    @abc.abstractmethod
    def decode(self, max_edge: int) -> Picture:
        """The pixels, at most max_edge px long (decoded small when the format allows, so one full-size
        copy at most ever exists), turned upright by the EXIF orientation, in a fresh picture that keeps
        no metadata: RGBA when the file has transparency, else RGB. Raises ImageUnreadable, ImageBomb."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> ImageFile:
        return self

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class Images(abc.ABC):
    @abc.abstractmethod
    def open(self, data: bytes, mime: str) -> ImageFile:
        """Read the header only, trying only the stated type (image/jpeg, image/png, image/webp).
        Raises ImageUnreadable, or ImageBomb."""


class OcrEngine(abc.ABC):
    """Implementations load their models once and are shared by every request of a process."""

    name: str = "ocr"

    @abc.abstractmethod
    def read(self, picture: Picture) -> list[OcrLine]:
        """Text lines found in a picture, in any order, with their boxes in the picture's pixels."""


# The OCR function's direct-invoke event, {READ_EVENT: "<base64 JPEG>"}, answered with lines_to_json.
READ_EVENT = "ocr_read"


def lines_to_json(lines: list[OcrLine]) -> dict[str, Any]:
    return {"lines": [{"text": x.text, "box": [list(p) for p in x.box], "score": x.score} for x in lines]}


def lines_from_json(line: dict[str, Any]) -> OcrLine:
    return OcrLine(line["text"], tuple((float(x), float(y)) for x, y in line["box"]), float(line["score"]))
