"""Search: what a person typed, to ranked articles.

User text is never given to a query parser: it is split into error codes (matched
on the canonical `codes` field, first), and words analysed exactly as the index
analysed them, so `AND`, `*`, `:` or an unbalanced quote are just characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from whoosh import query as q
from whoosh.highlight import ContextFragmenter, HtmlFormatter

from app.errorcodes import codes_in_query
from app.index import make_schema
from app.knowledge import KnowledgeBase

FIELD_BOOSTS = {"title": 4.0, "symptoms": 2.0, "messages": 2.0, "body": 1.0, "applies": 1.0,
                "extra": 0.3}
CODE_BOOST = 40.0
PHRASE_BOOST = 3.0
MAX_QUERY_CHARS = 1000
SCHEMA = make_schema()


@dataclass
class Hit:
    id: str
    title: str
    url: str
    products: list[str]
    date: datetime | None
    score: float
    snippet: str = ""
    matched_codes: list[str] = field(default_factory=list)


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    page: int
    pages: int
    codes: list[str]


def _words(fieldname: str, text: str) -> list[str]:
    analyzer = SCHEMA[fieldname].analyzer
    return [token.text for token in analyzer(text)]


def build_query(text: str) -> tuple[q.Query | None, list[str]]:
    text = text[:MAX_QUERY_CHARS]
    codes = codes_in_query(text)
    clauses: list[q.Query] = [q.Term("codes", code.lower(), boost=CODE_BOOST) for code in codes]
    for fieldname, boost in FIELD_BOOSTS.items():
        words = _words(fieldname, text)
        if not words:
            continue
        clauses.extend(q.Term(fieldname, word, boost=boost) for word in dict.fromkeys(words))
        if len(words) > 1 and fieldname in {"title", "symptoms", "messages", "body"}:
            clauses.append(q.Phrase(fieldname, words, boost=boost * PHRASE_BOOST))
    if not clauses:
        return None, codes
    return q.Or(clauses), codes


def search(
    kb: KnowledgeBase, text: str, *, page: int = 1, per_page: int = 10,
    product: str | None = None,
) -> SearchResults:
    query, codes = build_query(text)
    if query is None:
        return SearchResults(text, 0, [], 1, 0, codes)
    searcher = kb.searcher()
    restrict = q.Term("products", product) if product else None
    results = searcher.search_page(query, max(page, 1), pagelen=per_page, filter=restrict)
    results.results.fragmenter = ContextFragmenter(maxchars=200, surround=60)
    results.results.formatter = HtmlFormatter(tagname="mark", classname="match", termclass="term")
    store = kb.store()
    hits = []
    for hit in results:
        article = store.get(hit["id"])
        snippet = ""
        if article is not None and article.sections:
            snippet = hit.highlights("symptoms", text=article.sections[0].text[:4000]) or ""
        carried = hit.get("codes", "").lower().split(",")
        hits.append(Hit(
            id=hit["id"],
            title=hit["title"],
            url=hit["permalink"],
            products=[p for p in hit.get("products", "").split(",") if p],
            date=hit.get("date"),
            score=round(hit.score, 3),
            snippet=snippet,
            matched_codes=[c for c in codes if c.lower() in carried],
        ))
    return SearchResults(text, results.total, hits, results.pagenum, results.pagecount, codes)


def rank(kb: KnowledgeBase, text: str, limit: int) -> list[tuple[str, float]]:
    """(article id, score), best first: the wizard's candidates, without page work."""
    built, _ = build_query(text)
    if built is None:
        return []
    return [(hit["id"], hit.score) for hit in kb.searcher().search(built, limit=limit)]


def search_ids(index_dir: Path, query: str, limit: int) -> list[str]:
    """Ranked ids only: the benchmark's view of search."""
    kb = _benchmark_kbs.setdefault(str(index_dir), KnowledgeBase(Path(index_dir)))
    return [article_id for article_id, _ in rank(kb, query, limit)]


_benchmark_kbs: dict[str, KnowledgeBase] = {}
