"""Hostile images made without ever holding their pixels: a header claiming any size, and a full PNG of
blank rows compressed on the fly (a 7000x7000 one is ~143 KB, as in the probe)."""

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height, with a few bytes of image data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def blank_png(width: int, height: int) -> bytes:
    """A complete, valid RGB PNG of width x height black pixels, compressed row by row."""
    packer, row, parts = zlib.compressobj(9), b"\x00" * (1 + 3 * width), []
    for _ in range(height):
        parts.append(packer.compress(row))
    parts.append(packer.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
