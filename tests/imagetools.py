"""Pictures for the screenshot tests: dialogs drawn with Pillow, and hostile files."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw, ImageFont


def dialog_png(lines: list[str], *, size: int = 13, dark: bool = False,
               title: str = "Microsoft Outlook Express", fmt: str = "PNG") -> bytes:
    """An error dialog: a title bar, a red icon, the message lines and an OK button,
    with Pillow's bundled font at `size` pixels (12-13 is a dialog at 96 dpi)."""
    font = ImageFont.load_default(size=size)
    width = max(int(font.getlength(line)) for line in lines) + 90
    height = 70 + len(lines) * (size + 6) + 40
    back, ink = ("#2b2b2b", "#f2f2f2") if dark else ("#f0f0f0", "#111111")
    picture = Image.new("RGB", (width, height), back)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, width, 24), fill="#1f4e9c")
    draw.text((8, 5), title, font=font, fill="white")
    draw.ellipse((14, 40, 46, 72), fill="#d52b1e")
    for number, line in enumerate(lines):
        draw.text((62, 42 + number * (size + 6)), line, font=font, fill=ink)
    draw.rectangle((width - 90, height - 34, width - 14, height - 10), outline=ink)
    draw.text((width - 62, height - 30), "OK", font=font, fill=ink)
    draw.rectangle((0, 0, width - 1, height - 1), outline="#444444")  # the window frame
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def png_bomb(side: int = 100_000) -> bytes:
    """A small PNG whose header says side x side pixels (10 gigapixels for 100,000)."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side // 8 + 1) * 64, 9)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows)
            + _chunk(b"IEND", b""))


def desktop_png(dialog: bytes, size: tuple[int, int] = (1920, 1080)) -> bytes:
    """A whole screen: a wallpaper, a window of text behind, and the dialog in the
    middle, as a Print Screen of the desktop."""
    screen = Image.new("RGB", size, "#3a6ea5")
    draw = ImageDraw.Draw(screen)
    font = ImageFont.load_default(size=14)
    draw.rectangle((120, 80, 900, 600), fill="white", outline="#444444")
    for row in range(20):
        draw.text((135, 100 + row * 22), "Quarterly report draft: the totals are missing.",
                  font=font, fill="#333333")
    picture = Image.open(io.BytesIO(dialog))
    screen.paste(picture, ((size[0] - picture.width) // 2, (size[1] - picture.height) // 2))
    out = io.BytesIO()
    screen.save(out, "PNG")
    return out.getvalue()
