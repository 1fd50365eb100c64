"""The OCR port: an engine turns an upright-or-not RGB image into text lines with boxes.

Kept apart from ports.py (the coordinator's) so the OCR worker can import it without the repositories.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from yimen.domain.idcard import OcrLine

if TYPE_CHECKING:  # Pillow only where images are read: the API's cold start never draws one
    from PIL import Image


class OcrEngine(abc.ABC):
    """Implementations load their models once and are shared by every request of a process."""

    name: str = "ocr"

    @abc.abstractmethod
    def read(self, image: Image.Image) -> list[OcrLine]:
        """Text lines found in an RGB image, in any order, with their boxes in the image's pixels."""
