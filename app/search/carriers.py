"""Every article that carries an error code, a page at a time, with the true total."""

from __future__ import annotations

from dataclasses import dataclass

from app.query.typed import read_query
from app.search.plan import plan_for
from app.search.readers import KnowledgeBase
from app.search.results import Hit, hits_for, scores_for
from app.search.scoring import best, postings_of
from app.search.shaping import NO_SHAPING, Shaping
from app.search.shaping import apply as apply_shaping


@dataclass
class CodeArticles:
    code: str
    total: int          # every article carrying the code, not one page's worth
    hits: list[Hit]     # this page, best first
    page: int
    pages: int


def articles_with_code(kb: KnowledgeBase, code: str, *, page: int = 1,
                       per_page: int = 20, shaping: Shaping = NO_SHAPING) -> CodeArticles:
    """The articles whose codes include `code` (canonical), ranked as a search for the
    code ranks them; the help desk's pins first and its retired articles replaced."""
    searcher = kb.searcher()
    postings = postings_of(kb)
    carrying = postings.carrying(searcher, code)
    plan = scored = None
    if shaping:
        plan = plan_for(kb, read_query(code), correct=False)
        scored = scores_for(kb, plan)
        carrying = carrying.copy()  # the postings' own mask is shared
        apply_shaping(postings, scored.scores, carrying, shaping)
    total = int(carrying.sum())
    pages = -(-total // per_page) if total else 0
    if not total or page > pages:
        return CodeArticles(code, total, [], page, pages)
    if plan is None or scored is None:
        plan = plan_for(kb, read_query(code), correct=False)
        scored = scores_for(kb, plan)
    ranked = best(scored.scores, page * per_page, carrying)
    hits = hits_for(kb, ranked[(page - 1) * per_page:], plan, scored)
    for hit in hits:
        hit.recommended = shaping.pinned.get(hit.id, "")
    return CodeArticles(code, total, hits, page, pages)
