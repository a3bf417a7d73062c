"""Articles related to one article: the same error codes first, then similar text.

Cheap on the full archive: one term query on the `codes` field, and Whoosh's
more-like-this on the `body` field from a few key terms of the article's own opening
text (the field stores no vectors, so the text comes from the article store).
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as q

from app.knowledge import KnowledgeBase
from app.model import Article

MLT_TEXT_CHARS = 6000
MLT_TERMS = 10


@dataclass(frozen=True)
class Related:
    id: str
    title: str
    url: str
    shared_codes: tuple[str, ...] = ()


def related_articles(kb: KnowledgeBase, article: Article, limit: int = 5) -> list[Related]:
    searcher = kb.searcher()
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
    if len(found) < limit:
        text = " ".join([article.title, *(s.text for s in article.sections[:3])])
        for hit in searcher.more_like(docnum, "body", text=text[:MLT_TEXT_CHARS],
                                      top=limit + len(found), numterms=MLT_TERMS):
            if hit["id"] not in found:
                found[hit["id"]] = Related(hit["id"], hit["title"], hit["permalink"])
            if len(found) >= limit:
                break
    return list(found.values())[:limit]
