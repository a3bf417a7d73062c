"""BM25 over the index's postings, held as flat arrays.

Whoosh's own matchers cost several Python calls a posting: a union of the fifty
terms of a pasted message walked every posting of each (1-2 s on the archive). The
index run writes each field's postings as arrays beside Whoosh (app/index/arrays.py),
every worker maps them read-only (app/search/arrays.py), and a query adds each
term's BM25 parts into one score array for the whole archive with vectorised
operations: no term is read through Whoosh, even the first time.
"""

from __future__ import annotations

import math

import numpy as np

from app.search.arrays import K1, Postings
from app.search.readers import KnowledgeBase

__all__ = ["FIELDS", "K1", "MAX_TERMS", "Postings", "QueryParts", "best", "bm25", "postings_of",
           "warm"]

# field: (weight, BM25 length normalisation b, largest share of articles a term
# may appear in and still be scored in this field)
FIELDS: dict[str, tuple[float, float, float]] = {
    "title": (3.0, 0.4, 1.0),
    "symptoms": (2.0, 0.75, 0.5),
    "messages": (1.5, 0.5, 0.5),
    "pairs": (3.5, 0.5, 1.0),
    "body": (0.8, 0.75, 0.5),
    "applies": (0.4, 0.75, 0.2),
    "extra": (0.4, 0.75, 0.2),
}
MAX_TERMS = 24  # per field: the rarest words of a long paste are the ones that count


def postings_of(kb: KnowledgeBase) -> Postings:
    """The arrays of the segments this request reads, shared by the process's threads;
    a new set when the index changed (`KnowledgeBase.derived`)."""
    return kb.derived("postings", lambda: Postings(
        kb.searcher(), {name: b for name, (_, b, _) in FIELDS.items()}))


def warm(kb: KnowledgeBase) -> None:
    """Have the process's postings ready before its first query (a worker that has
    just started or was recycled answers it as fast as its thousandth)."""
    postings_of(kb).warm(list(FIELDS))


class QueryParts:
    """The BM25 parts of the terms one query asks for, each computed once for the query:
    its scoring and its coverage ask for the same words in the same fields. (The
    process keeps only the long lists, for every query.)"""

    def __init__(self, postings: Postings) -> None:
        self.postings = postings
        self.found: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}

    def term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        found = self.found.get((fieldname, text))
        if found is None:
            found = self.found[fieldname, text] = self.postings.term(None, fieldname, text)
        return found


def bm25(kb: KnowledgeBase, terms: dict[str, dict[str, float]],
         asked: QueryParts | None = None) -> np.ndarray:
    """Every article's score for the weighted terms of each field (0: no match).

    A term in more than its field's share of the articles cannot tell them apart
    there and is skipped (it still counts in the title); of a long paste only the
    rarest MAX_TERMS words of each field are scored.
    """
    postings = postings_of(kb)
    asked = asked or QueryParts(postings)
    size = max(postings.size, 1)
    scores = np.zeros(postings.size, dtype=np.float64)
    for fieldname, weights in terms.items():
        boost, _, max_share = FIELDS[fieldname]
        found = [(postings.frequency(None, fieldname, text), text, weight)
                 for text, weight in weights.items()]
        found = [term for term in found if 0 < term[0] <= max_share * size]
        if len(found) > MAX_TERMS:
            found = sorted(found)[:MAX_TERMS]
        for frequency, text, weight in found:
            idf = math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))
            ids, parts = asked.term(fieldname, text)
            scores[ids] += (boost * weight * idf) * parts
    if postings.any_deleted:  # the old copies an in-place update left in its segments
        scores[postings.deleted] = 0
    return scores


def best(scores: np.ndarray, limit: int, only: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The `limit` best (docnum, score) pairs with a score, best first (ties: docnum).

    `only` is a mask of the articles that may be returned.
    """
    matched = scores > 0
    if only is not None:
        matched &= only
    docnums = np.flatnonzero(matched)
    if len(docnums) > limit:  # keep those that reach the limit-th score, ties and all
        threshold = np.partition(scores[docnums], -limit)[-limit]
        docnums = docnums[scores[docnums] >= threshold]
    docnums = docnums[np.lexsort((docnums, -scores[docnums]))][:limit]
    return list(zip(docnums.tolist(), scores[docnums].tolist(), strict=True))
