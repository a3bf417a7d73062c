"""Which gap a text belongs to: the same error codes, however they were spelled, else
the same significant words in any order and form.

The keys are the pins' keys (app/staff/pins.py), so a pin for a gap is found by its
key: `code:0x800CCC0E` is what `0x800ccc0e`, `Error 0x800CCC0E` and
`error 0x800ccc0e outlook` are about; `words:garbag printer print` what "printer prints
garbage" is.
"""

from __future__ import annotations

import re

from app.codes.decode import decode
from app.codes.labels import label
from app.codes.recognise import as_code
from app.codes.tables import BUGCHECKS, hex_form
from app.query.typed import read_query
from app.staff.pins import CODE, WORDS, words_key

# "eventid 1000" is how some people write "event id 1000".
EVENT_ID = re.compile(r"\bevent ?id\b", re.IGNORECASE)
# A bare bug-check value is a stop error when the text says it was a blue screen.
BLUE_SCREEN = re.compile(r"\b(blue ?screen|bsod|bug ?check)\b", re.IGNORECASE)
CODE_PREFIX = f"{CODE}:"
WORDS_PREFIX = f"{WORDS}:"


def gap_key(text: str) -> str:
    """The gap of a typed text; "" when it has neither a code nor a significant word."""
    text = " ".join(str(text).split())
    if not text:
        return ""
    codes = sorted({same_code(code, text) for code in read_query(EVENT_ID.sub(
        "event id", text)).codes})
    if codes:
        return CODE_PREFIX + " ".join(codes)
    words = words_key(text)
    return WORDS_PREFIX + words if words else ""


def same_code(code: str, text: str = "") -> str:
    """One code for the spellings the recogniser keeps apart but a person means as
    one: a symbolic name and its value (E_ACCESSDENIED is 0x80070005), a bug check's
    bare value in a text about a blue screen ("blue screen 0x0000007e")."""
    decoded = decode(code)
    details = dict(decoded.details) if decoded is not None else {}
    if decoded is not None and decoded.kind == "symbol":
        if "Value" in details:
            return as_code(details["Value"]) or code
        if "Win32 error" in details and details["Win32 error"].isdigit():
            return hex_form(int(details["Win32 error"]))
    if code.startswith("0x") and BLUE_SCREEN.search(text):
        value = int(code, 16)
        if value in BUGCHECKS:
            return as_code(f"stop {hex_form(value)}") or code
    return code


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
