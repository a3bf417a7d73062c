"""One reading of what a person typed: the codes in it, its words, whether it reads
like a pasted message, the protocols it names. Made once by the web layer and
handed down, so search and the wizard never re-read the raw string."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.codes.labels import CODE_WORDS
from app.codes.recognise import codes_in_query
from app.text.analysis import normal, stems
from app.text.names import protocols_in

_SENTENCE_END = re.compile(r"[.!?;:\"'()\[\]]+(?:\s|$)|\n")
# The longest text read, in the search box, URLs and the JSON API alike.
MAX_QUERY_CHARS = 1000
# A paste is a message, not a few words, when this many of its words are not code words.
MESSAGE_WORDS = 3
# ...and finding it quoted word for word is evidence of the fix only from this many on:
# four words ("printer prints garbage characters") describe; they do not quote.
QUOTED_WORDS = 6


@dataclass(frozen=True)
class Query:
    text: str                        # whitespace collapsed, at most MAX_QUERY_CHARS
    codes: tuple[str, ...]           # canonical, in the order typed
    phrase: str                      # lower-case words only, to find it quoted as is
    stems: frozenset[str]            # its words as the index has them
    protocols: frozenset[str]        # named, or implied by a port
    clipped: bool = False            # the text was longer than MAX_QUERY_CHARS
    # The paste's sentences of QUOTED_WORDS words or more, normalised: a pasted dialog
    # mixes the message an article quotes with the person's own account and server.
    sentences: tuple[str, ...] = ()

    @property
    def is_message(self) -> bool:
        """Whether the text reads like a message (not just a code and a word or two)."""
        codes = {code.lower() for code in self.codes}
        return len(set(self.phrase.split()) - CODE_WORDS - codes) >= MESSAGE_WORDS

    @property
    def is_long_message(self) -> bool:
        """Long enough that an article quoting it as is must be about this very error."""
        codes = {code.lower() for code in self.codes}
        return len([w for w in self.phrase.split() if w not in CODE_WORDS | codes]) >= QUOTED_WORDS

    def quoted_in(self, text: str) -> bool:
        """Whether a (normalised) text quotes this paste: all of it, or one of its
        sentences long enough to be a message."""
        return self.phrase in text or any(sentence in text for sentence in self.sentences)

    @property
    def words_beside_codes(self) -> frozenset[str]:
        """The stems of what was typed around the codes ("0x800CCC0E imap" -> imap)."""
        return self.stems - {stem for code in self.codes for stem in stems(code)} - CODE_WORDS

    def __bool__(self) -> bool:
        return bool(self.text)


def _sentences(text: str) -> tuple[str, ...]:
    """A paste's long sentences, when it has more than one (a single sentence is the
    paste itself)."""
    found = tuple(dict.fromkeys(
        sentence for sentence in (normal(part) for part in _SENTENCE_END.split(text))
        if len(sentence.split()) >= QUOTED_WORDS))
    return found if len(found) > 1 else ()


def read_query(text: str) -> Query:
    collapsed = " ".join(str(text).split())
    clipped = len(collapsed) > MAX_QUERY_CHARS
    text = collapsed[:MAX_QUERY_CHARS]
    return Query(
        text=text,
        codes=tuple(codes_in_query(text)),
        phrase=normal(text),
        stems=frozenset(stems(text)),
        protocols=frozenset(protocols_in(text)),
        clipped=clipped,
        sentences=_sentences(text),
    )
