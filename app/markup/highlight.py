"""Mark the words of a search inside an article's section HTML, safely; give its
sub-headings anchors.

The article HTML has been sanitised already; this walks it with the standard
library's HTML parser and wraps matching words of *text nodes* in `<mark>`, copying
every tag, attribute and entity through untouched, so a query can never break a tag
or inject markup. Words match by stem (``printers`` marks ``printer``), as search
matched them; error codes match however the query wrote them (``800ccc90``).
Sub-headings (`h3`-`h6`, which the sanitiser leaves without attributes) get an `id`
made from their text, unique within the article, so they can be linked to as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape as html_unescape
from html.parser import HTMLParser

from app.codes.labels import CODE_WORDS
from app.codes.recognise import codes_in_query
from app.text.analysis import STOPWORDS, stem_word
from app.text.slugs import anchor_for

MAX_TERMS = 30
WORD = re.compile(r"\w+")
SUBHEADINGS = {"h3", "h4", "h5", "h6"}
BARE_SUBHEADING = re.compile(r"<h[3-6]>")


def query_terms(query: str) -> frozenset[str]:
    """The stems a query is made of: no stop words, no one-letter words."""
    terms: list[str] = []
    for code in codes_in_query(query):
        terms.extend(stem_word(part) for part in re.split(r"[^0-9A-Za-z]+", code)
                     if part and part.lower() not in CODE_WORDS)
    for word in WORD.findall(query):
        if len(word) > 1 and word.lower() not in STOPWORDS:
            terms.append(stem_word(word))
    return frozenset(list(dict.fromkeys(terms))[:MAX_TERMS])


def _mark_text(text: str, terms: frozenset[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        return f'<mark class="hit">{word}</mark>' if stem_word(word) in terms else word

    return WORD.sub(replace, text)


class _Marker(HTMLParser):
    def __init__(self, terms: frozenset[str], taken: set[str] | None) -> None:
        super().__init__(convert_charrefs=False)
        self.terms = terms
        self.taken = taken
        self.out: list[str] = []
        self.marked = 0
        self.headings: list[tuple[str, str]] = []
        self._heading: tuple[str, int, list[str]] | None = None  # tag, out position, text

    def handle_starttag(self, tag, attrs) -> None:
        if self.taken is not None and tag in SUBHEADINGS and not attrs and not self._heading:
            self._heading = (tag, len(self.out), [])
            self.out.append("")  # the start tag, once the text (so the id) is known
            return
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag) -> None:
        if self._heading and self._heading[0] == tag and self.taken is not None:
            _, position, parts = self._heading
            text = " ".join(html_unescape("".join(parts)).split())
            anchor = anchor_for(text, self.taken)
            self.out[position] = f'<{tag} id="{anchor}">'
            self.headings.append((text, anchor))
            self._heading = None
        self.out.append(f"</{tag}>")

    def handle_data(self, data) -> None:
        if self._heading:
            self._heading[2].append(data)
        marked = _mark_text(data, self.terms)
        self.marked += marked.count('<mark class="hit">')
        self.out.append(marked)

    def handle_entityref(self, name) -> None:
        if self._heading:
            self._heading[2].append(f"&{name};")
        self.out.append(f"&{name};")

    def handle_charref(self, name) -> None:
        if self._heading:
            self._heading[2].append(f"&#{name};")
        self.out.append(f"&#{name};")

    def handle_comment(self, data) -> None:
        pass  # sanitised HTML has none; never pass one through


def highlight(html: str, terms: frozenset[str]) -> tuple[str, int]:
    """(html with the terms marked, how many words were marked)."""
    if not terms:
        return html, 0
    marker = _Marker(terms, None)
    marker.feed(html)
    marker.close()
    return "".join(marker.out), marker.marked


@dataclass
class Decorated:
    html: str
    marked: int
    headings: list[tuple[str, str]]  # (text, anchor) of each sub-heading, in order


def decorate(html: str, terms: frozenset[str], taken: set[str]) -> Decorated:
    """Mark the terms and give sub-headings ids not yet in `taken` (which is updated)."""
    if not terms and not BARE_SUBHEADING.search(html):
        return Decorated(html, 0, [])
    marker = _Marker(terms, taken)
    marker.feed(html)
    marker.close()
    return Decorated("".join(marker.out), marker.marked, marker.headings)
