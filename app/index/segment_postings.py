"""Every term of a field in one Whoosh segment with its postings, read in bulk (a new
segment's fields are written in bulk by app/index/field_writer.py).

With app/search/whoosh_postings.py and app/index/field_writer.py, the only modules
that touch Whoosh's private names: here the whoosh3 codec's terms table (`_terms`,
`_tindex`, `_postfile`) and its postings blocks (a length, a pickled block header,
then the pickled, perhaps zlib-compressed (delta-encoded ids, weights, values)
tuple). Why: through the public matchers a term costs about 50 µs, and the word-pair
field alone has 1.5 million terms (75 s on the archive); reading a field's postings
in one read and decoding the blocks here costs a few µs a term.

When those names are missing (another codec or Whoosh) it reads through the public
lexicon and matchers: the same answer, slower. tests/index/test_arrays.py checks that the
arrays built from this agree with what Whoosh's public API says.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
from whoosh.reading import IndexReader

# W3TermInfo: flags, weight, doc frequency, min/max length, max weight, min/max id;
# then (not inlined) the postings' offset and length in the postings file.
TERMINFO = struct.Struct("!BfIBBfIIqi")
_BLOCK_LENGTH = struct.Struct("!i")
RECORD_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables: key, value lengths
_MAGIC_SIZE = 4


class FieldPostings(NamedTuple):
    """A field of one segment: terms in the segment's order, and per term the slice
    `starts[i]:starts[i + 1]` of `docnums` (segment docnums, deleted ones included,
    as Whoosh keeps them until a merge) and `frequencies`."""

    terms: list[bytes]
    starts: np.ndarray      # int64, len(terms) + 1
    docnums: np.ndarray     # int32
    frequencies: np.ndarray  # float32

    @classmethod
    def empty(cls) -> FieldPostings:
        return cls([], np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32))


def field_postings(leaf: IndexReader, fieldname: str) -> FieldPostings:
    terms_reader = getattr(leaf, "_terms", None)
    if terms_reader is None or not all(
            hasattr(terms_reader, name) for name in ("_tindex", "_postfile", "_keycoder")):
        return _public(leaf, fieldname)
    try:
        return _bulk(terms_reader, fieldname)
    except _UnexpectedLayoutError:
        return _public(leaf, fieldname)


class _UnexpectedLayoutError(Exception):
    """The segment is not laid out as this reader expects: use the public API."""


def _bulk(terms_reader, fieldname: str) -> FieldPostings:
    entries = _term_entries(terms_reader, fieldname)
    if not entries:
        return FieldPostings.empty()
    low = min(offset for _, offset, _ in entries)
    high = max(offset + length for _, offset, length in entries)
    region = terms_reader._postfile.get(low, high - low)
    ids, weights, counts = _decoded_blocks(region, [offset - low for _, offset, _ in entries])
    deltas = np.fromiter((d for block in ids for d in block), dtype=np.int64,
                         count=int(counts.sum()))
    starts = np.zeros(len(entries) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    # Delta-encoded per block, from 0 at each block's start: undo it per block.
    block_sizes = np.fromiter((len(block) for block in ids), dtype=np.int64, count=len(ids))
    docnums = _undelta(deltas, block_sizes)
    frequencies = np.fromiter((w for block in weights for w in block), dtype=np.float32,
                              count=len(docnums))
    return FieldPostings([term for term, _, _ in entries], starts, docnums.astype(np.int32),
                         frequencies)


def _term_entries(terms_reader, fieldname: str) -> list[tuple[bytes, int, int]]:
    """(term, postings offset, postings length) of each term of the field, in order,
    from the terms table's records."""
    prefix = terms_reader._keycoder(fieldname, b"")
    table = terms_reader._tindex
    start = table.closest_key_pos(prefix)
    entries: list[tuple[bytes, int, int]] = []
    if start is None:
        return entries
    # The table's records, in key order: key length, value length, key, value.
    data = table.dbfile.get(start, table.endofdata - start)
    position, end, width = 0, len(data), len(prefix)
    lengths = RECORD_LENGTHS.unpack_from
    while position < end:
        key_length, value_length = lengths(data, position)
        key_at = position + RECORD_LENGTHS.size
        if data[key_at:key_at + width] != prefix:
            break
        value_at = key_at + key_length
        if value_length != TERMINFO.size or data[value_at]:
            raise _UnexpectedLayoutError  # inlined postings: not written by this codec setting
        _, _, _, _, _, _, _, _, offset, length = TERMINFO.unpack_from(data, value_at)
        entries.append((data[key_at + width:value_at], offset, length))
        position = value_at + value_length
    return entries


def _decoded_blocks(region: bytes, offsets: list[int]) -> tuple[list, list, np.ndarray]:
    """Each block's (delta-encoded) ids and weights of the terms whose postings begin at
    `offsets` in `region`, and how many postings each term has."""
    buffer = io.BytesIO(region)
    ids: list = []
    weights: list = []
    counts = np.zeros(len(offsets), dtype=np.int64)
    for number, offset in enumerate(offsets):
        position = offset + _MAGIC_SIZE
        total = 0
        while True:
            (length,) = _BLOCK_LENGTH.unpack_from(region, position)
            end = position + _BLOCK_LENGTH.size + abs(length)
            buffer.seek(position + _BLOCK_LENGTH.size)
            count, _, _, compression, _, _ = pickle.load(buffer)
            data = region[buffer.tell():end]
            block_ids, block_weights, _ = pickle.loads(
                zlib.decompress(data) if compression else data)
            ids.append(block_ids)
            if block_weights is None:
                weights.append((1.0,) * count)
            elif isinstance(block_weights, float):
                weights.append((block_weights,) * count)
            else:
                weights.append(block_weights)
            total += count
            position = end
            if length < 0:   # the term's last block
                break
        counts[number] = total
    return ids, weights, counts


def _undelta(deltas: np.ndarray, block_sizes: np.ndarray) -> np.ndarray:
    """Cumulative sums restarting at each block."""
    running = np.cumsum(deltas)
    block_starts = np.zeros(len(block_sizes), dtype=np.int64)
    np.cumsum(block_sizes[:-1], out=block_starts[1:])
    before = np.zeros(len(block_sizes), dtype=np.int64)
    nonempty = block_starts > 0
    before[nonempty] = running[block_starts[nonempty] - 1]
    return running - np.repeat(before, block_sizes)


def _public(leaf: IndexReader, fieldname: str) -> FieldPostings:
    terms: list[bytes] = []
    docnums: list[int] = []
    frequencies: list[float] = []
    starts = [0]
    for term in leaf.lexicon(fieldname):
        matcher = leaf.postings(fieldname, term)
        # Deleted articles included, as the bulk reader sees them.
        inner = getattr(matcher, "child", matcher)
        for docnum, weight in _walk(inner):
            docnums.append(docnum)
            frequencies.append(weight)
        terms.append(term)
        starts.append(len(docnums))
    return FieldPostings(terms, np.array(starts, dtype=np.int64),
                         np.array(docnums, dtype=np.int32),
                         np.array(frequencies, dtype=np.float32))


def _walk(matcher) -> Iterator[tuple[int, float]]:
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()
