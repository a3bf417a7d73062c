"""A new segment's fields written in bulk (`write_field`): the bytes Whoosh would write.

With app/index/segment_postings.py and app/search/whoosh_postings.py, the only
modules that touch Whoosh's private names: here the whoosh3 field writer's postings
file, terms table and postings writer settings. Why: Whoosh spends about 25 µs a term
on its calls and objects, and the word pairs alone are 1.5 million terms on the
archive, most with one posting: that was a third of the whole build. Writing needs
the whoosh3 field writer (`can_write`), else a full build lets Whoosh write; and
tests/index/test_segments.py checks the files against Whoosh's own writer, byte for byte.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte

from app.index.segment_postings import RECORD_LENGTHS, TERMINFO

# TERMINFO in two: W3TermInfo's own fields, then the postings' offset and length.
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


class _Format(NamedTuple):
    """How the field writer lays this field out: the key prefix, the postings block
    size and compression, the value size, and each docnum's field length (None: no
    lengths)."""

    prefix: bytes
    limit: int
    level: int
    fixed: int | None
    lengths: list | None


@dataclass
class _Output:
    """The field's postings-file and terms-table bytes not yet written out, where they
    begin in their files, the last key written, and a one-posting term's block and
    record head by its posting: the same (docnum, weight, value) recurs across a
    document's rare words and pairs."""

    post_base: int
    record_base: int
    posts: bytearray = field(default_factory=bytearray)
    records: bytearray = field(default_factory=bytearray)
    key: bytes = b""
    singles: dict[tuple[int, float, int], tuple[bytes, bytes]] = field(default_factory=dict)


def can_write(fieldwriter) -> bool:
    """Whether `write_field` knows how this field writer lays its files out."""
    codec = getattr(fieldwriter, "_codec", None)
    return (type(fieldwriter) is W3FieldWriter and type(codec) is W3Codec
            and type(getattr(fieldwriter, "_tindex", None)) is OrderedHashWriter
            and codec._inlinelimit <= 1)


def write_field(fieldwriter: W3FieldWriter, fieldname: str, fieldobj, sorted_field: SortedField,
                length_of: Callable[[int], int] | None) -> None:
    """One field's postings and term records, byte for byte what whoosh3's
    `FieldWriter.add_postings` writes for them (`W3FieldWriter.start_term`/`add`/
    `finish_term`, `W3PostingsWriter._write_block`, `W3TermInfo.to_bytes`,
    `OrderedHashWriter.add`), gathered in buffers and written in large pieces.
    `length_of(docnum)` is what Whoosh's loop asks each posting's field length from
    (None: no lengths)."""
    fieldwriter.start_field(fieldname, fieldobj)
    postwriter = fieldwriter._postwriter
    assert type(postwriter) is W3PostingsWriter and not postwriter._byteids
    table = fieldwriter._tindex
    prefix = pack_ushort(fieldwriter._fieldid)
    texts, docnums = sorted_field.texts, sorted_field.docnums
    if texts and prefix + texts[0] <= table.lastkey:
        raise ValueError(f"Keys must increase: {table.lastkey!r}..{prefix + texts[0]!r}")
    lengths = (None if length_of is None or not len(docnums)
               else [length_of(docnum) for docnum in range(int(docnums.max()) + 1)])
    layout = _Format(prefix, postwriter._blocklimit, postwriter._compression,
                     fieldobj.format.fixed_value_size(), lengths)
    out = _Output(fieldwriter._postfile.tell(), table.dbfile.tell())
    for first, last in _chunks(sorted_field.starts, len(texts)):
        _write_terms(fieldwriter, layout, sorted_field, first, last, out)
    fieldwriter._postfile.write(bytes(out.posts))
    table.dbfile.write(bytes(out.records))
    if texts:
        table.lastkey = out.key
    fieldwriter.finish_field()


def _chunks(term_starts: np.ndarray, terms: int) -> Iterator[tuple[int, int]]:
    """(first, last) term numbers whose postings come to about CHUNK_POSTINGS, taken
    as Python objects a chunk at a time (all of a field's at once took the archive's
    word pairs 200 MB)."""
    first = 0
    while first < terms:
        low_posting = int(term_starts[first])
        last = int(np.searchsorted(term_starts, low_posting + CHUNK_POSTINGS, "right")) - 1
        last = min(max(last, first + 1), terms)
        yield first, last
        first = last


def _write_terms(fieldwriter: W3FieldWriter, layout: _Format, sorted_field: SortedField,
                 first: int, last: int, out: _Output) -> None:
    """Terms `first` to `last` (excluded): each one's postings block(s) and its record
    in the terms table, with its slot in the table's hash buckets."""
    low, high = int(sorted_field.starts[first]), int(sorted_field.starts[last])
    docnums = sorted_field.docnums[low:high].tolist()
    raw = sorted_field.weights[low:high].tolist()
    # As array("f") holds them:
    rounded = sorted_field.weights[low:high].astype(np.float32).tolist()
    value_numbers = sorted_field.value_numbers[low:high].tolist()
    starts = (sorted_field.starts[first:last + 1] - low).tolist()
    values, lengths, singles = sorted_field.values, layout.lengths, out.singles
    table = fieldwriter._tindex
    hashfn, buckets, positions = table.hashfn, table.buckets, table.index
    pack_extent, pack_record, prefix = _EXTENT.pack, RECORD_LENGTHS.pack, layout.prefix
    posts, records = out.posts, out.records
    for number, text in enumerate(sorted_field.texts[first:last]):
        start, end = starts[number], starts[number + 1]
        offset = out.post_base + len(posts)
        if end - start == 1:   # most terms: one block of one posting
            single = (docnums[start], raw[start], value_numbers[start])
            made = singles.get(single)
            if made is None:
                docnum = single[0]
                made = singles[single] = _single_term(
                    docnum, raw[start], rounded[start], values[single[2]], layout.fixed,
                    layout.level, lengths[docnum] if lengths is not None else 0)
            block, head = made
            posts += block
            value = head + pack_extent(offset, len(block))
        else:
            value = _term_blocks(posts, layout, values, (docnums, raw, rounded, value_numbers),
                                 start, end, offset, out.post_base)
        key = prefix + text
        position = out.record_base + len(records)
        records += pack_record(len(key), len(value))
        records += key
        records += value
        hashed = (int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
                  if hashfn is md5_hash else hashfn(key))
        buckets[hashed & 255].append((hashed, position))
        positions.append(position)
        if len(posts) > WRITE_CHUNK:
            fieldwriter._postfile.write(bytes(posts))
            out.post_base += len(posts)
            posts = out.posts = bytearray()
        if len(records) > WRITE_CHUNK:
            table.dbfile.write(bytes(records))
            out.record_base += len(records)
            records = out.records = bytearray()
        out.key = key


def _term_blocks(posts: bytearray, layout: _Format, values: list[bytes],
                 chunk: tuple[list, list, list, list], start: int, end: int,
                 offset: int, post_base: int) -> bytes:
    """A term of several postings: its blocks appended to `posts` as
    `W3PostingsWriter._write_block` writes them, and its term record's value
    (`W3TermInfo.to_bytes` with the postings' extent)."""
    docnums, raw, rounded, value_numbers = chunk
    fixed, lengths = layout.fixed, layout.lengths
    posts += WHOOSH3_HEADER_MAGIC
    total, frequency, shortest, longest, top = 0, 0, None, 0, 0
    for low in range(start, end, layout.limit):
        high = min(low + layout.limit, end)
        ids = docnums[low:high]
        weights = rounded[low:high]
        if all(weight == 1.0 for weight in weights):
            block_weights = None
        elif all(weight == weights[0] for weight in weights):
            block_weights = weights[0]
        else:
            block_weights = tuple(weights)
        if fixed == 0:
            block_values = None
        else:
            kept = [values[value] for value in value_numbers[low:high]]
            kept = [value for value in kept if value]
            block_values = tuple(kept) if fixed is None or fixed < 0 else b"".join(kept)
        deltas = tuple(docnum - before for docnum, before in zip(ids, [0, *ids[:-1]], strict=True))
        data = dumps((deltas, block_weights, block_values), 2)
        compression = layout.level if len(data) >= COMPRESSION_MIN_SIZE else 0
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
                      length_to_byte(block_shortest), length_to_byte(block_longest)), 2)
        size = len(info) + len(data)
        posts += pack_int(-size if high == end else size)
        posts += info
        posts += data
        # W3TermInfo.add_block
        total += sum(weights)
        frequency += len(ids)
        shortest = block_shortest if shortest is None else min(shortest, block_shortest)
        longest = max(longest, block_longest)
        top = max(top, block_top)
    return TERMINFO.pack(False, total, frequency, length_to_byte(shortest),
                         length_to_byte(longest), top, docnums[start], docnums[end - 1],
                         offset, post_base + len(posts) - offset)
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
