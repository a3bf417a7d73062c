"""Articles related to one article: the same error codes first, then similar text.

The codes part is one term query on the `codes` field, about a millisecond, so the
article page shows it. Similar text is Whoosh's more-like-this on the `body` field
from a few key terms of the title and opening section (the field stores no vectors,
so the text comes from the article store): 20 ms typically, 50-80 ms at p95 on the
full archive, which is why the article page links to it rather than waiting for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as q

from app.articles.model import Article
from app.search.readers import Answers, KnowledgeBase

CACHE_SIZE = 4096

# Measured on the full archive (60 articles, the 20 longest among them, a loaded
# 2-core machine): title + opening section and 6 terms, p50 20 ms, p90 77 ms; 8 terms
# p90 ~200 ms; three sections and 10 terms up to 400 ms (common terms are long lists).
MLT_TEXT_CHARS = 2000
MLT_TERMS = 6


@dataclass(frozen=True)
class Related:
    id: str
    title: str
    url: str
    shared_codes: tuple[str, ...] = ()


def related_articles(
    kb: KnowledgeBase, article: Article, limit: int = 5, *, similar: bool = True
) -> list[Related]:
    """Articles sharing a code; then, with `similar`, articles about the same thing."""
    # Kept per index identity, which changes with every update, deletes included:
    # doc_count_all() did not change on a delete-only update, and the box kept
    # linking a deleted article.
    answers = kb.derived("related", lambda: Answers[list[Related]](CACHE_SIZE))
    return list(answers.answer((article.id, limit, similar), lambda: _related(
        kb.searcher(), article, limit, similar)))


def _related(searcher, article: Article, limit: int, similar: bool) -> list[Related]:
    docnum = searcher.document_number(id=article.id)
    if docnum is None:
        return []
    found: dict[str, Related] = {}
    own = {code.lower() for code in article.codes}
    if own:
        by_code = q.Or([q.Term("codes", code) for code in sorted(own)[:20]])
        for hit in searcher.search(by_code, limit=limit, mask={docnum}):
            carried = set(hit.get("codes", "").lower().split(","))
            shared = tuple(c for c in article.codes if c.lower() in carried)
            found[hit["id"]] = Related(hit["id"], hit["title"], hit["permalink"], shared)
    if similar and len(found) < limit:
        text = " ".join([article.title, *(s.text for s in article.sections[:1])])
        for hit in searcher.more_like(docnum, "body", text=text[:MLT_TEXT_CHARS],
                                      top=limit + len(found), numterms=MLT_TERMS):
            if hit["id"] not in found:
                found[hit["id"]] = Related(hit["id"], hit["title"], hit["permalink"])
            if len(found) >= limit:
                break
    return list(found.values())[:limit]
