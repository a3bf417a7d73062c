"""Which gap a text belongs to: the same error codes, however they were spelled, else
the same significant words in any order and form.

The keys are the pins' keys (app/staff/pins.py), so a pin for a gap is found by its
key: `code:0x800CCC0E` is what `0x800ccc0e`, `Error 0x800CCC0E` and
`error 0x800ccc0e outlook` are about; `words:garbag printer print` what "printer prints
garbage" is.
"""

from __future__ import annotations

from app.codes.labels import label
from app.query.typed import read_query
from app.staff.pins import CODE, WORDS, words_key

CODE_PREFIX = f"{CODE}:"
WORDS_PREFIX = f"{WORDS}:"


def gap_key(text: str) -> str:
    """The gap of a typed text; "" when it has neither a code nor a significant word."""
    text = " ".join(str(text).split())
    if not text:
        return ""
    codes = sorted(set(read_query(text).codes))
    if codes:
        return CODE_PREFIX + " ".join(codes)
    words = words_key(text)
    return WORDS_PREFIX + words if words else ""


def gap_label(key: str) -> str:
    """A gap as a lead reads it: its codes as people write them, or its words."""
    if key.startswith(CODE_PREFIX):
        return ", ".join(label(code) for code in key[len(CODE_PREFIX):].split())
    return key.removeprefix(WORDS_PREFIX)


def pin_key_of(key: str) -> tuple[str, str] | None:
    """(kind, key) of the pin that would answer this gap: its first code, or its words."""
    if key.startswith(CODE_PREFIX):
        return CODE, key[len(CODE_PREFIX):].split()[0]
    if key.startswith(WORDS_PREFIX):
        return WORDS, key[len(WORDS_PREFIX):]
    return None


def codes_of(key: str) -> list[str]:
    return key[len(CODE_PREFIX):].split() if key.startswith(CODE_PREFIX) else []
