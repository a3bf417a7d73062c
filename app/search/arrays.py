"""The postings of one opened index, from the arrays the index run wrote beside Whoosh
(app/index/arrays.py): per-field length norms, per term (docnums, BM25 term-frequency
parts), per product and per code its articles.

The arrays are mapped read-only, so every worker process shares the one copy the
operating system caches and a new worker answers its first query without reading
postings through Whoosh. What a process computes from them (the length norms, the
parts of the longest postings lists, the products of each article) is small and kept
per index identity.
"""

from __future__ import annotations

import threading

import numpy as np
from whoosh.searching import Searcher

from app.index.layout import ARRAYS_DIR, SegmentArrays, open_pack
from app.search.whoosh_postings import index_folder

K1 = 1.2
CACHE_POSTINGS = 2_000_000  # parts kept per process for long lists: about 16 MB
CACHED_FROM = 2_000  # lists shorter than this are cheaper to compute than to keep
# Where each looked-up term's postings lie in the segments: a lookup hashes the term and
# searches the sorted keys of every segment, and one query asks the same term several
# times (its frequency, its postings, the page's reasons) and the next query asks the
# common words again. About 150 bytes an entry: 8 MB at most.
CACHE_SPANS = 50_000
PAGE = 4096


class Postings:
    """The postings of one set of index segments, read from their arrays."""

    def __init__(self, searcher: Searcher, b: dict[str, float]) -> None:
        reader = searcher.reader()
        generation = index_folder(searcher)
        self.size = reader.doc_count_all()
        self.b = b
        leaves = list(reader.leaf_readers())
        # The full build's segments as one pack when there is one (a term looked up
        # once, not once a segment), then any an in-place update appended.
        self.segments: list[tuple[SegmentArrays, int]] = []
        packed = 0
        if generation is not None:
            pack = open_pack(generation / ARRAYS_DIR, [
                leaf.segment().segment_id() if leaf.segment() else "" for leaf, _ in leaves])
            if pack is not None:
                self.segments.append((pack[0], 0))
                packed = pack[1]
        # An in-place update deletes the old copy of each changed article.
        self.deleted = np.zeros(self.size, dtype=bool)
        for number, (leaf, offset) in enumerate(leaves):
            if number >= packed:
                self.segments.append((SegmentArrays.of_leaf(generation, leaf), offset))
            if leaf.has_deletions():
                gone = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
                self.deleted[gone + offset] = True
        self.any_deleted = bool(self.deleted.any())
        self.ids = [article_id for segment, _ in self.segments for article_id in segment.ids]
        self.norms: dict[str, np.ndarray] = {}
        self.parts: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.cached = 0
        self.products: tuple[list[str], np.ndarray, np.ndarray] | None = None
        self.product_docs: list[tuple[str, np.ndarray]] | None = None
        self.spans: dict[tuple[str, str], tuple[tuple[int, int, int], ...]] = {}
        self.lock = threading.Lock()

    def _spans(self, fieldname: str, text: str) -> tuple[tuple[int, int, int], ...]:
        """(segment number, start, end) of the term's postings in each segment that has
        it: with a full build's four segments, most words are in all of them, most
        rare ones in one."""
        key = (fieldname, text)
        found = self.spans.get(key)
        if found is None:
            if len(self.spans) >= CACHE_SPANS:
                self.spans.clear()
            found = self.spans[key] = tuple(
                (number, start, end) for number, (segment, _) in enumerate(self.segments)
                for start, end in (segment.span(fieldname, text),) if start < end)
        return found

    def norm(self, searcher: Searcher | None, fieldname: str) -> np.ndarray:
        norms = self.norms.get(fieldname)
        if norms is None:
            lengths = np.zeros(self.size, dtype=np.float32)
            total = 0
            for segment, offset in self.segments:
                parts = segment.fields.get(fieldname)
                if parts is not None:
                    lengths[offset:offset + segment.documents] = parts["lengths"]
                    total += segment.total_lengths[fieldname]
            b = self.b[fieldname]
            average = total / max(self.size, 1) or 1.0
            norms = self.norms[fieldname] = (K1 * (1 - b + b * lengths / average)).astype(
                np.float32)
        return norms

    def frequency(self, searcher: Searcher | None, fieldname: str, text: str) -> int:
        """Articles with the term, as Whoosh counts them (deleted copies included)."""
        return sum(end - start for _, start, end in self._spans(fieldname, text))

    def docs(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums in increasing order, term frequencies) of the live articles."""
        found, tf = self.every_doc(fieldname, text)
        if self.any_deleted:
            kept = ~self.deleted[found]
            found, tf = found[kept], tf[kept]
        return found, tf

    def every_doc(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """`docs`, deleted copies included: for scoring, which zeroes them once."""
        spans = self._spans(fieldname, text)
        if not spans:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        if len(spans) == 1:
            number, start, end = spans[0]
            segment, offset = self.segments[number]
            parts = segment.fields[fieldname]
            ids = parts["docs"][start:end]
            return (ids + np.int32(offset) if offset else ids), parts["tf"][start:end]
        ids: list[np.ndarray] = []
        tfs: list[np.ndarray] = []
        for number, start, end in spans:
            segment, offset = self.segments[number]
            parts = segment.fields[fieldname]
            ids.append(parts["docs"][start:end] + np.int32(offset))
            tfs.append(parts["tf"][start:end])
        return np.concatenate(ids), np.concatenate(tfs)

    def term(self, searcher: Searcher | None, fieldname: str,
             text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums in increasing order, BM25 term-frequency part of each), deleted
        copies included (`bm25` zeroes their scores)."""
        key = (fieldname, text)
        found = self.parts.get(key)
        if found is not None:
            return found
        ids, tf = self.every_doc(fieldname, text)
        parts = tf * np.float32(K1 + 1) / (tf + self.norm(searcher, fieldname)[ids])
        found = (ids, parts.astype(np.float32))
        if len(ids) >= CACHED_FROM:
            with self.lock:
                if self.cached + len(ids) > CACHE_POSTINGS:
                    self.parts.clear()
                    self.cached = 0
                self.parts[key] = found
                self.cached += len(ids)
        return found

    def warm(self, fieldnames: list[str]) -> None:
        """Compute now what every first query would: the fields' length norms and the
        products table; and read a byte of every page of the mapped arrays, so the
        first queries do not wait on the disk (the pages are then in the cache every
        worker shares)."""
        for fieldname in fieldnames:
            self.norm(None, fieldname)
        self.product_table()
        for segment, _ in self.segments:
            for parts in segment.fields.values():
                for array in parts.values():
                    if array.nbytes:
                        int(array.reshape(-1).view(np.uint8)[::PAGE].sum())

    def product_table(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(product names sorted, per article the start of its run, the runs' names)."""
        if self.products is None:
            names = [name for name, _ in self.by_product()]
            docs, which = [], []
            for number, (_, found) in enumerate(self.by_product()):
                docs.append(found.astype(np.int64))
                which.append(np.full(len(found), number, dtype=np.int32))
            every = np.concatenate(docs) if docs else np.zeros(0, np.int64)
            names_of = np.concatenate(which) if which else np.zeros(0, np.int32)
            order = np.lexsort((names_of, every))
            starts = np.searchsorted(every[order], np.arange(self.size + 1))
            self.products = (names, starts, names_of[order])
        return self.products

    def by_product(self) -> list[tuple[str, np.ndarray]]:
        """Each product, by name, with the docnums of its live articles."""
        if self.product_docs is None:
            names = sorted({name for segment, _ in self.segments
                            for name in segment.terms("products")})
            self.product_docs = [(name, self.docs("products", name)[0]) for name in names]
        return self.product_docs

    def products_of(self, searcher: Searcher | None, docnum: int) -> tuple[str, ...]:
        """The products of an article, in name order."""
        names, starts, which = self.product_table()
        return tuple(names[i] for i in which[starts[docnum]:starts[docnum + 1]].tolist())

    def carrying(self, searcher: Searcher | None, code: str) -> np.ndarray:
        """Which live articles carry a canonical code (its `codes` field), as a mask."""
        found = np.zeros(self.size, dtype=bool)
        found[self.docs("codes", code.lower())[0]] = True
        return found

    def of_product(self, searcher: Searcher | None, product: str) -> np.ndarray:
        """Which live articles are about the product, as a mask over docnums."""
        found = np.zeros(self.size, dtype=bool)
        found[self.docs("products", product)[0]] = True
        return found

