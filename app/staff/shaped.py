"""The wizard over the help desk's overlays: retired articles are no candidates (their
replacement stands in their place), and a query with a pin starts at the pinned
article's fix.

The wizard engine is unchanged: it reads articles through a `Source`, and this one
wraps the index's.
"""

from __future__ import annotations

from app.articles.facts import Facts
from app.articles.model import Article
from app.articles.trees import Tree
from app.query.typed import Query, read_query
from app.staff.overlays import Overlays, Pin
from app.wizard.source import Source
from app.wizard.state import State


class ShapedSource:
    """A `Source` that leaves retired articles out and puts pinned ones first."""

    def __init__(self, inner: Source, overlays: Overlays) -> None:
        self.inner = inner
        self.overlays = overlays

    def rank(self, query: Query, limit: int) -> list[tuple[str, float]]:
        ranked = self.inner.rank(query, limit)
        retired = self.overlays.replacements
        pinned = [pin.article_id for pin in self.overlays.pins_for(query)]
        if not retired and not pinned:
            return ranked
        top = max([score for _, score in ranked] + [1.0]) * 2
        out = [(article_id, top + len(pinned) - place) for place, article_id in enumerate(pinned)]
        seen = set(pinned)
        for article_id, score in ranked:
            if article_id in retired:
                article_id = retired[article_id] or ""
                if not article_id or article_id in retired:
                    continue
            if article_id not in seen:
                seen.add(article_id)
                out.append((article_id, score))
        return out[:limit]

    def article(self, article_id: str) -> Article | None:
        if article_id in self.overlays.retired:
            return None
        return self.inner.article(article_id)

    def facts(self, article_ids: list[str]) -> dict[str, Facts]:
        return self.inner.facts(article_ids)

    def quoting(self, article_ids: list[str], phrase: str) -> set[str]:
        return self.inner.quoting(article_ids, phrase)

    def tree(self, article: Article) -> Tree | None:
        return self.inner.tree(article)

    # What the index knows of codes and words is not the help desk's to shape.
    def near_codes(self, code: str) -> list[tuple[str, int]]:
        return self.inner.near_codes(code)

    def articles_using(self, words: list[str]) -> dict[str, int]:
        return self.inner.articles_using(words)

    def titles_with(self, word: str) -> int:
        return self.inner.titles_with(word)

    def pairs_of(self, first: str, second: str) -> int:
        return self.inner.pairs_of(first, second)

    def slips(self, query: Query) -> set[str]:
        return self.inner.slips(query)

    def vendor_words(self) -> frozenset[str]:
        return self.inner.vendor_words()


def lead_with_pin(state: State, overlays: Overlays) -> tuple[State, Pin | None]:
    """A walk just started for a query the help desk pinned an answer to: straight to
    that article's fix. Any other state is left as it is."""
    fresh = not (state.answers or state.article or state.tried or state.ask or state.end)
    if not fresh or not state.query:
        return state, None
    found = overlays.pins_for(read_query(state.query))
    if not found:
        return state, None
    return state.at_fix(found[0].article_id), found[0]
