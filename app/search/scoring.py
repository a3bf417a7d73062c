"""BM25 over the index's postings, held as flat arrays.

Whoosh's own matchers cost several Python calls a posting: a union of the fifty
terms of a pasted message walked every posting of each (1-2 s on the archive). Here
each term's postings are read once, a block at a time, into two numpy arrays
(docnums, and the term-frequency part of BM25 for each), cached per set of index
segments and shared by a process's threads; a query adds them into one score array
for the whole archive with vectorised operations, so a common word costs
microseconds once read.
"""

from __future__ import annotations

import math
import threading

import numpy as np
from whoosh.searching import Searcher

from app.search.whoosh_postings import term_postings

K1 = 1.2
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
CACHE_POSTINGS = 6_000_000  # about 50 MB of arrays per process


class Postings:
    """The postings of one set of index segments, as arrays: per-field length norms,
    per term (docnums, BM25 term-frequency parts), per product its articles.

    Readers are the calling thread's own; what is read is shared by all threads.
    """

    def __init__(self, searcher: Searcher) -> None:
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.norms: dict[str, np.ndarray] = {}
        self.terms: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.cached = 0
        self.frequencies: dict[tuple[str, str], int] = {}
        self.products: list[tuple[str, ...]] | None = None
        self.product_docs: dict[str, np.ndarray] = {}
        # An in-place update deletes the old copy of each changed article.
        self.deleted = np.zeros(self.size, dtype=bool)
        for leaf, offset in reader.leaf_readers():
            if leaf.has_deletions():
                for docnum in range(leaf.doc_count_all()):
                    self.deleted[offset + docnum] = leaf.is_deleted(docnum)
        self.lock = threading.Lock()

    def norm(self, searcher: Searcher, fieldname: str) -> np.ndarray:
        norms = self.norms.get(fieldname)
        if norms is None:
            reader = searcher.reader()
            lengths = np.zeros(self.size, dtype=np.float32)
            for leaf, offset in reader.leaf_readers():
                length = leaf.doc_field_length
                lengths[offset : offset + leaf.doc_count_all()] = [
                    length(docnum, fieldname) or 0 for docnum in range(leaf.doc_count_all())
                ]
            b = FIELDS[fieldname][1]
            average = reader.field_length(fieldname) / max(self.size, 1) or 1.0
            norms = self.norms[fieldname] = K1 * (1 - b + b * lengths / average)
        return norms

    def frequency(self, searcher: Searcher, fieldname: str, text: str) -> int:
        """Articles with the term, remembered: a lookup reads the terms file."""
        key = (fieldname, text)
        found = self.frequencies.get(key)
        if found is None:
            if len(self.frequencies) > 200_000:
                self.frequencies.clear()
            found = self.frequencies[key] = searcher.reader().doc_frequency(fieldname, text)
        return found

    def term(self, searcher: Searcher, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums in increasing order, BM25 term-frequency part of each)."""
        key = (fieldname, text)
        found = self.terms.get(key)
        if found is not None:
            return found
        docnums: list[np.ndarray] = []
        frequencies: list[np.ndarray] = []
        if self.frequency(searcher, fieldname, text):
            for leaf, offset in searcher.reader().leaf_readers():
                if not leaf.doc_frequency(fieldname, text):
                    continue
                in_leaf = term_postings(leaf, fieldname, text)
                docnums.append(in_leaf.docnums + offset)
                frequencies.append(in_leaf.frequencies)
        ids = np.concatenate(docnums) if docnums else np.zeros(0, dtype=np.int64)
        tf = np.concatenate(frequencies) if frequencies else np.zeros(0, dtype=np.float32)
        kept = ~self.deleted[ids]
        ids, tf = ids[kept], tf[kept]
        parts = tf * (K1 + 1) / (tf + self.norm(searcher, fieldname)[ids])
        found = (ids.astype(np.int32), parts.astype(np.float32))
        with self.lock:
            if self.cached + len(ids) > CACHE_POSTINGS:
                self.terms.clear()  # rare: the cache holds the common words again soon
                self.cached = 0
            self.terms[key] = found
            self.cached += len(ids)
        return found

    def has(self, fieldname: str, text: str, docnum: int) -> bool:
        """Whether a term read for this query is in the article (False if not read)."""
        found = self.terms.get((fieldname, text))
        if found is None:
            return False
        ids = found[0]
        at = int(np.searchsorted(ids, docnum))
        return at < len(ids) and ids[at] == docnum

    def products_of(self, searcher: Searcher, docnum: int) -> tuple[str, ...]:
        """The products of an article, from the products field's postings: a few
        hundred lists read once, where stored fields cost a read per article."""
        if self.products is None:
            reader = searcher.reader()
            products: list[tuple[str, ...]] = [()] * self.size
            if "products" in searcher.schema:
                for name in reader.lexicon("products"):
                    product = name.decode("utf-8") if isinstance(name, bytes) else name
                    for each in reader.postings("products", product).all_ids():
                        products[each] = (*products[each], product)
            self.products = products
        return self.products[docnum]

    def carrying(self, searcher: Searcher, code: str) -> np.ndarray:
        """Which articles carry a canonical code (its `codes` field), as a mask."""
        found = np.zeros(self.size, dtype=bool)
        reader = searcher.reader()
        if "codes" in searcher.schema and reader.doc_frequency("codes", code.lower()):
            found[list(reader.postings("codes", code.lower()).all_ids())] = True
        return found & ~self.deleted

    def of_product(self, searcher: Searcher, product: str) -> np.ndarray:
        """Which articles are about the product, as a mask over docnums."""
        found = self.product_docs.get(product)
        if found is None:
            reader = searcher.reader()
            found = np.zeros(self.size, dtype=bool)
            if "products" in searcher.schema and reader.doc_frequency("products", product):
                found[list(reader.postings("products", product).all_ids())] = True
            self.product_docs[product] = found
        return found


_postings: dict[tuple, Postings] = {}
_postings_lock = threading.Lock()


def postings_of(searcher: Searcher) -> Postings:
    """The arrays of the searcher's segments; a new set when the index changed."""
    reader = searcher.reader()
    key = tuple(
        (leaf.segment().segment_id() if leaf.segment() else id(leaf), offset,
         leaf.doc_count_all(), leaf.doc_count())
        for leaf, offset in reader.leaf_readers()
    )
    found = _postings.get(key)
    if found is None:
        with _postings_lock:
            found = _postings.get(key)
            if found is None:
                if len(_postings) >= 2:  # an older generation nobody reads any more
                    _postings.pop(next(iter(_postings)))
                found = _postings[key] = Postings(searcher)
    return found


def bm25(searcher: Searcher, terms: dict[str, dict[str, float]]) -> np.ndarray:
    """Every article's score for the weighted terms of each field (0: no match).

    A term in more than its field's share of the articles cannot tell them apart
    there and is skipped (it still counts in the title); of a long paste only the
    rarest MAX_TERMS words of each field are scored.
    """
    postings = postings_of(searcher)
    size = max(postings.size, 1)
    scores = np.zeros(postings.size, dtype=np.float64)
    for fieldname, weights in terms.items():
        boost, _, max_share = FIELDS[fieldname]
        found = [(postings.frequency(searcher, fieldname, text), text, weight)
                 for text, weight in weights.items()]
        found = [term for term in found if 0 < term[0] <= max_share * size]
        if len(found) > MAX_TERMS:
            found = sorted(found)[:MAX_TERMS]
        for frequency, text, weight in found:
            idf = math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))
            ids, parts = postings.term(searcher, fieldname, text)
            scores[ids] += (boost * weight * idf) * parts
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
