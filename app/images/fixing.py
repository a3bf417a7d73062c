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
from app.codes.recognise import as_code

LOOK_ALIKES = {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1",
               "|": "1", "S": "5", "s": "5", "B": "8", "Z": "2"}
HEX_TWINS = {"B": "8", "8": "B", "b": "8"}  # both read as hex digits: try both
MAX_READINGS = 256
HEX_DIGITS = 8
_SHAPE = "0-9A-Fa-fOoDQlIi|SsZ"
_HEX_WORD = re.compile(rf"(?<![\w])(?P<prefix>[0Oo][xX])(?P<digits>[{_SHAPE}]{{4,9}})(?![\w])")
_BARE_WORD = re.compile(rf"(?<![\w])(?P<prefix>)(?P<digits>[8Cc][{_SHAPE}B]{{7}})(?![\w])")
_OX_PREFIX = re.compile(r"(?<![\w])[Oo][xX](?=[0-9A-Fa-f]{1,8}(?![\w]))")
# A Stop error's parameter list, `(0xFESABO00, 0x00000002, ...)`: its values are no
# codes, but one misread value hides the list, and its values are then taken for codes.
_PARAMETERS = re.compile(rf"(?<=\()\s*(?:0x)?[{_SHAPE}]{{1,8}}(?:\s*,\s*(?:0x)?[{_SHAPE}]{{1,8}})+")
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


def _fix_word(match: re.Match[str], style: str,
              known: Callable[[str], bool]) -> tuple[str, Fix | None]:
    """The word as it should be written, and the fix made (None: left as read).
    `style`: "hex" (`0x` and hex digits), "bare" (eight hex digits from 8 or C on, as
    `c0000005` is written), "number" (the decimal number after `error` and the like)."""
    word, prefix, digits = match.group(0), match.group("prefix"), match.group("digits")
    hexadecimal = style != "number"
    if sum(char.isdigit() for char in digits) < (4 if style == "bare" else 1):
        return word, None  # "Error IIS" is a word, not a misread number
    for reading in _readings(digits, hexadecimal):
        written = {"hex": "0x", "bare": ""}.get(style, prefix) + reading
        canonical = as_code(written)
        if canonical and known(canonical):
            shown = digits if style == "number" else word
            return written, Fix(shown, canonical) if written != word else None
    return word, None


def _fix_parameters(match: re.Match[str]) -> str:
    """Look-alikes in a list of hex values read as digits, when every other value in
    the list is plainly hex (so the list is one, and none of it is taken for a code)."""
    values = re.split(r"(\s*,\s*)", match.group(0))
    plain = [value for value in values[::2] if re.fullmatch(r"\s*(?:0x)?[0-9A-Fa-f]+", value)]
    if len(plain) < len(values[::2]) - 1 or len(plain) < 2:
        return match.group(0)
    return "".join(value if at % 2 or value in plain else
                   "".join(LOOK_ALIKES.get(char, char) if char not in "xB" else char
                           for char in value)
                   for at, value in enumerate(values))


def fix_codes(text: str, known: Callable[[str], bool]) -> tuple[str, list[Fix]]:
    """The text with misread codes put right, and each correction made. An `Ox` before
    hex digits becomes `0x` whatever the code (the value is the digits' alone)."""
    fixes: list[Fix] = []

    def replace(match: re.Match[str], style: str) -> str:
        written, fix = _fix_word(match, style, known)
        if fix is not None and fix not in fixes:
            fixes.append(fix)
        return written

    text = _OX_PREFIX.sub("0x", text)
    text = _PARAMETERS.sub(_fix_parameters, text)
    text = _HEX_WORD.sub(lambda m: replace(m, "hex"), text)
    text = _BARE_WORD.sub(lambda m: replace(m, "bare"), text)
    text = _NUMBER_WORD.sub(lambda m: replace(m, "number"), text)
    return text, fixes
