"""Mark the words of a search inside an article's section HTML, safely.

The article HTML has been sanitised already; this walks it with the standard
library's HTML parser and wraps matching words of *text nodes* in `<mark>`, copying
every tag, attribute and entity through untouched, so a query can never break a tag
or inject markup. Words match by stem (``printers`` marks ``printer``), as search
matched them; error codes match however the query wrote them (``800ccc90``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem

from app.errorcodes import codes_in_query

MAX_TERMS = 30
WORD = re.compile(r"\w+")
CODE_WORDS = {"error", "stop", "event", "runtime", "asp", "http"}


@lru_cache(maxsize=20_000)
def _stem(word: str) -> str:
    return stem(word.lower())


def query_terms(query: str) -> frozenset[str]:
    """The stems a query is made of: no stop words, no one-letter words."""
    query = query[:1000]
    terms: list[str] = []
    for code in codes_in_query(query):
        terms.extend(_stem(part) for part in re.split(r"[^0-9A-Za-z]+", code)
                     if part and part.lower() not in CODE_WORDS)
    for word in WORD.findall(query):
        if len(word) > 1 and word.lower() not in STOP_WORDS:
            terms.append(_stem(word))
    return frozenset(list(dict.fromkeys(terms))[:MAX_TERMS])


def _mark_text(text: str, terms: frozenset[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        return f'<mark class="hit">{word}</mark>' if _stem(word) in terms else word

    return WORD.sub(replace, text)


class _Marker(HTMLParser):
    def __init__(self, terms: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.terms = terms
        self.out: list[str] = []
        self.marked = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data) -> None:
        marked = _mark_text(data, self.terms)
        self.marked += marked.count('<mark class="hit">')
        self.out.append(marked)

    def handle_entityref(self, name) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data) -> None:
        pass  # sanitised HTML has none; never pass one through


def highlight(html: str, terms: frozenset[str]) -> tuple[str, int]:
    """(html with the terms marked, how many words were marked)."""
    if not terms:
        return html, 0
    marker = _Marker(terms)
    marker.feed(html)
    marker.close()
    return "".join(marker.out), marker.marked
