"""The layout of the postings arrays beside the Whoosh index, and how to open them:
what the index run writes (app/index/arrays.py, app/index/packs.py) and the search
path maps (app/search/arrays.py). The readers import this module, never the writers.

Whoosh stays the index of record; the arrays are derived from it, one folder per
Whoosh segment (`arrays/<segment id>/` in the generation), and a pack
(`arrays/pack-…/`) the same files over several segments.

Each worker opens the files with `np.load(mmap_mode="r")`: the operating system holds
one copy for every process, and a new worker reads nothing until a query touches a
page. Per field of a segment:

    <field>.keys.npy      uint64  8-byte BLAKE2b of each term, sorted (the dictionary)
    <field>.starts.npy    int64   term i's postings are docs[starts[i]:starts[i + 1]]
    <field>.docs.npy      int32   segment docnums, increasing per term (deleted included)
    <field>.tf.npy        float32 the term's frequency in each
    <field>.text.npy      uint8   the terms' UTF-8, in key order (checks a hash match)
    <field>.text_starts.npy int64
    <field>.lengths.npy   float32 each document's field length, as Whoosh stores it

and `meta.json` (documents, each field's total length, each document's article
id, the format; a pack's also the segments it covers, in index order).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
from pathlib import Path

import numpy as np
from whoosh.reading import IndexReader

from app.index.segment_postings import FieldPostings, field_postings

ARRAYS_DIR = "arrays"
ARRAYS_FORMAT = 1
PACK_PREFIX = "pack-"  # a folder of arrays over several segments, not one
# Every field the search path scores or filters on (not `id`: Whoosh looks it up).
ARRAY_FIELDS = ("title", "symptoms", "messages", "pairs", "body", "applies", "extra",
                "codes", "mentions", "mentions_extra", "products")
PARTS = ("keys", "starts", "docs", "tf", "text", "text_starts", "lengths")

log = logging.getLogger(__name__)


def term_key(text: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def concatenated_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indices of several slices, one after another (`starts[i]`, `starts[i] + 1`,
    … `counts[i]` of them): to gather many terms' postings in one operation."""
    ends = np.cumsum(counts)
    return (np.repeat(starts - (ends - counts), counts)
            + np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64))


def segment_arrays(
    leaf: IndexReader, postings: dict[str, FieldPostings] | None = None,
    ids: list[str] | None = None,
) -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    """(meta, field -> part -> array) of one Whoosh segment: its postings as `postings`
    gives them (what a full build's writer handed Whoosh, app/index/segments.py) or,
    without it, as read back from the segment; the field lengths always from it; the
    article ids as `ids` lists them (the writer's, by docnum) or as the segment stores
    them."""
    documents = leaf.doc_count_all()
    if ids is None:
        ids = [leaf.stored_fields(docnum)["id"] for docnum in range(documents)]
    meta = {"format": ARRAYS_FORMAT, "documents": documents, "lengths": {}, "ids": ids}
    fields: dict[str, dict[str, np.ndarray]] = {}
    for fieldname in ARRAY_FIELDS:
        if fieldname not in leaf.schema:
            continue
        if postings is None:
            found = field_postings(leaf, fieldname)
        else:
            found = postings.get(fieldname) or FieldPostings.empty()
        keys = np.fromiter(map(term_key, found.terms), dtype=np.uint64, count=len(found.terms))
        order = np.argsort(keys, kind="stable")
        counts = np.diff(found.starts)[order]
        starts = np.zeros(len(order) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        # The postings in key order: gather each term's slice.
        gather = concatenated_ranges(found.starts[:-1][order], counts)
        encoded = [found.terms[i] for i in order.tolist()]
        text_starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(term) for term in encoded], out=text_starts[1:])
        lengths = np.fromiter((leaf.doc_field_length(docnum, fieldname, 0) or 0
                               for docnum in range(documents)),
                              dtype=np.float32, count=documents)
        fields[fieldname] = {
            "keys": keys[order], "starts": starts,
            "docs": found.docnums[gather], "tf": found.frequencies[gather],
            "text": np.frombuffer(b"".join(encoded), dtype=np.uint8),
            "text_starts": text_starts, "lengths": lengths,
        }
        meta["lengths"][fieldname] = leaf.field_length(fieldname)
    return meta, fields


def segment_folder(generation: Path, segment_id: str) -> Path:
    return generation / ARRAYS_DIR / segment_id


class SegmentArrays:
    """One segment's arrays, mapped read-only (or in memory, when made on the spot)."""

    def __init__(self, meta: dict, fields: dict[str, dict[str, np.ndarray]]) -> None:
        self.documents: int = meta["documents"]
        self.total_lengths: dict[str, int] = meta["lengths"]
        # Each document's article id: a ranking of hundreds is named without reading
        # each one's stored fields through Whoosh (55 µs apiece).
        self.ids: list[str] = meta["ids"]
        self.fields = fields

    @staticmethod
    def read_meta(folder: Path) -> dict:
        meta = json.loads((folder / "meta.json").read_text())
        if meta.get("format") != ARRAYS_FORMAT:
            raise ValueError(f"arrays at {folder} are of another format")
        return meta

    @classmethod
    def open(cls, folder: Path) -> SegmentArrays:
        meta = cls.read_meta(folder)
        fields = {
            # As plain arrays over the mapping: np.memmap's own indexing costs a Python
            # call each time, a microsecond a term lookup and a tenth of a query.
            fieldname: {part: np.load(folder / f"{fieldname}.{part}.npy",
                                      mmap_mode="r").view(np.ndarray)
                        for part in PARTS}
            for fieldname in meta["lengths"]
        }
        return cls(meta, fields)

    @classmethod
    def of_leaf(cls, generation: Path | None, leaf: IndexReader) -> SegmentArrays:
        """The segment's arrays from its folder; derived on the spot (slow, logged)
        where a run was killed before writing them, where a later run merged the
        segment away and removed them (this reader's searcher still holds its files),
        or where the index is in memory."""
        segment = leaf.segment()
        if generation is not None and segment is not None:
            folder = segment_folder(generation, segment.segment_id())
            opened = opened_folder(folder) if (folder / "meta.json").is_file() else None
            if opened is not None:
                return opened
            log.warning("no arrays for segment %s: derived in this process until the "
                        "next index run writes them", segment.segment_id())
        return cls(*segment_arrays(leaf))

    def span(self, fieldname: str, text: str) -> tuple[int, int]:
        """(start, end) of the term's postings; (0, 0) when the segment lacks it."""
        parts = self.fields.get(fieldname)
        if parts is None:
            return 0, 0
        encoded = text.encode("utf-8")
        keys = parts["keys"]
        key = np.uint64(term_key(encoded))
        at = int(np.searchsorted(keys, key))
        text_starts, blob = parts["text_starts"], parts["text"]
        while at < len(keys) and keys[at] == key:
            low, high = int(text_starts[at]), int(text_starts[at + 1])
            if blob[low:high].tobytes() == encoded:
                return int(parts["starts"][at]), int(parts["starts"][at + 1])
            at += 1
        return 0, 0

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.span(fieldname, text)
        if start == end:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        parts = self.fields[fieldname]
        return parts["docs"][start:end], parts["tf"][start:end]

    def terms(self, fieldname: str) -> list[str]:
        """Every term of a field (for small fields: products)."""
        parts = self.fields.get(fieldname)
        if parts is None:
            return []
        blob = parts["text"].tobytes()
        bounds = parts["text_starts"].tolist()
        return [blob[low:high].decode("utf-8") for low, high in itertools.pairwise(bounds)]


def pack_name(segment_ids: list[str]) -> str:
    digest = hashlib.blake2b("\n".join(segment_ids).encode(), digest_size=8).hexdigest()
    return f"{PACK_PREFIX}{digest}"


def usable_pack(arrays_dir: Path, segment_ids: list[str]) -> tuple[Path, int] | None:
    """(folder, segments covered) of the pack covering the longest leading run of the
    index's segments, at least two: a pack is named after the segments it covers, so
    no pack's meta.json is read to find it."""
    for covered in range(len(segment_ids), 1, -1):
        folder = arrays_dir / pack_name(segment_ids[:covered])
        if (folder / "meta.json").is_file():
            return folder, covered
    return None


def open_pack(arrays_dir: Path, segment_ids: list[str]) -> tuple[SegmentArrays, int] | None:
    """The pack a reader should use, mapped, with how many leading segments it covers;
    None (the segments' own arrays) when there is none or it went away meanwhile."""
    found = usable_pack(arrays_dir, segment_ids)
    opened = opened_folder(found[0]) if found else None
    return (opened, found[1]) if found and opened is not None else None


def opened_folder(folder: Path) -> SegmentArrays | None:
    try:
        return SegmentArrays.open(folder)
    except (OSError, ValueError, KeyError):  # removed meanwhile, or damaged
        return None


