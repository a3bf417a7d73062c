"""A segment writer's postings held in memory as compact arrays (`MemoryPostings`),
in place of Whoosh's posting pool, and written field by field as Whoosh would.

Whoosh's pool keeps every posting a tuple and, when 64 MB fill, marshals them one by
one into sorted run files, read back and merged: half of a worker's time in a full
build. Here a posting is about 20 bytes of arrays, sorted once when the segment is
written (app/index/segments.py drives the writer; app/index/field_writer.py writes
the bytes).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

import numpy as np

from app.index.field_writer import SortedField, can_write, write_field
from app.index.layout import ARRAY_FIELDS
from app.index.segment_postings import FieldPostings

# Postings turned back into Python objects at a time when handed to Whoosh: all of a
# field at once took the archive's word pairs 200 MB.
YIELD_CHUNK = 65536


class _FieldPool:
    """One field's postings as they arrive: term number, docnum, weight, value number."""

    __slots__ = ("docnums", "numbers", "terms", "value_numbers", "values", "weights")

    def __init__(self) -> None:
        self.numbers: dict[bytes, int] = {}
        self.terms = array("i")
        self.docnums = array("i")
        self.weights = array("d")
        self.value_numbers = array("i")
        self.values: dict[bytes, int] = {}


class MemoryPostings:
    """Whoosh's posting pool (`whoosh.writing.PostingPool`: `add`, `iter_postings`,
    `cleanup`, `fieldnames`) for one segment writer, held in memory: about 20 bytes a
    posting, where the pool's tuples took ten times that and so had to be sorted out
    to disk. `iter_postings` gives the postings in the pool's order (field, term,
    docnum), and keeps each array field's as `FieldPostings` for the arrays."""

    def __init__(self) -> None:
        self.fieldnames: set[str] = set()
        self._fields: dict[str, _FieldPool] = {}
        self.kept: dict[str, FieldPostings] = {}

    def add(self, item: tuple[str, bytes, int, float, bytes]) -> None:
        fieldname, text, docnum, weight, value = item
        pool = self._fields.get(fieldname)
        if pool is None:
            pool = self._fields[fieldname] = _FieldPool()
            self.fieldnames.add(fieldname)
        number = pool.numbers.get(text)
        if number is None:
            number = pool.numbers[text] = len(pool.numbers)
        value_number = pool.values.get(value)
        if value_number is None:
            value_number = pool.values[value] = len(pool.values)
        pool.terms.append(number)
        pool.docnums.append(docnum)
        pool.weights.append(weight)
        pool.value_numbers.append(value_number)

    def add_document(self, fieldname: str, docnum: int, items, boost: float,
                     scorable: bool) -> int:
        """`add` for each posting of one document's field, `items` as
        `FieldType.index` gives them (text, frequency, weight, value), each weight
        times `boost`; returns the field's length as `add_document` counts it."""
        items = list(items)
        if not items:   # as `add` never called: no pool, and no field in the segment
            return 0
        pool = self._fields.get(fieldname)
        if pool is None:
            pool = self._fields[fieldname] = _FieldPool()
            self.fieldnames.add(fieldname)
        texts, frequencies, weights, values = zip(*items, strict=True)
        numbers, number_of = pool.numbers, pool.numbers.setdefault
        terms = [number_of(text, len(numbers)) for text in texts]
        known, value_of = pool.values, pool.values.setdefault
        value_numbers = [value_of(value, len(known)) for value in values]
        if boost != 1.0:   # times 1.0 a weight stays as it is
            weights = [weight * boost for weight in weights]
        length = sum(frequencies) if scorable else 0
        pool.terms.extend(terms)
        pool.docnums.extend([docnum] * len(terms))
        pool.weights.extend(weights)
        pool.value_numbers.extend(value_numbers)
        return length

    def _sorted_fields(self) -> Iterator[tuple[str, SortedField]]:
        """Each field's postings in the pool's order (field, term, docnum), freed
        field by field as it is written; each array field's kept for the arrays."""
        for fieldname in sorted(self._fields):
            pool = self._fields.pop(fieldname)
            texts = list(pool.numbers)   # by number: numbered in insertion order
            del pool.numbers
            by_text = sorted(range(len(texts)), key=texts.__getitem__)
            rank = np.empty(len(texts), dtype=np.int64)
            rank[by_text] = np.arange(len(texts))
            ranks = rank[np.frombuffer(pool.terms, dtype=np.int32)]
            docnums = np.frombuffer(pool.docnums, dtype=np.int32)
            order = np.lexsort((docnums, ranks))
            ranks, docnums = ranks[order], docnums[order]
            weights = np.frombuffer(pool.weights, dtype=np.float64)[order]
            value_numbers = np.frombuffer(pool.value_numbers, dtype=np.int32)[order]
            values = list(pool.values)   # by number, likewise
            sorted_texts = [texts[i] for i in by_text]
            del pool, texts
            counts = np.bincount(ranks, minlength=len(sorted_texts))
            starts = np.zeros(len(sorted_texts) + 1, dtype=np.int64)
            np.cumsum(counts, out=starts[1:])
            if fieldname in ARRAY_FIELDS:
                self.kept[fieldname] = FieldPostings(
                    sorted_texts, starts, docnums.copy(), weights.astype(np.float32))
            yield fieldname, SortedField(sorted_texts, starts, ranks, docnums, weights,
                                          value_numbers, values)

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        for fieldname, field in self._sorted_fields():
            texts, values = field.texts, field.values
            for start in range(0, len(field.ranks), YIELD_CHUNK):
                end = start + YIELD_CHUNK
                for term, docnum, weight, value in zip(
                        field.ranks[start:end].tolist(), field.docnums[start:end].tolist(),
                        field.weights[start:end].tolist(),
                        field.value_numbers[start:end].tolist(), strict=True):
                    yield fieldname, texts[term], docnum, weight, values[value]

    def write_fields(self, fieldwriter, schema, lengths) -> None:
        """What `fieldwriter.add_postings(schema, lengths, self.iter_postings())` writes,
        the same bytes, written by `write_field` (see there) when the writer is
        whoosh3's; otherwise through Whoosh's own loop."""
        if not can_write(fieldwriter):
            fieldwriter.add_postings(schema, lengths, self.iter_postings())
            return
        for fieldname, field in self._sorted_fields():
            length_of = None if lengths is None else lengths.doc_field_length_reader(fieldname)
            write_field(fieldwriter, fieldname, schema[fieldname], field, length_of)

    def cleanup(self) -> None:
        self._fields.clear()

    def megabytes(self) -> float:
        """About what the postings take: 20 bytes each, and 130 a distinct term."""
        postings = sum(len(pool.terms) for pool in self._fields.values())
        terms = sum(len(pool.numbers) for pool in self._fields.values())
        return (20 * postings + 130 * terms) / 2**20
