"""Suggestions as a person types: article ids, titles and error codes for a prefix.

Everything is read once per index identity into sorted lists (the titles' words,
each with its articles as an array; the carried codes under every way they are
typed; the ids), so a keystroke is a few bisections and array operations, never a
Whoosh query: well under a millisecond on the archive once built (about a second,
when a worker starts, see `prepare`, and at the first suggestion after an index
changes). A short prefix joins many titles: the join is kept per prefix.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from app.articles.ids import permalink_for
from app.codes.labels import label
from app.codes.recognise import canonical_form
from app.search.nearcodes import carried_codes
from app.search.readers import KnowledgeBase

MAX_SUGGESTIONS = 8
MAX_CODES = 3
MAX_IDS = 3
MAX_PREFIX_WORDS = 40  # of the words a last, unfinished word may be: the commonest
MAX_TYPED = 100  # characters of the box read for a suggestion
PREFIXES_KEPT = 5_000  # prefixes' titles kept, the oldest dropped first: a few MB
_WORD = re.compile(r"[a-z0-9][a-z0-9'+#.-]*[a-z0-9+#]|[a-z0-9]")
_ID_TYPED = re.compile(r"(?:kb|q)\s*0*(\d{2,7})|0*(\d{4,7})")


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "code" or "article"
    text: str  # the code as people write it, or the article's title
    id: str  # the canonical code or the article id
    url: str  # the code's page or the article's permalink (relative)


class _Lexicon:
    """The sorted lists a suggestion is read from, for one index identity."""

    def __init__(self, kb: KnowledgeBase) -> None:
        # The store is read directly: one query for every id and title.
        rows = kb.store().db.execute("SELECT id, title FROM articles").fetchall()
        self.ids = [row[0] for row in rows]
        self.titles = [row[1] or row[0] for row in rows]
        self.lengths = np.array([len(title) for title in self.titles], dtype=np.int32)
        postings: dict[str, list[int]] = {}
        for number, title in enumerate(self.titles):
            for word in set(_WORD.findall(title.lower())):
                postings.setdefault(word, []).append(number)
        self.words = sorted(postings)
        self.docs = [np.array(postings[word], dtype=np.int32) for word in self.words]
        self.frequency = np.array([len(docs) for docs in self.docs], dtype=np.int32)
        self.sorted_ids = sorted((article_id.lower(), article_id) for article_id in self.ids)
        self.title_of = dict(zip(self.ids, self.titles, strict=True))
        reader = kb.searcher().reader()
        keys: list[tuple[str, str]] = []
        self.carriers: dict[str, int] = {}
        for term in carried_codes(kb):
            code = canonical_form(term)
            if not code:
                continue
            self.carriers[code] = reader.doc_frequency("codes", term)
            typed = {code.lower(), label(code).lower(), code.lower().replace("-", " ")}
            if code.startswith("0x"):
                value = int(code, 16)
                typed |= {code[2:].lower(), f"0x{value:x}", f"{value:x}"}
            elif code.startswith("STOP-"):
                typed |= {f"stop 0x{int(code[5:], 16):x}"}
            keys += [(key, code) for key in typed]
        self.codes = sorted(keys)
        self.by_prefix: dict[str, np.ndarray | None] = {}
        self.lock = threading.Lock()

    def code_suggestions(self, typed: str) -> list[str]:
        found: dict[str, None] = {}
        at = bisect_left(self.codes, (typed, ""))
        while at < len(self.codes) and self.codes[at][0].startswith(typed) and len(found) < 50:
            found[self.codes[at][1]] = None
            at += 1
        return sorted(found, key=lambda code: (-self.carriers.get(code, 0), code))[:MAX_CODES]

    def id_suggestions(self, typed: str) -> list[str]:
        match = _ID_TYPED.fullmatch(typed)
        if not match:
            return []
        prefix = "q" + (match.group(1) or match.group(2))
        at = bisect_left(self.sorted_ids, (prefix, ""))
        found = []
        while (at < len(self.sorted_ids) and self.sorted_ids[at][0].startswith(prefix)
               and len(found) < MAX_IDS):
            found.append(self.sorted_ids[at][1])
            at += 1
        return found

    def _prefixed(self, prefix: str) -> np.ndarray | None:
        """The titles with a word that starts so (of its MAX_PREFIX_WORDS commonest
        words). Kept per prefix: everyone's first letters are the same few prefixes,
        and a short one joins tens of thousands of titles."""
        if prefix in self.by_prefix:
            return self.by_prefix[prefix]
        found = self._join(prefix)
        with self.lock:
            self.by_prefix[prefix] = found
            if len(self.by_prefix) > PREFIXES_KEPT:
                del self.by_prefix[next(iter(self.by_prefix))]
        return found

    def _join(self, prefix: str) -> np.ndarray | None:
        low = bisect_left(self.words, prefix)
        high = bisect_left(self.words, prefix + "\uffff")
        if low == high:
            return None
        if high - low > MAX_PREFIX_WORDS:
            commonest = np.argpartition(-self.frequency[low:high], MAX_PREFIX_WORDS)
            picked = low + commonest[:MAX_PREFIX_WORDS]
        else:
            picked = range(low, high)
        return np.unique(np.concatenate([self.docs[at] for at in picked]))

    def title_suggestions(self, typed: str, limit: int) -> list[int]:
        words = _WORD.findall(typed)
        if not words or limit <= 0:
            return []
        finished = words if typed.endswith(" ") else words[:-1]
        unfinished = [] if typed.endswith(" ") else words[-1:]
        matched: np.ndarray | None = None
        for word in finished:
            at = bisect_left(self.words, word)
            docs = self.docs[at] if at < len(self.words) and self.words[at] == word else (
                self._prefixed(word))
            if docs is None:
                return []
            matched = docs if matched is None else np.intersect1d(matched, docs, True)
        for word in unfinished:
            if len(word) < 2 and matched is None:
                return []
            docs = self._prefixed(word)
            if docs is None:
                return []
            matched = docs if matched is None else np.intersect1d(matched, docs, True)
        if matched is None or not len(matched):
            return []
        if len(matched) > 50:  # the shortest titles: the most general, and readable
            matched = matched[np.argpartition(self.lengths[matched], 50)[:50]]
        phrase = " ".join(words)
        return sorted(matched.tolist(), key=lambda number: (
            phrase not in self.titles[number].lower(), int(self.lengths[number]),
            self.titles[number]))[:limit]


def _lexicon(kb: KnowledgeBase) -> _Lexicon:
    return kb.derived("suggestion lists", lambda: _Lexicon(kb))


def prepare(kb: KnowledgeBase) -> None:
    """Read the suggestion lists now (about a second on the archive), not at the first
    keystroke a worker is asked about."""
    _lexicon(kb)


def suggest(kb: KnowledgeBase, typed: str, code_url) -> list[Suggestion]:
    """Up to MAX_SUGGESTIONS for what is typed so far: codes, then ids, then titles.

    `code_url(canonical)` is the address of a code's page (the web layer's to build).
    """
    text = " ".join(typed.lower().split())[:MAX_TYPED] + (" " if typed.endswith(" ") else "")
    if len(text.strip()) < 2:
        return []
    lexicon = _lexicon(kb)
    found = [Suggestion("code", label(code), code, code_url(code))
             for code in lexicon.code_suggestions(text.strip())]
    found += [Suggestion("article", f"{article_id}: {lexicon.title_of[article_id]}", article_id,
                         permalink_for(article_id))
              for article_id in lexicon.id_suggestions(text.strip())]
    shown = {suggestion.id for suggestion in found}
    for number in lexicon.title_suggestions(text, MAX_SUGGESTIONS - len(found) + MAX_IDS):
        article_id = lexicon.ids[number]
        if article_id not in shown and len(found) < MAX_SUGGESTIONS:
            found.append(Suggestion("article", lexicon.titles[number], article_id,
                                    permalink_for(article_id)))
    return found
