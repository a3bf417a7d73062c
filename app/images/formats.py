"""An uploaded picture checked by its content, before anything decodes it.

The type comes from the file's first bytes (never its name or the browser's word),
the size in pixels from its header, so a 2 KB PNG that would inflate to 100,000 x
100,000 pixels (a decompression bomb) is refused before a single row is decoded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 20_000_000
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WebP")
# JPEG start-of-frame markers (the ones that carry the picture's size).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class ImageRefusedError(Exception):
    """An upload this site will not read, with the reason a person can act on.

    `kind` is one of "empty", "too_large", "not_image", "too_many_pixels",
    "unreadable", "too_slow": the web layer turns it into a status code.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class ImageHeader:
    format: str
    width: int
    height: int


def _png(data: bytes) -> tuple[int, int] | None:
    if data[12:16] != b"IHDR" or len(data) < 24:
        return None
    return struct.unpack(">II", data[16:24])


def _gif(data: bytes) -> tuple[int, int] | None:
    return struct.unpack("<HH", data[6:10]) if len(data) >= 10 else None


def _bmp(data: bytes) -> tuple[int, int] | None:
    if len(data) < 26:
        return None
    if struct.unpack("<I", data[14:18])[0] == 12:
        return struct.unpack("<HH", data[18:22])
    width, height = struct.unpack("<ii", data[18:26])
    return abs(width), abs(height)


def _jpeg(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD9)):
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        if marker in _SOF and at + 9 <= len(data):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return (int.from_bytes(data[24:27], "little") + 1,
                int.from_bytes(data[27:30], "little") + 1)
    return None


def sniff(data: bytes) -> tuple[str, tuple[int, int] | None] | None:
    """(format, (width, height) or None when the header is cut short), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG", _png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG", _jpeg(data)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF", _gif(data)
    if data.startswith(b"BM"):
        return "BMP", _bmp(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP", _webp(data)
    return None


def check_upload(data: bytes) -> ImageHeader:
    """The picture's format and size, or ImageRefusedError saying why it will not be read."""
    if not data:
        raise ImageRefusedError("empty", "The file is empty. Choose a screenshot (PNG, JPEG, GIF, "
                                    "BMP or WebP).")
    if len(data) > MAX_BYTES:
        size = f"{len(data) / 2**20:.1f} MB"
        raise ImageRefusedError("too_large", f"The picture is {size}; the limit is "
                                f"{MAX_BYTES // 2**20} MB. Crop it to the error dialog.")
    found = sniff(data)
    if found is None:
        raise ImageRefusedError("not_image", "That file is not a picture this site reads; send a "
                                        f"screenshot as {', '.join(FORMATS[:-1])} or WebP.")
    kind, size = found
    if size is None or not all(size):
        raise ImageRefusedError("unreadable", f"The {kind} file is damaged or cut short; take the "
                                         "screenshot again.")
    width, height = size
    if width * height > MAX_PIXELS:
        raise ImageRefusedError("too_many_pixels", f"The picture is {width:,} x {height:,} pixels; "
                                              f"the limit is {MAX_PIXELS // 1_000_000} million "
                                              "pixels. Crop it to the error dialog.")
    return ImageHeader(kind, width, height)
