"""Photo hygiene for every upload (ID photos, signed forms), however it arrives (multipart, direct upload,
base64 in an application): the real type from the bytes, size and pixel limits read from the header before
any pixel is decoded, at most MAX_DECODES photos worked on at once per process, EXIF orientation applied,
and the copy kept re-encoded from pixels so no metadata (EXIF, XMP, PNG eXIf/text: location!) survives.
The pixels are the Images port's (adapters/images_pillow.py)."""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from yimen.domain.errors import TooLarge, ValidationError
from yimen.ports_ocr import ImageBomb, Images, ImageUnreadable, Picture
from yimen.services.applications.uploads import MAX_PHOTO_BYTES

STORED_EDGE = 2400
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo; more is a decompression bomb, not a card
FORMATS = ("image/jpeg", "image/png", "image/webp")
MAX_DECODES = 1  # a 50-megapixel PNG needs ~300 MB while decoded and shrunk; the OCR beside it ~350 MB
_slots = threading.BoundedSemaphore(MAX_DECODES)
MMAP_THRESHOLD = 4 * 1024 * 1024


def _return_big_buffers_to_the_system() -> None:
    """glibc raises its mmap threshold as large blocks are freed, after which a decoded photo's 16 MB blocks
    come from per-thread heaps that keep them: under a burst on a threaded server each request thread held
    its own few hundred MB (peak 1.1 GB). A fixed threshold keeps every block of 4 MB or more mmapped, so it
    goes back to the system when freed (peak 0.5 GB). Other C libraries are left as they are."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-3, MMAP_THRESHOLD)  # -3: M_MMAP_THRESHOLD


_return_big_buffers_to_the_system()
_held = threading.local()
TOO_MANY_PIXELS = ("IMAGE_TOO_MANY_PIXELS", "照片像素过多，请用手机正常拍照后上传。")
CORRUPT = ("IMAGE_CORRUPT", "照片文件已损坏，无法打开，请重新拍摄。")


@dataclass(frozen=True)
class CleanImage:
    """The upload decoded, turned upright by its EXIF orientation, and without any metadata."""

    image: Picture
    mime: str

    def jpeg_bytes(self, quality: int = 90) -> bytes:
        """The copy to store: re-encoded from pixels, so no EXIF (location!) survives, and at most
        STORED_EDGE px long, which keeps every printed character legible and the file under 4 MB."""
        return self.image.jpeg(quality, STORED_EDGE)


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


@contextmanager
def photo_slot() -> Iterator[None]:
    """At most MAX_DECODES threads of this process work on photos at once; the others wait here holding
    only the upload's bytes. A caller that decodes and then checks a photo holds one slot for both (a
    thread already holding a slot enters again freely), so no decoded photo waits in memory."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    with _slots:
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0


def load_upload(data: bytes, images: Images) -> CleanImage:
    """An upload as an upright RGB image at most STORED_EDGE px long, without metadata."""
    image, mime = _decode(data, images)
    return CleanImage(image.rgb(), mime)


def clean_material(data: bytes, images: Images) -> bytes:
    """An application's material re-encoded from pixels: photos as JPEG, PNGs (on-screen signatures, with
    their transparency) as PNG. Nothing of the original file but its pixels is kept."""
    image, mime = _decode(data, images)
    if mime != "image/png":
        return CleanImage(image.rgb(), mime).jpeg_bytes()
    return image.png()


def _decode(data: bytes, images: Images) -> tuple[Picture, str]:
    """The checked, decoded, shrunk and upright image in a fresh object (no info dict), and its type."""
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge("IMAGE_TOO_LARGE", "照片超过10MB，请压缩后或换个清晰度再上传。")
    mime = sniff(data)
    if mime == "image/heic":
        raise ValidationError("IMAGE_TYPE_HEIC", "暂不支持HEIC格式照片，请在微信中直接拍照上传，或改存为JPG格式。")
    if mime not in FORMATS:
        raise ValidationError("IMAGE_TYPE_UNSUPPORTED", "只能上传JPG、PNG或WebP格式的照片。")
    try:
        with images.open(data, mime) as file:
            width, height = file.size
            if width * height > MAX_PIXELS:  # from the header, before any pixel is decoded
                raise TooLarge(*TOO_MANY_PIXELS)
            with photo_slot():
                return file.decode(STORED_EDGE), mime  # shrunk, upright, a fresh copy without metadata
    except ImageBomb as exc:  # the imaging library's own guard, for headers past ~179 megapixels
        raise TooLarge(*TOO_MANY_PIXELS) from exc
    except ImageUnreadable as exc:
        raise ValidationError(*CORRUPT) from exc
