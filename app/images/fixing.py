"""Codes as OCR misreads them, put right only into codes the knowledge base knows.

Tesseract reads `0x800CCC0F` in a small dialog font as `Ox800CCCOF`: the letters O, l,
I, S and B look like the digits 0, 1, 5 and 8. A code-shaped word (`0x` and eight hex
digits, or the number after `error`, `event`, `run-time error`, `stop`) is read again
with each look-alike taken as its digit, and B and 8 (both hex digits) tried both
ways. A reading is corrected only to a code that `known` accepts (the knowledge base
carries it, or the code tables name it), the fewest changes first; otherwise it is
left as read, since a guess would send the person to the wrong article.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from app.codes.decode import decode
from app.codes.recognise import normalise

LOOK_ALIKES = {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1",
               "|": "1", "S": "5", "s": "5", "B": "8", "Z": "2"}
HEX_TWINS = {"B": "8", "8": "B", "b": "8"}  # both read as hex digits: try both
MAX_READINGS = 256
HEX_DIGITS = 8
_SHAPE = "0-9A-Fa-fOoDQlIi|SsZ"
_HEX_WORD = re.compile(rf"(?<![\w])(?P<prefix>[0Oo][xX])(?P<digits>[{_SHAPE}]{{4,9}})(?![\w])")
_NUMBER_WORD = re.compile(
    r"(?P<prefix>\b(?:[Ee]rror|[Ee]vent(?: ID)?|[Rr]un-?\s?[Tt]ime [Ee]rror)\W{0,3})"
    r"(?P<digits>[0-9OoDQlIi|SsBZ]{2,6})\b")


@dataclass(frozen=True)
class Fix:
    read: str  # as OCR read it, e.g. "Ox800CCCOF"
    code: str  # canonical, e.g. "0x800CCC0F"


def named_by_tables(canonical: str) -> bool:
    """True when the code tables name the code (a known HRESULT, Win32 error, bug check)."""
    return any(name in ("Name", "Win32 name") for name, _ in decode(canonical).details)


def _substitutions(digits: str, hexadecimal: bool) -> list[str]:
    choices = []
    for char in digits:
        if hexadecimal and char in HEX_TWINS:
            choices.append((char, HEX_TWINS[char]))
        elif char.isdigit() or (hexadecimal and char in "abcdefACDEF"):
            choices.append((char,))
        elif char in LOOK_ALIKES:
            choices.append((LOOK_ALIKES[char],))
        else:
            return []
    return ["".join(each) for each in itertools.islice(itertools.product(*choices),
                                                       MAX_READINGS)]


def _readings(digits: str, hexadecimal: bool) -> list[str]:
    """Every way to read `digits` as digits, fewest changes first. A hex word one
    digit too long (OCR doubled a round `0` as `O0`) is also read with each digit left
    out, which counts as one change more."""
    costed = [(sum(a != b for a, b in zip(each, digits, strict=True)), each)
              for each in _substitutions(digits, hexadecimal)]
    if hexadecimal and len(digits) == HEX_DIGITS + 1:
        for at in range(len(digits)):
            shorter = digits[:at] + digits[at + 1:]
            costed += [(1 + sum(a != b for a, b in zip(each, shorter, strict=True)), each)
                       for each in _substitutions(shorter, hexadecimal)]
    return [each for _, each in sorted(costed, key=lambda pair: pair[0])]


def _fix_word(match: re.Match[str], hexadecimal: bool,
              known: Callable[[str], bool]) -> tuple[str, Fix | None]:
    """The word as it should be written, and the fix made (None: left as read)."""
    word, prefix, digits = match.group(0), match.group("prefix"), match.group("digits")
    if not hexadecimal and not any(char.isdigit() for char in digits):
        return word, None  # "Error IIS" is a word, not a misread number
    for reading in _readings(digits, hexadecimal):
        written = ("0x" if hexadecimal else prefix) + reading
        canonical = normalise(written)
        if canonical and known(canonical):
            shown = word if hexadecimal else digits
            return written, Fix(shown, canonical) if written != word else None
    return word, None


def fix_codes(text: str, known: Callable[[str], bool]) -> tuple[str, list[Fix]]:
    """The text with misread codes put right, and each correction made."""
    fixes: list[Fix] = []

    def replace(match: re.Match[str], hexadecimal: bool) -> str:
        written, fix = _fix_word(match, hexadecimal, known)
        if fix is not None and fix not in fixes:
            fixes.append(fix)
        return written

    text = _HEX_WORD.sub(lambda m: replace(m, True), text)
    text = _NUMBER_WORD.sub(lambda m: replace(m, False), text)
    return text, fixes
