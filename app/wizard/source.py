"""Where the wizard gets articles from: the only wizard module that touches search
or the article store."""

from __future__ import annotations

import time
from collections import Counter
from typing import Protocol

from app.articles.facts import Facts
from app.articles.model import Article
from app.articles.trees import Tree, tree_from_json
from app.query.typed import Query
from app.search.nearcodes import near_codes
from app.search.readers import KnowledgeBase
from app.search.results import rank
from app.search.spelling import spelling_fixes


class Source(Protocol):
    """What the wizard reads: ranked ids for a text, articles, their facts, trees."""

    def rank(self, query: Query, limit: int) -> list[tuple[str, float]]: ...

    def article(self, article_id: str) -> Article | None: ...

    def facts(self, article_ids: list[str]) -> dict[str, Facts]: ...

    def quoting(self, article_ids: list[str], phrase: str) -> set[str]: ...

    def tree(self, article: Article) -> Tree | None: ...

    def near_codes(self, code: str) -> list[tuple[str, int]]: ...

    # What the index knows of words: app/wizard/coverage.py's Vocabulary.
    def articles_using(self, words: list[str]) -> dict[str, int]: ...

    def titles_with(self, word: str) -> int: ...

    def pairs_of(self, first: str, second: str) -> int: ...

    def slips(self, query: Query) -> set[str]: ...

    def vendor_words(self) -> frozenset[str]: ...


RANK_CACHE_SECONDS = 60.0
RANK_CACHE_SIZE = 512
# (index identity, text, limit) -> (when, ranking). Every step of a session ranks
# the same text again; the identity changes with every index update, deletes too.
_RANKED: dict[tuple[str, str, int], tuple[float, list[tuple[str, float]]]] = {}
VENDOR_SHARE = 0.25      # a word starting this share of the product names is the vendor's
# index identity -> the words starting most of the archive's product names
_VENDORS: dict[str, frozenset[str]] = {}


class KnowledgeSource:
    """A `Source` over a built index: search's ranking, and the article store with the
    facts and authored trees read and checked at index time."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._articles: dict[str, Article | None] = {}
        self._facts: dict[str, Facts] = {}

    def rank(self, query: Query, limit: int) -> list[tuple[str, float]]:
        key = (self.kb.identity(), query.text, limit)
        now = time.monotonic()
        hit = _RANKED.get(key)
        if hit is not None and now - hit[0] < RANK_CACHE_SECONDS:
            return hit[1]
        ranked = rank(self.kb, query, limit)
        if len(_RANKED) >= RANK_CACHE_SIZE:
            _RANKED.clear()
        _RANKED[key] = (now, ranked)
        return ranked

    def article(self, article_id: str) -> Article | None:
        if article_id not in self._articles:
            self._articles[article_id] = self.kb.store().get(article_id)
        return self._articles[article_id]

    def facts(self, article_ids: list[str]) -> dict[str, Facts]:
        missing = [article_id for article_id in article_ids if article_id not in self._facts]
        if missing:
            self._facts.update(self.kb.store().facts(missing))
        return {article_id: self._facts[article_id] for article_id in article_ids
                if article_id in self._facts}

    def quoting(self, article_ids: list[str], phrase: str) -> set[str]:
        return self.kb.store().quoting(article_ids, phrase)

    def tree(self, article: Article) -> Tree | None:
        """The authored tree of the article as the index read and checked it: never
        parsed during a request (a tree file is untrusted input); one with problems
        is never served (`flask --app app check` lists them)."""
        if not article.source_path:
            return None
        row = self.kb.store().tree_of(article.source_path)
        if row is None or row.tree is None or row.problems:
            return None
        return tree_from_json(row.tree)

    def near_codes(self, code: str) -> list[tuple[str, int]]:
        """Codes articles carry one slip away from `code`, which none carries."""
        return [(near.code, near.articles) for near in near_codes(self.kb, code)]

    def articles_using(self, words: list[str]) -> dict[str, int]:
        return self.kb.store().word_frequencies(words)

    def titles_with(self, word: str) -> int:
        return self.kb.searcher().reader().doc_frequency("title", word)

    def pairs_of(self, first: str, second: str) -> int:
        """Articles whose title, symptoms or messages put the two stems side by side."""
        return self.kb.searcher().reader().doc_frequency("pairs", f"{first}~{second}")

    def slips(self, query: Query) -> set[str]:
        """The typed words that did-you-mean corrects: slips, not names."""
        return {typed.lower() for typed, _ in spelling_fixes(self.kb, query.text,
                                                             list(query.codes))}

    def vendor_words(self) -> frozenset[str]:
        identity = self.kb.identity()
        if identity not in _VENDORS:
            names = [p.name for p in self.kb.store().products()]
            first = Counter(name.split()[0].lower() for name in names if name.split())
            _VENDORS.clear()
            _VENDORS[identity] = frozenset(
                word for word, count in first.items() if count >= VENDOR_SHARE * len(names))
        return _VENDORS[identity]
