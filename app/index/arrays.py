"""The postings the search path needs, as flat arrays beside the Whoosh index.

Whoosh stays the index of record; these arrays are derived from it, one folder per
Whoosh segment (`arrays/<segment id>/` in the generation), written once when the
segment is new and removed when a merge or a rebuild drops it. A segment never
changes once written; what does change, its deleted documents, is read from Whoosh
when a searcher opens. So a full build, an in-place update and a compaction each
write only the folders of the segments they created (`write_arrays`), and a run that
was killed before that leaves them for the next run to write.

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
id, the format). A pack
(app/index/packs.py, `arrays/pack-…/`) is the same files over several segments.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import shutil
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import IndexReader

from app.index.generations import WHOOSH_DIR
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


def write_segment_arrays(generation: Path, leaf: IndexReader,
                         postings: dict[str, FieldPostings] | None = None,
                         ids: list[str] | None = None) -> None:
    """The segment's folder of arrays (see `segment_arrays`), all or nothing."""
    write_folder(segment_folder(generation, leaf.segment().segment_id()),
                 *segment_arrays(leaf, postings, ids))


def write_folder(final: Path, meta: dict, fields: dict[str, dict[str, np.ndarray]]) -> None:
    """A folder of arrays, all or nothing: readers see it whole or not at all."""
    temporary = final.with_name(f".{final.name}.{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    for fieldname, parts in fields.items():
        for part, array in parts.items():
            np.save(temporary / f"{fieldname}.{part}.npy", array)
    (temporary / "meta.json").write_text(json.dumps(meta))
    os.replace(temporary, final)


def write_arrays(generation: Path) -> list[str]:
    """Write the arrays of every segment of the generation's committed Whoosh index
    that has none yet, and remove those of segments it no longer has (packs are
    app/index/packs.py's to keep or remove). Returns the segment ids, in index
    order."""
    ix = FileStorage(str(generation / WHOOSH_DIR), supports_mmap=False).open_index()
    with ix.reader() as reader:
        segments = []
        for leaf, _ in reader.leaf_readers():
            if leaf.segment() is None:
                continue
            segment_id = leaf.segment().segment_id()
            segments.append(segment_id)
            if not (segment_folder(generation, segment_id) / "meta.json").is_file():
                write_segment_arrays(generation, leaf)
    folder = generation / ARRAYS_DIR
    if folder.is_dir():
        for old in folder.iterdir():
            if old.name not in segments and not old.name.startswith(PACK_PREFIX):
                # Readers that mapped them keep their pages until they reopen.
                shutil.rmtree(old, ignore_errors=True)
    return segments


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
        where a run was killed before writing them or the index is in memory."""
        segment = leaf.segment()
        if generation is not None and segment is not None:
            folder = segment_folder(generation, segment.segment_id())
            if (folder / "meta.json").is_file():
                return cls.open(folder)
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
