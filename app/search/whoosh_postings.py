"""A term's postings in one index segment, read a block at a time.

This is the only module that touches Whoosh's private names (`_read_ids`,
`_read_weights`, `_next_block`, `_atend`, `_ids`, `_weights` of whoosh3's on-disk
matcher, and the `child` inside the filter a segment with deletions wraps it in).
Why: Whoosh's public matcher costs four method calls a posting (`is_active`, `id`,
`weight`, `next`), about a second for a common word on the archive; the on-disk
matcher decodes 128 postings a block, and taking each block whole is 3-4 times
faster (app/search/scoring.py turns the postings into BM25 arrays).

When the names are missing (another codec, postings inlined in the term info, a new
Whoosh) it reads through the public matcher instead: the same answer, slower. That
fallback is not silent: `TermPostings.fast` says which way was taken,
`slow_reads` counts the slow reads of this process, and the first one is logged.
tests/search/test_whoosh_postings.py checks, on the pinned whoosh3, that the fast path is
taken and returns what the public matchers return.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NamedTuple

import numpy as np
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.searching import Searcher

BLOCK_NAMES = ("_read_ids", "_read_weights", "_next_block", "_atend", "_ids", "_weights")

log = logging.getLogger(__name__)
slow_reads = 0  # terms read through the public matcher by this process


class TermPostings(NamedTuple):
    docnums: np.ndarray  # int64, increasing, within the segment; no deleted articles
    frequencies: np.ndarray  # float32, the term's frequency in each
    fast: bool  # read a block at a time (False: a posting at a time)


def term_postings(leaf: IndexReader, fieldname: str, text: str) -> TermPostings:
    """Exactly the (docnum, frequency) pairs `leaf.postings(fieldname, text)` walks,
    as two arrays; none for a term the segment does not have."""
    try:
        matcher = leaf.postings(fieldname, text)
    except TermNotFound:
        return TermPostings(np.zeros(0, np.int64), np.zeros(0, np.float32), True)
    deleted: frozenset[int] = frozenset()
    inner = matcher
    if isinstance(matcher, FilterMatcher):  # a segment with deleted articles
        inner = matcher.child
        deleted = getattr(leaf, "deleted_docs_set", None)
    if deleted is not None and all(hasattr(inner, name) for name in BLOCK_NAMES):
        if inner is not matcher:
            inner.reset()  # from its first block: the filter stepped past deletions
        return _blocks(inner, deleted)
    return _one_at_a_time(matcher)


def _blocks(matcher, deleted: frozenset[int]) -> TermPostings:
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    while not matcher._atend:
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int64))
        weights.append(np.asarray(matcher._weights, dtype=np.float32))
        matcher._next_block()
    docnums = np.concatenate(ids) if ids else np.zeros(0, np.int64)
    frequencies = np.concatenate(weights) if weights else np.zeros(0, np.float32)
    if deleted:
        kept = ~np.isin(docnums, np.fromiter(deleted, dtype=np.int64, count=len(deleted)))
        docnums, frequencies = docnums[kept], frequencies[kept]
    return TermPostings(docnums, frequencies, True)


def _one_at_a_time(matcher) -> TermPostings:
    global slow_reads
    if not slow_reads:
        log.warning("Whoosh postings read one at a time (%s has no block reader): "
                    "search is slower", type(matcher).__name__)
    slow_reads += 1
    docnums: list[int] = []
    frequencies: list[float] = []
    while matcher.is_active():
        docnums.append(matcher.id())
        frequencies.append(matcher.weight())
        matcher.next()
    return TermPostings(np.array(docnums, dtype=np.int64),
                        np.array(frequencies, dtype=np.float32), False)


def index_folder(searcher: Searcher) -> Path | None:
    """The generation folder of a searcher opened on a Whoosh index in its `whoosh/`
    folder there (`_ix.storage.folder`); None for an index held in memory."""
    folder = getattr(getattr(getattr(searcher, "_ix", None), "storage", None), "folder", None)
    return Path(folder).parent if folder else None
