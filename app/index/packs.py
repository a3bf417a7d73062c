"""One set of postings arrays over several Whoosh segments (a pack), so that a query
looks each of its terms up once instead of once per segment.

A full build writes about four large segments (app/index/segments.py: two a worker).
With arrays per segment (app/index/arrays.py) each term of a pasted message was
looked up in every segment, its slices shifted by their segments' docnum offsets and
joined: a third of the message's scoring. The pack is those segments' arrays merged,
its docnums counted from the first segment's: the same files as a segment's folder
(`SegmentArrays` opens it), in `arrays/pack-<hash of the segment ids>/`, its
meta.json naming the segments it covers, in index order.

Derived, like every array, and never required: a reader whose index does not begin
with a pack's segments (a compaction merged them, a run was killed before packing)
reads the segments' own arrays. Each index run ends with `write_pack`: it packs every
segment when no pack covers at least the first two. An in-place update only appends
small segments after the pack, which readers take separately; a compaction merges
some of the packed ones, and the run packs the result anew.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from app.index.arrays import remove_folder, write_arrays, write_folder
from app.index.layout import (
    ARRAYS_DIR,
    ARRAYS_FORMAT,
    PACK_PREFIX,
    SegmentArrays,
    concatenated_ranges,
    opened_folder,
    pack_name,
    segment_folder,
    usable_pack,
)

log = logging.getLogger(__name__)


def write_pack(generation: Path) -> bool:
    """The arrays of the generation's segments written (`write_arrays`), then packed
    unless a pack that opens already covers at least the first two; packs no reader
    can use any more (or that no longer open) are removed first. Returns whether a
    pack was written."""
    segment_ids = write_arrays(generation)
    arrays_dir = generation / ARRAYS_DIR
    found = usable_pack(arrays_dir, segment_ids)
    current = found[0] if found and opened_folder(found[0]) is not None else None
    for folder in arrays_dir.iterdir() if arrays_dir.is_dir() else ():
        if folder.name.startswith(PACK_PREFIX) and folder != current:
            # Readers that mapped it keep its pages until they reopen.
            remove_folder(folder)
    if current is not None or len(segment_ids) < 2:
        return False
    merged = merged_arrays(segment_ids, [SegmentArrays.open(segment_folder(generation, i))
                                         for i in segment_ids])
    if merged is None:
        return False
    write_folder(arrays_dir / pack_name(segment_ids), *merged)
    return True


def merged_arrays(segment_ids: list[str], parts: list[SegmentArrays],
                  ) -> tuple[dict, dict[str, dict[str, np.ndarray]]] | None:
    """(meta, field -> part -> array) of the segments merged, in their order; None when
    two different terms share a key (then the segments stay as they are)."""
    offsets = np.cumsum([0, *(segment.documents for segment in parts)])
    meta = {"format": ARRAYS_FORMAT, "documents": int(offsets[-1]), "lengths": {},
            "ids": [article_id for segment in parts for article_id in segment.ids],
            "segments": segment_ids}
    fields: dict[str, dict[str, np.ndarray]] = {}
    names = dict.fromkeys(name for segment in parts for name in segment.fields)
    for fieldname in names:
        merged = _merged_field(fieldname, parts, offsets)
        if merged is None:
            log.warning("two terms of %s share a key: the segments are not packed", fieldname)
            return None
        fields[fieldname] = merged
        meta["lengths"][fieldname] = sum(segment.total_lengths.get(fieldname, 0)
                                         for segment in parts)
    return meta, fields


def _merged_field(fieldname: str, parts: list[SegmentArrays],
                  offsets: np.ndarray) -> dict[str, np.ndarray] | None:
    arrays = [segment.fields.get(fieldname) or _empty(segment.documents) for segment in parts]
    keys = np.concatenate([field["keys"] for field in arrays])
    # Where each segment's postings and text begin in the concatenations.
    posting_base = np.cumsum([0, *(int(field["starts"][-1]) for field in arrays)])
    text_base = np.cumsum([0, *(int(field["text_starts"][-1]) for field in arrays)])
    posting_starts = np.concatenate([field["starts"][:-1] + base
                                     for field, base in zip(arrays, posting_base, strict=False)])
    counts = np.concatenate([np.diff(field["starts"]) for field in arrays])
    text_starts = np.concatenate([field["text_starts"][:-1] + base
                                  for field, base in zip(arrays, text_base, strict=False)])
    text_lengths = np.concatenate([np.diff(field["text_starts"]) for field in arrays])
    text = np.concatenate([field["text"] for field in arrays])
    lengths = np.concatenate([field["lengths"] for field in arrays])
    if not len(keys):
        return {**_empty(0), "lengths": lengths}

    # Stable: a term's entries stay in segment order, so its docnums stay increasing.
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    same = keys[1:] == keys[:-1]
    if not _same_texts(text, text_starts[order], text_lengths[order], same):
        return None
    first = np.flatnonzero(np.concatenate([[True], ~same]))
    counts = counts[order]
    starts = np.zeros(len(first) + 1, dtype=np.int64)
    np.cumsum(np.add.reduceat(counts, first), out=starts[1:])
    gather = concatenated_ranges(posting_starts[order], counts)
    docs = np.concatenate([field["docs"] + np.int32(offset)
                           for field, offset in zip(arrays, offsets[:-1], strict=False)])
    tf = np.concatenate([field["tf"] for field in arrays])
    term_text = text[concatenated_ranges(text_starts[order][first], text_lengths[order][first])]
    merged_text_starts = np.zeros(len(first) + 1, dtype=np.int64)
    np.cumsum(text_lengths[order][first], out=merged_text_starts[1:])
    return {
        "keys": keys[first], "starts": starts,
        "docs": docs[gather], "tf": tf[gather],
        "text": term_text, "text_starts": merged_text_starts,
        "lengths": lengths,
    }


def _empty(documents: int) -> dict[str, np.ndarray]:
    """A field no document of the segment has."""
    return {"keys": np.zeros(0, np.uint64), "starts": np.zeros(1, np.int64),
            "docs": np.zeros(0, np.int32), "tf": np.zeros(0, np.float32),
            "text": np.zeros(0, np.uint8), "text_starts": np.zeros(1, np.int64),
            "lengths": np.zeros(documents, np.float32)}


def _same_texts(text: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                same_key: np.ndarray) -> bool:
    """Whether every pair of neighbours with the same key also has the same text."""
    left = np.flatnonzero(same_key)
    right = left + 1
    if not np.array_equal(lengths[left], lengths[right]):
        return False
    return bool(np.array_equal(text[concatenated_ranges(starts[left], lengths[left])],
                               text[concatenated_ranges(starts[right], lengths[right])]))
