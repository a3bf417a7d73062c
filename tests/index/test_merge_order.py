"""An in-place update's commit keeps the index's segments in their order: the full
build's pack of postings arrays (app/index/packs.py) covers the leading segments, and
Whoosh's own merge policy sorted them by size, so on the archive every fourth publish
rewrote the whole pack (1.5 s)."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, Schema
from whoosh.writing import MERGE_SMALL, NO_MERGE

from app.index.upkeep import merge_small_in_order


def segment_sizes(ix) -> list[int]:
    return [segment.doc_count_all() for segment in ix._segments()]


def index_of_segments(folder: Path, sizes: list[int]):
    """An index whose segments hold `sizes` documents, in this order."""
    folder.mkdir()
    ix = whoosh_index.create_in(folder, Schema(id=ID(stored=True, unique=True)))
    number = 0
    for size in sizes:
        writer = ix.writer()
        for _ in range(size):
            number += 1
            writer.add_document(id=f"Q{number}")
        writer.commit(mergetype=NO_MERGE)
    return ix


def commit_one(ix, policy) -> None:
    writer = ix.writer()
    writer.add_document(id="Qnew")
    writer.commit(mergetype=policy)


def test_merging_the_small_segments_keeps_the_large_ones_first_in_their_order(
        tmp_path: Path) -> None:
    ix = index_of_segments(tmp_path / "ours", [30, 20, 25, 1, 1, 1, 1, 1])
    commit_one(ix, merge_small_in_order)
    assert segment_sizes(ix) == [30, 20, 25, 6]   # the five small ones and the new
    # Whoosh's own policy, for comparison: the large ones sorted by size.
    theirs = index_of_segments(tmp_path / "theirs", [30, 20, 25, 1, 1, 1, 1, 1])
    commit_one(theirs, MERGE_SMALL)
    assert segment_sizes(theirs) == [20, 25, 30, 6]


def test_without_a_merge_nothing_moves(tmp_path: Path) -> None:
    ix = index_of_segments(tmp_path / "index", [30, 20, 25, 1])
    commit_one(ix, merge_small_in_order)
    assert segment_sizes(ix) == [30, 20, 25, 1, 1]
