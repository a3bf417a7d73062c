"""Every term of a field in one Whoosh segment with its postings, read in bulk; and
a new segment's fields written in bulk (`write_field`), the bytes Whoosh would write.

With app/search/whoosh_postings.py, the only modules that touch Whoosh's private
names: here the whoosh3 codec's terms table (`_terms`, `_tindex`, `_postfile`) and
its postings blocks (a length, a pickled block header, then the pickled, perhaps
zlib-compressed (delta-encoded ids, weights, values) tuple). Why: through the public
matchers a term costs about 50 µs, and the word-pair field alone has 1.5 million
terms (75 s on the archive); reading a field's postings in one read and decoding the
blocks here costs a few µs a term.

When those names are missing (another codec or Whoosh) it reads through the public
lexicon and matchers: the same answer, slower. tests/test_arrays.py checks that the
arrays built from this agree with what Whoosh's public API says. Writing needs the
whoosh3 field writer (`can_write`), else a full build lets Whoosh write; and
tests/test_segments.py checks the files against Whoosh's own writer, byte for byte.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from collections.abc import Iterator
from hashlib import md5
from pickle import dumps
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
)
from whoosh.filedb.filetables import OrderedHashWriter, md5_hash
from whoosh.reading import IndexReader
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte

# W3TermInfo: flags, weight, doc frequency, min/max length, max weight, min/max id;
# then (not inlined) the postings' offset and length in the postings file.
_TERMINFO = struct.Struct("!BfIBBfIIqi")
_BLOCK_LENGTH = struct.Struct("!i")
_RECORD_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables: key, value lengths
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
    prefix = terms_reader._keycoder(fieldname, b"")
    table = terms_reader._tindex
    start = table.closest_key_pos(prefix)
    entries: list[tuple[bytes, int, int]] = []
    if start is not None:
        # The table's records, in key order: key length, value length, key, value.
        data = table.dbfile.get(start, table.endofdata - start)
        position, end, width = 0, len(data), len(prefix)
        lengths = _RECORD_LENGTHS.unpack_from
        while position < end:
            key_length, value_length = lengths(data, position)
            key_at = position + _RECORD_LENGTHS.size
            if data[key_at:key_at + width] != prefix:
                break
            value_at = key_at + key_length
            if value_length != _TERMINFO.size or data[value_at]:
                raise _UnexpectedLayoutError  # inlined postings: not written by this codec setting
            _, _, _, _, _, _, _, _, offset, length = _TERMINFO.unpack_from(data, value_at)
            entries.append((data[key_at + width:value_at], offset, length))
            position = value_at + value_length
    terms = [term for term, _, _ in entries]
    if not entries:
        return FieldPostings.empty()
    low = min(offset for _, offset, _ in entries)
    high = max(offset + length for _, offset, length in entries)
    region = terms_reader._postfile.get(low, high - low)
    buffer = io.BytesIO(region)
    ids: list = []
    weights: list = []
    counts = np.zeros(len(entries), dtype=np.int64)
    for number, (_, offset, _) in enumerate(entries):
        position = offset - low + _MAGIC_SIZE
        total = 0
        while True:
            (length,) = _BLOCK_LENGTH.unpack_from(region, position)
            last = length < 0
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
            if last:
                break
        counts[number] = total
    deltas = np.fromiter((d for block in ids for d in block), dtype=np.int64,
                         count=int(counts.sum()))
    starts = np.zeros(len(entries) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    # Delta-encoded per block, from 0 at each block's start: undo it per block.
    block_sizes = np.fromiter((len(block) for block in ids), dtype=np.int64, count=len(ids))
    docnums = _undelta(deltas, block_sizes)
    frequencies = np.fromiter((w for block in weights for w in block), dtype=np.float32,
                              count=len(docnums))
    return FieldPostings(terms, starts, docnums.astype(np.int32), frequencies)


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


# Writing: a field of a new segment, as whoosh3 writes it.

# _TERMINFO in two: W3TermInfo's own fields, then the postings' offset and length.
_TERM_HEAD, _EXTENT = struct.Struct("!BfIBBfII"), struct.Struct("!qi")
_POINTER = struct.Struct("!Iq").pack   # a hash table slot: hash, record position
# Bytes of postings or term records gathered before they are written out, and
# postings turned into Python objects at a time.
WRITE_CHUNK = 4 << 20
CHUNK_POSTINGS = 65536

class SortedField(NamedTuple):
    """One field's postings sorted by (term, docnum): `texts` the terms in order,
    term i's postings `starts[i]:starts[i + 1]` of the other arrays (`ranks` the term
    number of each); `values[value_numbers[j]]` posting j's value bytes."""

    texts: list[bytes]
    starts: np.ndarray
    ranks: np.ndarray
    docnums: np.ndarray
    weights: np.ndarray
    value_numbers: np.ndarray
    values: list[bytes]


def can_write(fieldwriter) -> bool:
    """Whether `write_field` knows how this field writer lays its files out."""
    codec = getattr(fieldwriter, "_codec", None)
    return (type(fieldwriter) is W3FieldWriter and type(codec) is W3Codec
            and type(getattr(fieldwriter, "_tindex", None)) is OrderedHashWriter
            and codec._inlinelimit <= 1)


def write_field(fieldwriter: W3FieldWriter, fieldname: str, fieldobj, field: SortedField,
                length_of) -> None:
    """One field's postings and term records, byte for byte what whoosh3's
    `FieldWriter.add_postings` writes for them (`W3FieldWriter.start_term`/`add`/
    `finish_term`, `W3PostingsWriter._write_block`, `W3TermInfo.to_bytes`,
    `OrderedHashWriter.add`), gathered in buffers and written in large pieces.

    Why: Whoosh spends about 25 µs a term on its calls and objects, and the word pairs
    alone are 1.5 million terms on the archive, most with one posting: that was a
    third of the whole build. `length_of(docnum)` is what Whoosh's loop asks each
    posting's field length from (None: no lengths). tests/test_segments.py checks the
    bytes against Whoosh's own writer."""
    fieldwriter.start_field(fieldname, fieldobj)
    postwriter = fieldwriter._postwriter
    assert type(postwriter) is W3PostingsWriter and not postwriter._byteids
    limit, level = postwriter._blocklimit, postwriter._compression
    fixed = fieldobj.format.fixed_value_size()
    postfile, table = fieldwriter._postfile, fieldwriter._tindex
    prefix = pack_ushort(fieldwriter._fieldid)
    hashfn, buckets, positions = table.hashfn, table.buckets, table.index
    texts, values = field.texts, field.values
    if texts and prefix + texts[0] <= table.lastkey:
        raise ValueError(f"Keys must increase: {table.lastkey!r}..{prefix + texts[0]!r}")
    if length_of is None or not len(field.docnums):
        lengths = None
    else:
        lengths = [length_of(docnum) for docnum in range(int(field.docnums.max()) + 1)]
    magic, pack_length, pack_info = WHOOSH3_HEADER_MAGIC, pack_int, _TERMINFO.pack
    pack_extent = _EXTENT.pack
    pack_record = _RECORD_LENGTHS.pack
    posts, post_base = bytearray(), postfile.tell()
    records, record_base = bytearray(), table.dbfile.tell()
    key = b""
    # A one-posting term's block (magic included) depends only on its posting: the
    # same (docnum, weight, value) recurs across a document's rare words and pairs.
    singles: dict[tuple[int, float, int], bytes] = {}
    term_starts, first = field.starts, 0
    while first < len(texts):
        # The terms whose postings come to about CHUNK_POSTINGS, as Python objects
        # (all of a field's at once took the archive's word pairs 200 MB).
        low_posting = int(term_starts[first])
        last = int(np.searchsorted(term_starts, low_posting + CHUNK_POSTINGS, "right")) - 1
        last = min(max(last, first + 1), len(texts))
        high_posting = int(term_starts[last])
        docnums = field.docnums[low_posting:high_posting].tolist()
        raw = field.weights[low_posting:high_posting].tolist()
        # As array("f") holds them:
        rounded = field.weights[low_posting:high_posting].astype(np.float32).tolist()
        value_numbers = field.value_numbers[low_posting:high_posting].tolist()
        starts = (term_starts[first:last + 1] - low_posting).tolist()
        for number, text in enumerate(texts[first:last]):
            start, end = starts[number], starts[number + 1]
            offset = post_base + len(posts)
            if end - start == 1:   # most terms: one block of one posting
                single = (docnums[start], raw[start], value_numbers[start])
                made = singles.get(single)
                if made is None:
                    docnum = single[0]
                    made = singles[single] = _single_term(
                        docnum, raw[start], rounded[start], values[single[2]], fixed, level,
                        lengths[docnum] if lengths is not None else 0)
                block, head = made
                posts += block
                key = prefix + text
                value = head + pack_extent(offset, len(block))
            else:
                posts += magic
                total, frequency, shortest, longest, top = 0, 0, None, 0, 0
                for low in range(start, end, limit):
                    high = min(low + limit, end)
                    ids = docnums[low:high]
                    weights = rounded[low:high]
                    first = weights[0]
                    if all(weight == 1.0 for weight in weights):
                        block_weights = None
                    elif all(weight == first for weight in weights):
                        block_weights = first
                    else:
                        block_weights = tuple(weights)
                    if fixed == 0:
                        block_values = None
                    else:
                        kept = [values[value] for value in value_numbers[low:high]]
                        kept = [value for value in kept if value]
                        block_values = (tuple(kept) if fixed is None or fixed < 0
                                        else b"".join(kept))
                    deltas = tuple(docnum - before
                                   for docnum, before in zip(ids, [0, *ids[:-1]], strict=True))
                    data = dumps((deltas, block_weights, block_values), 2)
                    compression = level if len(data) >= COMPRESSION_MIN_SIZE else 0
                    if compression:
                        data = zlib.compress(data, compression)
                    highest = max(raw[low:high])
                    block_top = highest if highest > 0 else 0
                    if lengths is None:
                        block_shortest, block_longest = None, 0
                    else:
                        present = [lengths[docnum] for docnum in ids if lengths[docnum]]
                        block_shortest = min(present) if present else None
                        block_longest = max(present) if present else 0
                    info = dumps((len(ids), ids[-1], block_top, compression,
                                  length_to_byte(block_shortest), length_to_byte(block_longest)),
                                 2)
                    size = len(info) + len(data)
                    posts += pack_length(-size if high == end else size)
                    posts += info
                    posts += data
                    # W3TermInfo.add_block
                    total += sum(weights)
                    frequency += len(ids)
                    shortest = (block_shortest if shortest is None
                                else min(shortest, block_shortest))
                    longest = max(longest, block_longest)
                    top = max(top, block_top)
                key = prefix + text
                value = pack_info(False, total, frequency, length_to_byte(shortest),
                                  length_to_byte(longest), top, docnums[start], docnums[end - 1],
                                  offset, post_base + len(posts) - offset)
            position = record_base + len(records)
            records += pack_record(len(key), len(value))
            records += key
            records += value
            hashed = (int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
                      if hashfn is md5_hash else hashfn(key))
            buckets[hashed & 255].append((hashed, position))
            positions.append(position)
            if len(posts) > WRITE_CHUNK:
                postfile.write(bytes(posts))
                post_base += len(posts)
                posts = bytearray()
            if len(records) > WRITE_CHUNK:
                table.dbfile.write(bytes(records))
                record_base += len(records)
                records = bytearray()
        first = last
    postfile.write(bytes(posts))
    table.dbfile.write(bytes(records))
    if texts:
        table.lastkey = key
    fieldwriter.finish_field()


def _single_term(docnum: int, weight: float, rounded: float, value: bytes, fixed,
                 level: int, length) -> tuple[bytes, bytes]:
    """A term with one posting: its postings as `W3PostingsWriter` writes them (the
    magic, then its one, last, block), and its term record up to the postings' extent
    (`W3TermInfo.to_bytes`)."""
    if fixed == 0:
        block_values = None
    else:
        kept = (value,) if value else ()
        block_values = kept if fixed is None or fixed < 0 else b"".join(kept)
    data = dumps(((docnum,), None if rounded == 1.0 else rounded, block_values), 2)
    compression = level if len(data) >= COMPRESSION_MIN_SIZE else 0
    if compression:
        data = zlib.compress(data, compression)
    top = weight if weight > 0 else 0
    shortest = length_to_byte(length if length else None)
    longest = length_to_byte(length if length else 0)
    info = dumps((1, docnum, top, compression, shortest, longest), 2)
    block = b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-(len(info) + len(data))), info, data))
    # W3TermInfo after add_block: weight 0 + the block's sum, max weight max(0, top).
    head = _TERM_HEAD.pack(False, 0 + sum((rounded,)), 1, shortest, longest, max(0, top),
                           docnum, docnum)
    return block, head


def write_hashes(table: OrderedHashWriter) -> None:
    """`HashWriter._write_hashes`, the same tables, each written in one piece."""
    dbfile, pointer = table.dbfile, _POINTER
    null = (0, 0)
    for entries in table.buckets:
        numslots = 2 * len(entries)
        table.directory.append((dbfile.tell(), numslots))
        hashtable = [null] * numslots
        for hashval, position in entries:
            slot = (hashval >> 8) % numslots
            while hashtable[slot] != null:
                slot = (slot + 1) % numslots
            hashtable[slot] = (hashval, position)
        dbfile.write(b"".join([pointer(hashval, position) for hashval, position in hashtable]))
