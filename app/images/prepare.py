"""A screenshot turned into what Tesseract reads best.

Tesseract's English model is trained on text whose lines are about 30-40 pixels high;
dialog text at 96 dpi is 11-13 pixels, and read at that size its codes lose digits
(`0x800CCC0F` read as `Ox800CCCOF`). So the text height is measured (runs of rows that
hold ink, in vertical strips so that an icon beside the text does not join two lines)
and the picture scaled so the text reaches TARGET_LINE_PIXELS. It is made grey, and
turned dark-on-light when the background is dark (dark mode, consoles), because the
engine expects dark text.
"""

from __future__ import annotations

import io
import statistics

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from app.images.formats import MAX_PIXELS, ImageHeader, ImageRefusedError
from app.images.windows import MIN_SCREEN_PIXELS, centre_of, find_dialog

TARGET_LINE_PIXELS = 36
MAX_SCALE = 4.0
# A scaled picture larger than this costs more reading time than it gains accuracy;
# the centre of a 1920x1080 screen (no dialog found) is scaled at most 1.5 times.
MAX_SCALED_PIXELS = 3_000_000
STRIPS = 8
INK_CONTRAST = 48


def decode(data: bytes, header: ImageHeader) -> Image.Image:
    """The first frame of the picture, decoded (after formats.check_upload passed it)."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own bomb check, a second line
    try:
        picture = Image.open(io.BytesIO(data))
        if picture.format != header.format.upper():
            raise ImageRefusedError("unreadable",
                                    f"The file says it is {header.format} but is not.")
        picture.seek(0)
        picture.load()
    except (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError,
            Image.DecompressionBombError) as error:
        raise ImageRefusedError("unreadable", f"The {header.format} file is damaged or cut short "
                                         f"({error.__class__.__name__}); take the screenshot "
                                         "again.") from None
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        background = Image.new("RGBA", picture.size, "white")
        picture = Image.alpha_composite(background, picture.convert("RGBA"))
    return picture


def line_height(grey: np.ndarray) -> float | None:
    """The median height in pixels of the runs of rows holding ink, strip by strip."""
    background = float(np.median(grey))
    ink = np.abs(grey.astype(np.int16) - int(background)) > INK_CONTRAST
    heights: list[int] = []
    for strip in np.array_split(ink, STRIPS, axis=1):
        rows = np.concatenate(([False], strip.any(axis=1), [False]))
        edges = np.flatnonzero(rows[1:] != rows[:-1])
        heights += [int(h) for h in edges[1::2] - edges[::2] if 4 <= h <= 200]
    return float(statistics.median(heights)) if heights else None


def scale_for(height: float | None, width: int, tall: int) -> float:
    """How much to enlarge a picture whose text lines are `height` pixels high."""
    if not height:
        return 1.0
    wanted = min(MAX_SCALE, max(1.0, TARGET_LINE_PIXELS / height))
    room = (MAX_SCALED_PIXELS / (width * tall)) ** 0.5
    return max(1.0, min(wanted, room))


def prepare(picture: Image.Image) -> Image.Image:
    """The dialog (cut out of a whole screen), greyscale, dark text on light at full
    contrast, text lines scaled to TARGET_LINE_PIXELS."""
    grey = ImageOps.grayscale(picture)
    pixels = np.asarray(grey)
    if pixels.size >= MIN_SCREEN_PIXELS:  # a whole screen: the dialog, not the desktop
        box = find_dialog(pixels) or centre_of(grey.width, grey.height)
        grey = grey.crop(box)
        pixels = np.asarray(grey)
    if np.median(pixels) < 128:
        grey = ImageOps.invert(grey)
        pixels = 255 - pixels
    grey = ImageOps.autocontrast(grey, cutoff=1)  # dark-mode greys become black on white
    scale = scale_for(line_height(pixels), grey.width, grey.height)
    if scale > 1.05:
        size = (round(grey.width * scale), round(grey.height * scale))
        grey = grey.resize(size, Image.Resampling.BICUBIC)
    return grey
