"""The colour schemes meet WCAG AA contrast, in light and in dark (static/style.css)."""

from __future__ import annotations

import re

import pytest

from app import PROJECT_ROOT

CSS = (PROJECT_ROOT / "static" / "style.css").read_text(encoding="utf-8")
# (text, background, minimum): 4.5 for text, 3 for focus rings and control borders.
PAIRS = [
    ("fg", "bg", 4.5), ("fg", "panel", 4.5), ("muted", "bg", 4.5), ("muted", "panel", 4.5),
    ("accent", "bg", 4.5), ("accent", "panel", 4.5), ("accent-fg", "accent", 4.5),
    ("fg", "mark", 4.5), ("ok", "bg", 4.5), ("focus", "bg", 3.0), ("control", "bg", 3.0),
]


def scheme(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def schemes() -> dict[str, dict[str, str]]:
    light = scheme(CSS.split("@media (prefers-color-scheme: dark)")[0])
    dark_block = CSS.split("@media (prefers-color-scheme: dark)")[1].split("}\n}")[0]
    return {"light": light, "dark": {**light, **scheme(dark_block)}}


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_both_schemes_define_every_colour() -> None:
    found = schemes()
    needed = {name for pair in PAIRS for name in pair[:2]}
    assert needed <= set(found["light"]) and needed <= set(scheme(
        CSS.split("@media (prefers-color-scheme: dark)")[1].split("}\n}")[0]))


@pytest.mark.parametrize("name", ["light", "dark"])
@pytest.mark.parametrize(("text", "background", "minimum"), PAIRS)
def test_contrast_is_aa(name: str, text: str, background: str, minimum: float) -> None:
    colours = schemes()[name]
    ratio = contrast(colours[text], colours[background])
    assert ratio >= minimum, f"{name}: {text} on {background} is {ratio:.2f}:1"


def test_the_contrast_formula() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48
