"""Images and Picture on Pillow; numpy only for the two measures, imported on first use (~60 ms) so
a process that only stores photos never loads it."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from yimen.ports_ocr import ImageBomb, ImageFile, Images, ImageUnreadable, Picture

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError)


class PillowPicture(Picture):
    def __init__(self, image: Image.Image):
        self.image = image  # adapters that read pixels (the OCR engines) take it from here

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def rgb(self) -> Picture:
        return self if self.image.mode == "RGB" else PillowPicture(self.image.convert("RGB"))

    def shrunk(self, max_edge: int) -> Picture:
        if max(self.size) <= max_edge:
            return self
        small = self.image.copy()
        small.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
        return PillowPicture(small)

    def rotated(self, degrees: int) -> Picture:
        return PillowPicture(self.image.rotate(degrees, expand=True))

    def sharpness(self) -> float:
        import numpy as np  # see the module docstring

        thumb = self.image.copy()
        thumb.thumbnail((640, 640))
        grey = np.asarray(thumb.convert("L"), dtype=np.float32)
        lap = grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4 * grey[1:-1, 1:-1]
        return float(lap.var())

    def saturation(self, box: tuple[float, float, float, float]) -> float:
        import numpy as np  # see the module docstring

        region = self.image.crop(box)
        region.thumbnail((480, 480))
        return float(np.percentile(np.asarray(region.convert("HSV"))[:, :, 1], 95))

    def jpeg(self, quality: int, max_edge: int | None = None) -> bytes:
        copy = self.image.convert("RGB")  # a copy, whatever the mode
        if max_edge is not None:
            copy.thumbnail((max_edge, max_edge))
        buf = io.BytesIO()
        copy.save(buf, "JPEG", quality=quality)
        return buf.getvalue()

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.image.save(buf, "PNG", optimize=True)
        return buf.getvalue()


class PillowImageFile(ImageFile):
    def __init__(self, image: Image.Image):
        self._image = image
        self.size = image.size

    def decode(self, max_edge: int) -> Picture:
        try:
            upright = _shrunk_upright(self._image, max_edge)
        except Image.DecompressionBombError as exc:
            raise ImageBomb(str(exc)) from exc
        except UNREADABLE as exc:
            raise ImageUnreadable(str(exc)) from exc
        mode = "RGBA" if "A" in upright.getbands() or "transparency" in upright.info else "RGB"
        clean = Image.new(mode, upright.size)
        clean.paste(upright.convert(mode))  # a fresh image carries no info dict: EXIF, ICC and XMP stay behind
        return PillowPicture(clean)

    def close(self) -> None:
        self._image.close()


def _shrunk_upright(im: Image.Image, max_edge: int) -> Image.Image:
    """Decoded at the smallest size that still gives max_edge px (JPEG decodes at 1/2, 1/4, 1/8 for
    free), shrunk at once so only one full-size copy ever exists, then turned by its EXIF orientation."""
    if im.format == "JPEG":
        im.draft(im.mode if im.mode in ("L", "RGB") else "RGB", (max_edge, max_edge))
    im.load()
    im.thumbnail((max_edge, max_edge))
    return ImageOps.exif_transpose(im)


class PillowImages(Images):
    def open(self, data: bytes, mime: str) -> ImageFile:
        try:
            return PillowImageFile(Image.open(io.BytesIO(data), formats=[FORMATS[mime]]))
        except Image.DecompressionBombError as exc:  # Pillow's own guard, for headers past ~179 megapixels
            raise ImageBomb(str(exc)) from exc
        except UNREADABLE as exc:
            raise ImageUnreadable(str(exc)) from exc
