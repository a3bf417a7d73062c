"""What the knowledge base does not cover: the names a person typed that no article
speaks of ("Microsoft Teams", "iPhone", "OneDrive", "Windows 10").

Nothing here is a list of products. A name is read from how it is typed (a
capital inside a word, a capitalised word, a program with a version number), and the
index says whether articles use it:

- a word no article uses at all (the did-you-mean vocabulary), and that is not a
  slip of a word they do use (`excell`), is a name the archive never mentions:
  `iPhone`, `OneDrive`, `Bluetooth`, `Wi-Fi`; followed by other capitalised words
  or a number, they are part of it (`Google Chrome`, `iPhone 12`);
- a program the titles name and give versions to (`Excel 97`), followed by a version
  number that the titles, symptoms and messages hardly ever put after it
  (`Windows 10`, `Office 365`, `Excel 2016`);
- the vendor word that starts most of the archive's product names (`Microsoft`),
  followed by a capitalised word they hardly ever put after it (`Microsoft Teams`).
  (Not any program: `Internet Explorer Favorites` and `Outlook Express Inbox` are
  rare pairs in the titles, symptoms and messages too.)

Only where the articles use most of the person's ordinary (lower-case) words: in a
knowledge base too small to know them, a missing word says nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from app.query.typed import Query
from app.text.analysis import stems

TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*|\d+(?:\.\d+)?")
RARE_PAIR = 5            # fewer articles putting two words together is noise ("Windows 10 min")
TITLED = 20              # articles whose titles name a program, for its versions to be checked
MIN_LETTERS = 3
# The versions most of the archive's programs had: a program the articles give one of
# these to is a program with versions.
VERSION_PROBES = ("95", "97", "98", "2000", "2002", "xp", "nt")
KNOWN_ORDINARY = 2 / 3   # share of the lowercase words typed that articles must use
MAX_NAME_WORDS = 3


class Vocabulary(Protocol):
    """What the index knows of words (app/wizard/source.py)."""

    def articles_using(self, words: list[str]) -> dict[str, int]: ...

    def titles_with(self, word: str) -> int: ...

    def pairs_of(self, first: str, second: str) -> int: ...

    def slips(self, query: Query) -> set[str]: ...

    def vendor_words(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    sentence_start: bool

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper() or any(c.isupper() for c in self.text[1:])

    @property
    def inner_capital(self) -> bool:
        """`iPhone`, `OneDrive`: typed so on purpose, never a slip."""
        return any(c.isupper() for c in self.text[1:]) and not self.text.isupper()

    @property
    def number(self) -> bool:
        return self.text[:1].isdigit()


def uncovered_names(query: Query, vocabulary: Vocabulary) -> list[str]:
    """The names in what was typed that no article speaks of, as typed."""
    tokens = _tokens(query)
    if not tokens:
        return []
    words = [t for t in tokens if not t.number and len(t.text) >= MIN_LETTERS]
    known = vocabulary.articles_using(sorted({_joined(t.text) for t in words}))
    # A name's absence means something only where the articles use the person's
    # ordinary words: never in a knowledge base too small to know them.
    ordinary = [t for t in words if t.text.islower() and stems(t.text)]   # not "the"
    if not ordinary or sum(bool(known.get(_joined(t.text))) for t in ordinary) < (
            KNOWN_ORDINARY * len(ordinary)):
        return []
    slips = vocabulary.slips(query)
    found: list[tuple[int, int]] = []
    for index in range(len(tokens)):
        span = (_unknown_word(tokens, index, known, slips, vocabulary)
                or _unknown_version(tokens, index, known, vocabulary)
                or _unknown_vendor_name(tokens, index, vocabulary))
        if span and not any(a <= span[0] < b for a, b in found):
            found.append(span)
    return list(dict.fromkeys(
        query.text[tokens[a].start:tokens[b - 1].end] for a, b in found))


def _tokens(query: Query) -> list[_Token]:
    """The words and numbers typed, leaving out codes, file names and paths."""
    coded = {part for code in query.codes for part in re.split(r"[^a-z0-9]+", code.lower())}
    out = []
    for match in TOKEN.finditer(query.text):
        before = query.text[max(0, match.start() - 1):match.start()]
        after = query.text[match.end():match.end() + 2]
        in_name = bool(before) and (before.isalnum() or before in "_.\\/:@-'")
        if in_name or after[:1] in ("_", "\\", "/", "@") or (
                len(after) == 2 and after[0] == "." and after[1].isalnum()):
            continue
        if match.group().lower() in coded:
            continue
        head = query.text[:match.start()].rstrip()
        out.append(_Token(match.group(), match.start(), match.end(),
                          not head or head[-1] in ".!?:;\"'(“"))
    return out


def _joined(word: str) -> str:
    return word.replace("-", "").lower()


def _unknown_word(tokens: list[_Token], index: int, known: dict[str, int], slips: set[str],
                  vocabulary: Vocabulary) -> tuple[int, int] | None:
    token = tokens[index]
    # `mapisp32`, `ARTIMP`: a file or module of a pasted message, not a product.
    if (token.number or len(token.text) < MIN_LETTERS or known.get(_joined(token.text))
            or any(c.isdigit() for c in token.text) or token.text.isupper()):
        return None
    if not token.inner_capital and token.text.lower() in slips:
        return None
    parts = stems(token.text)
    if "-" in token.text:       # `Wi-Fi`: its parts may be words, never side by side
        if len(parts) < 2 or vocabulary.pairs_of(parts[0], parts[1]):
            return None
    elif not parts or vocabulary.titles_with(parts[0]):
        return None
    end = index + 1
    while (end < len(tokens) and end - index < MAX_NAME_WORDS
           and tokens[end].start - tokens[end - 1].end <= 1
           and (tokens[end].number or (tokens[end].capitalised
                                       and not tokens[end].sentence_start))):
        end += 1
    return index, end


def _unknown_version(tokens: list[_Token], index: int, known: dict[str, int],
                     vocabulary: Vocabulary) -> tuple[int, int] | None:
    """A program the titles name, then a version they never give it."""
    if index + 1 >= len(tokens):
        return None
    program, version = tokens[index], tokens[index + 1]
    if (not program.capitalised or program.number or not version.number
            or version.start - program.end > 1 or not known.get(_joined(program.text))):
        return None
    first, second = stems(program.text), stems(version.text)
    if len(first) != 1 or len(second) != 1 or vocabulary.titles_with(first[0]) < TITLED:
        return None
    # A program the articles give versions to ("Notice 127" is no program's version).
    if not any(vocabulary.pairs_of(first[0], probe) >= RARE_PAIR for probe in VERSION_PROBES):
        return None
    if vocabulary.pairs_of(first[0], second[0]) >= RARE_PAIR:
        return None
    return index, index + 2


def _unknown_vendor_name(tokens: list[_Token], index: int, vocabulary: Vocabulary
                         ) -> tuple[int, int] | None:
    """`Microsoft Teams`: the archive's vendor word, then a name (capitalised inside
    the sentence) it never follows."""
    if index + 1 >= len(tokens):
        return None
    vendor, name = tokens[index], tokens[index + 1]
    if (not vendor.capitalised or not name.capitalised or name.sentence_start
            or name.number or name.text.isupper() or name.start - vendor.end > 1):
        return None
    first, second = stems(vendor.text), stems(name.text)
    if len(first) != 1 or len(second) != 1:
        return None
    if vendor.text.lower() not in vocabulary.vendor_words():
        return None
    if vocabulary.pairs_of(first[0], second[0]) >= RARE_PAIR:
        return None
    return index, index + 2
