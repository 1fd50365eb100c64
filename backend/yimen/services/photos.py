"""Photo hygiene for every upload (ID photos, signed forms): the real type from the bytes, size and pixel
limits, EXIF orientation applied and then every piece of metadata (location!) dropped. Pillow only, so
the API can take photos without loading the OCR's numpy stack."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from ..domain.errors import TooLarge, ValidationError
from .uploads import MAX_PHOTO_BYTES

STORED_EDGE = 2400
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo; more is a decompression bomb, not a card
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class CleanImage:
    """The upload decoded, turned upright by its EXIF orientation, and without any metadata."""

    image: Image.Image
    mime: str

    def jpeg_bytes(self, quality: int = 90) -> bytes:
        """The copy to store: re-encoded from pixels, so no EXIF (location!) survives, and at most
        STORED_EDGE px long, which keeps every printed character legible and the file under 4 MB."""
        copy = self.image.copy()
        copy.thumbnail((STORED_EDGE, STORED_EDGE))
        buf = io.BytesIO()
        copy.save(buf, "JPEG", quality=quality)
        return buf.getvalue()


def sniff(data: bytes) -> str | None:
    """The real type from the first bytes; the file name and the client's Content-Type are not trusted."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "image/heic"
    return None


def load_upload(data: bytes) -> CleanImage:
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge("IMAGE_TOO_LARGE", "照片超过10MB，请压缩后或换个清晰度再上传。")
    mime = sniff(data)
    if mime == "image/heic":
        raise ValidationError("IMAGE_TYPE_HEIC", "暂不支持HEIC格式照片，请在微信中直接拍照上传，或改存为JPG格式。")
    if mime not in FORMATS:
        raise ValidationError("IMAGE_TYPE_UNSUPPORTED", "只能上传JPG、PNG或WebP格式的照片。")
    too_many = TooLarge("IMAGE_TOO_MANY_PIXELS", "照片像素过多，请用手机正常拍照后上传。")
    try:
        with Image.open(io.BytesIO(data), formats=[FORMATS[mime]]) as im:
            if im.width * im.height > MAX_PIXELS:  # checked from the header, before any pixel is decoded
                raise too_many
            upright = ImageOps.exif_transpose(im).convert("RGB")
    except Image.DecompressionBombError as exc:  # Pillow's own guard, for headers past ~179 megapixels
        raise too_many from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError("IMAGE_CORRUPT", "照片文件已损坏，无法打开，请重新拍摄。") from exc
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)  # a fresh image carries no info dict: EXIF, ICC and XMP stay behind
    return CleanImage(clean, mime)
