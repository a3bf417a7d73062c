"""How people write a canonical code: its label on a page, and the spellings an
article may use for it. Every display of a code goes through `label`."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence

# Words written around a code ("error 1603", "Event ID 11310", "run-time error 5"):
# part of how the code is written, not words of the message it belongs to.
CODE_WORDS = frozenset({"error", "event", "id", "stop", "run", "time", "runtime", "code",
                        "number", "no", "0x", "asp", "http"})

FAMILY_LABELS = {"ERROR": "Error", "RUNTIME": "Run-time error", "EVENT": "Event ID",
                 "STOP": "Stop", "ASP": "ASP error", "HTTP": "HTTP"}
# The word an article writes before a decimal code of the family ("error 1603").
FAMILY_WORDS = {"ERROR": "error", "RUNTIME": "error", "EVENT": "event", "ASP": "asp",
                "HTTP": "http"}
# A code written as two words is found when its number follows its word with at most
# this many positions between them, counting only the words the index keeps ("Error
# code: 1603", "STOP error 0x0000007B"): a phrase query's slop.
MENTION_REACH = 3
_MENTION_WORDS = frozenset({*FAMILY_WORDS.values(), "stop"})
# Where a word of the analyzer may begin that stems to a code word (`Errors`, `stopped`).
_MENTION_START = re.compile(
    rf"(?<!\w)(?<!\w\.)(?:{'|'.join(sorted(_MENTION_WORDS))})", re.IGNORECASE)
_HEX_WORD = re.compile(r"(?:0x)?[0-9a-f]+")
_MENTION_WINDOW = 400  # characters read after a code's word, widened when short of words


def label(code: str) -> str:
    """A canonical code as a person writes it: `EVENT-11310` is "Event ID 11310",
    `STOP-0x0000007B` "Stop 0x0000007B"; hexadecimal and names stay as they are."""
    family, dash, rest = code.partition("-")
    return f"{FAMILY_LABELS[family]} {rest}" if dash and family in FAMILY_LABELS else code


def written_forms(code: str) -> list[list[str]]:
    """The ways an article may write a canonical code, each as its words in order:
    `STOP-0x0000007B` is written `stop 0x0000007b`, `stop 0x7b` or `stop 7b`."""
    family, _, rest = code.partition("-")
    if re.fullmatch(r"0x[0-9A-F]{8}", code):
        value = int(code, 16)
        forms = [[f"0x{value:08x}"], [f"0x{value:x}"]]
        if value >= 0x10000000:
            forms.append([f"{value:08x}"])
        return forms
    if family == "STOP":
        value = int(rest, 16)
        return [["stop", f"0x{value:08x}"], ["stop", f"0x{value:x}"], ["stop", f"{value:x}"]]
    if family in FAMILY_WORDS:
        word = FAMILY_WORDS[family]
        number = int(rest)
        forms = [[word, str(number)]]
        if 0 <= number < 1000:  # ASP 0113, error #0020
            forms.append([word, f"{number:04d}"])
        return forms
    return [[code]]  # a symbolic name or a compiler message number: one word


def mention_key(words: Sequence[str]) -> str:
    """The term under which the index keeps a code written as two words: `error~1603`."""
    return "~".join(words)


def written_mentions(text: str, analyse: Callable[[str], Iterator[str]]) -> set[str]:
    """The codes a text writes as two words (`Error 1603`, `STOP 0x7B`), as `mention_key`
    spells them in the words of `analyse` (a field's analyzer, so the same words as a
    search for the code's `written_forms` analyses): each code word followed, within
    MENTION_REACH of the words the analyzer keeps, by a number (after "stop", a
    hexadecimal one).

    Done once at index time so that a search looks the code up as one term: the phrase
    query it replaces read every position of "error" in the archive, most of a code
    search's time. Only the text from each code word on is analysed, and only as far
    as the words needed (the analyzer is lazy): an article's text is not read twice.
    A word counts as the analyzer has it: stemmed, `Errors 1603` is a mention, and
    `file.error 1603` is not (one word).
    """
    found: set[str] = set()
    for start in _MENTION_START.finditer(text):
        window = _MENTION_WINDOW
        while True:
            words = list(itertools.islice(
                analyse(text[start.start():start.start() + window]), MENTION_REACH + 2))
            if len(words) > MENTION_REACH + 1 or start.start() + window >= len(text):
                break
            window *= 4
        if not words or words[0] not in _MENTION_WORDS:
            continue
        word = words[0]
        for after in words[1:MENTION_REACH + 1]:
            if after.isdigit() or (word == "stop" and _HEX_WORD.fullmatch(after)):
                found.add(mention_key((word, after)))
    return found
