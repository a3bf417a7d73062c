"""Keeping the live generation sound between runs: the record of what a run is
applying (read again by the next run if it was killed), compaction when in-place
updates fragmented it, and authored trees read into the article store."""

from __future__ import annotations

import json
import os
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.writing import MERGE_SMALL

from app.articles.trees import article_file_for
from app.index.generations import WHOOSH_DIR
from app.index.parsing import read_tree
from app.index.store import ArticleStore, TreeRow

APPLYING_FILE = "APPLYING"
# Compact the live generation when in-place updates left it this fragmented.
MAX_SEGMENTS = 8
MAX_DELETED_SHARE = 0.2
# A full build writes about two large segments a worker (app/index/segments.py,
# POOL_MB): four on the archive with two workers, kept out of compactions.
KEEP_LARGEST = 4
# Each Whoosh writer process spills its postings to disk when this pool fills. On
# the full archive 64 MB keeps the whole build near 730 MB; 160 MB took it to 880 MB
# with no measurable gain in time (benchmarks/bench_index.py).
WRITER_POOL_MB = 64


def read_applying(generation: Path) -> list[str]:
    try:
        return json.loads((generation / APPLYING_FILE).read_text())
    except (OSError, ValueError):
        return []


def write_applying(generation: Path, paths: list[str]) -> None:
    """Durably, before Whoosh commits: the record the next run repairs from."""
    temporary = generation / f".{APPLYING_FILE}"
    with open(temporary, "w") as out:
        json.dump(sorted(set(paths) | set(read_applying(generation))), out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, generation / APPLYING_FILE)


def compact(generation: Path) -> bool:
    """Merge the live generation's segments when in-place updates left it in more
    than MAX_SEGMENTS or one with over MAX_DELETED_SHARE of deleted documents
    (Whoosh only marks them). The few largest clean segments are kept as they are:
    merging everything (`optimize`) rewrote 1,500 articles in 13 s, longer than
    building them."""
    ix = FileStorage(str(generation / WHOOSH_DIR), supports_mmap=False).open_index()
    with ix.reader() as reader:
        segments = [leaf.segment() for leaf, _ in reader.leaf_readers() if leaf.segment()]
    if len(segments) <= MAX_SEGMENTS and not any(map(_worn, segments)):
        return False
    writer = ix.writer(limitmb=WRITER_POOL_MB)
    writer.commit(mergetype=_merge_worn_and_small)
    return True


def _worn(segment) -> bool:
    """Empty (every document deleted), or past MAX_DELETED_SHARE deleted."""
    total = segment.doc_count_all()
    return not total or segment.deleted_count() / total > MAX_DELETED_SHARE


def _merge_worn_and_small(writer, segments):
    """A Whoosh merge policy: keep the few largest segments that are not worn, merge
    the others into one (segments with no live document are simply dropped)."""
    from whoosh.reading import SegmentReader

    largest = sorted(segments, key=lambda segment: segment.doc_count_all(), reverse=True)
    keep = [segment for segment in largest[:min(KEEP_LARGEST, MAX_SEGMENTS)]
            if not _worn(segment)]
    merge = [segment for segment in segments if segment not in keep and segment.doc_count()]
    for segment in merge:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return in_order(keep, segments)


def merge_small_in_order(writer, segments):
    """Whoosh's own policy for a commit (MERGE_SMALL), with the segments it keeps left
    in their order. Whoosh's sorts them by size, so the pack of the leading segments
    (app/index/packs.py) stopped leading, and every fourth publish rewrote the whole
    pack: 1.5 s of the 2 s of such a run on the archive."""
    return in_order(MERGE_SMALL(writer, segments), segments)


def in_order(kept: list, segments: list) -> list:
    """The segments of `kept`, in their order in `segments`."""
    return [segment for segment in segments if any(segment is k for k in kept)]


def write_trees(kb_dir: Path, target: Path, trees: dict[str, tuple[int, int]],
                report, scope: str | None = None) -> None:
    """Read new and changed authored trees into the store (bounded like articles), so
    that the wizard never parses one during a request; forget deleted ones. With
    `scope`, `trees` is that folder's: the trees outside it are left as they are."""
    store = ArticleStore(target)
    try:
        known = {path: row for path, row in store.tree_rows().items()
                 if not scope or path.startswith(f"{scope}/")}
        for path in known:
            if path not in trees:
                store.forget_tree(path)
        for path, (mtime, size) in sorted(trees.items()):
            row = known.get(path)
            if row is not None and (row.mtime_ns, row.size) == (mtime, size):
                continue
            article_path = str(article_file_for(kb_dir / path).relative_to(kb_dir))
            tree_json, problems = read_tree(kb_dir / path, path, size)
            store.put_tree(TreeRow(path, article_path, mtime, size, tree_json, problems))
            report.trees += 1
        store.commit()
    finally:
        store.close()
