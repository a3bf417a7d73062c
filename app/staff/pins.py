"""What a pin is for: an error code however it was typed, or a query's words.

A text that is one error code (`800ccc0e`, `0x800CCC0E`, `Error 0x800ccc0e`), read by
the project's code recogniser, pins the code: every search and wizard with that code in
it leads with the article. Any other text pins its words, in any order and form
("printer prints garbage" and "Garbage printing printer" are the same pin): a search of
exactly those words leads with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.codes.labels import label
from app.codes.recognise import as_code
from app.query.typed import MAX_QUERY_CHARS, Query, read_query
from app.staff.audit import RefusedError
from app.text.analysis import stems

CODE = "code"
WORDS = "words"
MAX_PIN_WORDS = 20


@dataclass(frozen=True)
class PinKey:
    kind: str   # CODE or WORDS
    key: str    # the canonical code, or the sorted stems joined by spaces
    typed: str  # how a person reads it: "HRESULT 0x800CCC0E", or the words as typed


def words_key(text: str) -> str:
    return " ".join(sorted(set(stems(text))))


def pin_key(text: str) -> PinKey:
    """The pin a text names; RefusedError when it names none (empty, only stop words)."""
    text = " ".join(str(text).split())[:MAX_QUERY_CHARS]
    code = as_code(text) if text else None
    if code is None and text:
        # "Error 0x800ccc0e", "HRESULT 0x800CCC0E": one code and only words that name codes.
        query = read_query(text)
        if len(query.codes) == 1 and not query.words_beside_codes:
            code = query.codes[0]
    if code:
        return PinKey(CODE, code, label(code))
    key = words_key(text)
    if not key:
        raise RefusedError("A pin needs an error code or some words to search for; "
                      "this query has neither.")
    if len(key.split()) > MAX_PIN_WORDS:
        raise RefusedError(f"A pin is for a short query: at most {MAX_PIN_WORDS} different words.")
    return PinKey(WORDS, key, text)


def keys_of(query: Query) -> list[tuple[str, str]]:
    """The pins that would apply to a query, most specific first: its exact words,
    then each of its codes in the order typed."""
    found = []
    if query.text:
        found.append((WORDS, words_key(query.text)))
    found += [(CODE, code) for code in query.codes]
    return found
