"""What the knowledge base does not cover: the names a person typed that no article
speaks of ("Microsoft Teams", "iPhone", "OneDrive", "Windows 10"), or speaks of only
as something else (the Zoom command, teams of players, a replication Dropbox).

Nothing here is a list of products. A name is read from how it is typed (a
capital inside a word, a capitalised word, a program with a version number), and the
index says whether articles use it:

- a word no article uses at all (the did-you-mean vocabulary), and that is not a
  slip of a word they do use (`excell`), is a name the archive never mentions:
  `iPhone`, `OneDrive`, `Bluetooth`, `Wi-Fi`, `USB-C`; followed by other capitalised
  words or a number, they are part of it (`Google Chrome`, `iPhone 12`);
- a program the titles name and give versions to (`Excel 97`), followed by a version
  number that the titles, symptoms and messages hardly ever put after it
  (`Windows 10`, `Office 365`, `Excel 2016`);
- the vendor word that starts most of the archive's product names (`Microsoft`),
  followed by a capitalised word they hardly ever put after it (`Microsoft Teams`);
  any other word the titles name, followed by a capitalised word they never put
  after it (`Windows Defender`, `Surface Pro`), or put after it in a few articles
  but never name in a title (`Windows Hello`, of a sample program's "Hello";
  `Outlook Express Inbox` is rare, but titles name the Inbox);
- a capitalised word a few dozen articles use, never beside the words the person put
  around it, and not a program of the vendor's with versions (`Zoom says…`, `the
  Teams app`, `Dropbox is…`; `Publisher` is one of the archive's programs);
- an all-capitals word no article uses, digits or not (`MFA`, `2FA`), where no code
  was pasted;
- a "slip" did-you-mean corrects that is none: capitalised, one letter changed
  (`Slack` -> `stack`) where fingers leave out, double or swap letters (`Outlok`);
  a capital inside with a letter added (`iPhone` -> `phone`); in lower case, towards
  a word hardly any article uses (`wifi` -> `wiki`; `mailbix` is a slip).

Then the articles search finds for the whole problem are read: a name one of them
writes beside most of the problem's other words is one the archive speaks of after
all (`Emsmdb` of a pasted message, the `Zoom` box on the toolbar). And only where the
articles use most of the person's ordinary (lower-case) words: in a knowledge base
too small to know them, a missing word says nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from app.articles.model import Article
from app.query.typed import Query, read_query
from app.text.analysis import stems
from app.wizard.coverage_articles import capitalised_inside, not_written_by_its_articles

# Words, then numbers with letters (`2FA`, `68K`: one token, never a version), then numbers.
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*|\d+[A-Za-z][A-Za-z0-9]*|\d+(?:\.\d+)?")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
RARE_PAIR = 5            # fewer articles putting two words together is noise ("Windows 10 min")
RARE_USE = 5             # articles using a word, at most, for a slip towards it to be none
RARE_NAME = 100          # articles using a capitalised word, at most, for it to name another thing
COMMON = 50              # articles using the person's typical word, for the KB to know words
NAMED = 1                # titles naming a word, at least, for it to start a program's name
ACRONYM = (3, 5)         # letters of an all-capitals name
TITLED = 20              # articles whose titles name a program, for its versions to be checked
MIN_LETTERS = 3
# The versions most of the archive's programs had: a program the articles give one of
# these to is a program with versions.
VERSION_PROBES = ("95", "97", "98", "2000", "2002", "xp", "nt")
KNOWN_ORDINARY = 2 / 3   # share of the lowercase words typed that articles must use
MAX_NAME_WORDS = 3
# Articles and pronouns: closed classes of English, never a verb or a noun. A word they
# follow is no subject ("Yesterday the printer…", "Since Monday my…").
NO_SUBJECT_BEFORE = frozenset((
    "the", "a", "an", "my", "our", "your", "his", "her", "their", "its", "this", "that",
    "these", "those", "i", "we", "you", "it", "they", "he", "she"))
# ... and prepositions, which follow a name of the vendor's ("Skype for Business") but
# hardly ever one used for something else ("Edge of the picture", "Thanks in advance").
PREPOSITIONS = frozenset(("in", "on", "at", "for", "from", "to", "of", "with", "by"))


class Vocabulary(Protocol):
    """What the index knows of words (app/wizard/source.py)."""

    def articles_using(self, words: list[str]) -> dict[str, int]: ...

    def titles_with(self, word: str) -> int: ...

    def pairs_of(self, first: str, second: str) -> int: ...

    def slips(self, query: Query) -> dict[str, str]: ...

    def vendor_words(self) -> frozenset[str]: ...

    def rank(self, query: Query, limit: int) -> list[tuple[str, float]]: ...

    def article(self, article_id: str) -> Article | None: ...


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
        return NUMBER.fullmatch(self.text) is not None


def uncovered_names(query: Query, vocabulary: Vocabulary) -> list[str]:
    """The names in what was typed that no article speaks of, as typed."""
    tokens = _tokens(query)
    if not tokens:
        return []
    words = [t for t in tokens if not t.number and len(t.text) >= MIN_LETTERS]
    known = vocabulary.articles_using(sorted({_joined(t.text) for t in words}))
    # A name's absence means something only where the articles use the person's
    # ordinary words (most of them, or all but one where another is common: "Zoom
    # can't find my webcam"): never in a knowledge base too small to know them.
    ordinary = [t for t in words if t.text.islower() and stems(t.text)]   # not "the"
    uses = [known.get(_joined(t.text), 0) for t in ordinary]
    unknown = uses.count(0)
    if not ordinary or (unknown > (1 - KNOWN_ORDINARY) * len(ordinary)
                        and (unknown > 1 or max(uses) < COMMON)):
        return []
    slips = vocabulary.slips(query)
    found: list[tuple[int, int]] = []
    for index in range(len(tokens)):
        span = (_unknown_word(tokens, index, known, slips, vocabulary)
                or _unknown_version(tokens, index, known, vocabulary)
                or _unknown_vendor_name(tokens, index, vocabulary)
                or _unknown_program_pair(tokens, index, known, slips, vocabulary)
                or _name_for_something_else(tokens, index, known, slips, vocabulary)
                or (None if query.codes else _unknown_acronym(tokens[index], index, known,
                                                              vocabulary)))
        if span and not any(a <= span[0] < b for a, b in found):
            found.append(span)
    names = list(dict.fromkeys(
        query.text[tokens[a].start:tokens[b - 1].end] for a, b in found))
    return not_written_by_its_articles(query, names, vocabulary) if names else []


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


def _unknown_word(tokens: list[_Token], index: int, known: dict[str, int], slips: dict[str, str],
                  vocabulary: Vocabulary) -> tuple[int, int] | None:
    token = tokens[index]
    # `mapisp32`, `ARTIMP`: a file or module of a pasted message, not a product.
    if (token.number or len(token.text) < MIN_LETTERS or known.get(_joined(token.text))
            or any(c.isdigit() for c in token.text)
            or (token.text.isupper() and "-" not in token.text)):
        return None
    if _a_slip(token, slips, known, vocabulary) or (
            token.sentence_start and not token.inner_capital
            and _no_subject(tokens, index)):
        return None
    parts = stems(token.text)
    if "-" in token.text:       # `Wi-Fi`: its parts may be words, never side by side
        # `USB-C`: a part of one letter is no word to pair; capitals make it a name.
        if any(len(part) == 1 for part in token.text.split("-")):
            if not token.capitalised:
                return None
        elif len(parts) < 2 or vocabulary.pairs_of(parts[0], parts[1]):
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


def _slip_of_fingers(word: str, slips: dict[str, str]) -> bool:
    """Did-you-mean corrects `word` by other than one changed letter: a letter left
    out, doubled, swapped or added (`outlok`, `pritner`), as fingers slip; `Slack`
    is not a slip for `stack`."""
    fixed = slips.get(word)
    if fixed is None:
        return False
    return len(fixed) != len(word) or sum(a != b for a, b in zip(word, fixed, strict=True)) != 1


def _unknown_program_pair(tokens: list[_Token], index: int, known: dict[str, int],
                          slips: dict[str, str], vocabulary: Vocabulary
                          ) -> tuple[int, int] | None:
    """`Windows Defender`, `Surface Pro`: a word the titles name, then a capitalised
    word inside the sentence that no title, symptom or message ever puts after it."""
    if index + 1 >= len(tokens):
        return None
    program, name = tokens[index], tokens[index + 1]
    # Both words known or the second in capitals, neither a slip (`Proxy Servce`,
    # `Personal Addres`; `Acrobat DC` is none), the first not in capitals
    # (`DRVSPACE EXE` is a file name typed with a space).
    if (not program.capitalised or program.number or program.text.isupper()
            or not name.capitalised or name.sentence_start or name.number
            or name.start - program.end > 1
            or (name.text.isupper() and len(name.text) > ACRONYM[0])
            or not known.get(_joined(program.text))
            or not (known.get(_joined(name.text)) or name.text.isupper())
            or program.text.lower() in slips or name.text.lower() in slips):
        return None
    first, second = stems(program.text), stems(name.text)
    if len(first) != 1 or len(second) != 1 or vocabulary.titles_with(first[0]) < NAMED:
        return None
    # First in the sentence, a capital says nothing: a program has versions
    # (`Windows Hello`; "Recently Outlook stopped" is none).
    if program.sentence_start and not program.inner_capital and not any(
            vocabulary.pairs_of(first[0], probe) >= RARE_PAIR for probe in VERSION_PROBES):
        return None
    # `Windows Hello`: a pair a few articles have (a sample program's "Hello" after
    # "Windows"), of a word no title names: never a thing they speak of.
    pairs = vocabulary.pairs_of(first[0], second[0])
    if pairs and (pairs >= RARE_PAIR or vocabulary.titles_with(second[0])):
        return None
    return index, index + 2


def _unknown_acronym(token: _Token, index: int, known: dict[str, int],
                     vocabulary: Vocabulary) -> tuple[int, int] | None:
    """`MFA`, `2FA`: all capitals, a digit or not, and no article uses it (nor a word
    search leaves out, as `FROM` in "Syntax error in FROM clause")."""
    text = token.text
    if (not text.isalnum() or text.upper() != text or not stems(text)
            or not ACRONYM[0] <= len(text) <= ACRONYM[1] or known.get(text.lower())):
        return None
    # The vocabulary counts no words with digits (`68K`): search finds those used.
    if not text.isalpha() and (vocabulary.titles_with(text.lower())
                               or vocabulary.rank(read_query(text.lower()), 1)):
        return None
    return index, index + 1


def _a_slip(token: _Token, slips: dict[str, str], known: dict[str, int],
            vocabulary: Vocabulary) -> bool:
    """Did-you-mean takes the word for a slip, and it is one: of the fingers (`Outlok`,
    `FoxUer` for FoxUser; but a capital inside is typed on purpose: `iPhone` is no
    `phone` with a letter added), or in lower case any change but towards a word
    hardly any article uses, where the person's other words are common: `wifi` is no
    slip for `wiki` (two articles of 60,000), nor `Slack` for `stack`."""
    word = token.text.lower()
    fixed = slips.get(word)
    if fixed is None:
        return False
    if stems(word) == stems(fixed):         # `crackles`: a form of `crackle`
        return True
    if token.inner_capital:
        return len(fixed) >= len(word) and _slip_of_fingers(word, slips)
    if not token.text.islower():
        return _slip_of_fingers(word, slips)
    uses = sorted(count for count in known.values() if count)
    used = vocabulary.articles_using([fixed]).get(fixed, 0)
    return not (uses and used <= RARE_USE and uses[len(uses) // 2] >= COMMON)


def _name_for_something_else(tokens: list[_Token], index: int, known: dict[str, int],
                             slips: dict[str, str], vocabulary: Vocabulary
                             ) -> tuple[int, int] | None:
    """`Zoom says my camera…`, `the Teams app`, `Dropbox is using…`: a capitalised word
    a few dozen articles use for something else (the Zoom command, teams of players, a
    replication folder), that no title, symptom or message puts beside the words the
    person put around it. (That the articles search finds for the whole problem never
    write it is asked of every name: app/wizard/coverage_articles.py.)"""
    token = tokens[index]
    text = token.text
    if (len(text) < MIN_LETTERS or not text.isalpha() or not text[:1].isupper()
            or not text[1:].islower() or text.lower() in slips
            or not 0 < known.get(text.lower(), 0) <= RARE_NAME):
        return None
    # Before a capitalised word, it says which one or when ("Lately Excel runs…").
    if _no_subject(tokens, index, NO_SUBJECT_BEFORE | PREPOSITIONS) or (
            index + 1 < len(tokens) and tokens[index + 1].capitalised) or (
            token.sentence_start and known[text.lower()] > RARE_USE
            and not capitalised_inside(text, vocabulary)):
        return None
    own = stems(text)
    # A program of the archive's own: after its vendor's name, or with its versions.
    if len(own) != 1 or any(
            vocabulary.pairs_of(stems(vendor)[0], own[0]) >= RARE_PAIR
            for vendor in vocabulary.vendor_words()) or any(
            vocabulary.pairs_of(own[0], probe) >= RARE_PAIR for probe in VERSION_PROBES):
        return None
    for other in (index - 1, index + 1):
        if not 0 <= other < len(tokens) or abs(tokens[other].start - token.start) > len(
                max(tokens[other].text, text, key=len)) + 1:
            continue
        beside = stems(tokens[other].text)
        if beside and (vocabulary.pairs_of(beside[-1], own[0]) if other < index
                       else vocabulary.pairs_of(own[0], beside[0])):
            return None
    return index, index + 1


def _no_subject(tokens: list[_Token], index: int,
                before: frozenset[str] = NO_SUBJECT_BEFORE) -> bool:
    """The word is followed by punctuation, an article or a pronoun ("Urgent: …",
    "Suddenly the sound…", "since Monday my mail…"): not a thing that does something,
    nor one that names the next ("Zoom says", "the Teams app")."""
    if index + 1 >= len(tokens):
        return False
    token, after = tokens[index], tokens[index + 1]
    return (after.start - token.end > 1 or after.sentence_start
            or after.text.lower() in before)
