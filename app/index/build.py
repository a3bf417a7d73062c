"""Building the search index and the article store from a folder of articles.

A full build writes a new generation and swaps it in (app/index/generations.py);
worker processes read the files and write the Whoosh segments (app/index/segments.py).
An incremental run (app/index/update.py) updates the live generation in place with
`update_document` on the unique id; Whoosh readers keep the segments they opened, so
that is safe under a running server too. An index of another format is rebuilt, not
updated.

One run at a time (`run_lock`). A run killed anywhere leaves the last good state
serving (app/index/update.py says how an update commits).

Duplicate ids: the file whose path (relative to KB_DIR) sorts first holds the id,
in every build; the others are skipped, and read again on each run so that they get
in when the holder goes.

Files are untrusted: app/index/parsing.py bounds each file's parse and render in
time and depth, and replaces a renderer that raised.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.writing import SegmentWriter

from app.articles.trees import TREE_FILE
from app.index.disk import remove_unfinished
from app.index.generations import (
    WHOOSH_DIR,
    format_of,
    live_generation,
    new_generation,
    remove_leftovers,
    run_lock,
    swap,
)
from app.index.packs import write_pack
from app.index.parsing import Parsed
from app.index.runs import BuildReport, IndexRun, Progress, duplicate_reason, writing
from app.index.schema import FORMAT_VERSION, make_schema, same_schema, vocabulary
from app.index.segments import SegmentBuild
from app.index.store import ArticleStore
from app.index.update import update_in_place
from app.index.upkeep import WRITER_POOL_MB, compact, write_trees

# Where a document went in a full build: (worker, segment, docnum).
Place = tuple[int, int, int]
# Files found: relative path -> (mtime_ns, size).
Files = dict[str, tuple[int, int]]
# What writes, under the run's lock, the files a run reads from elsewhere into kb_dir.
Collect = Callable[[Path], object]


def scan_kb(kb_dir: Path, suffix: str = ".md") -> dict[str, tuple[int, int]]:
    """Every file under kb_dir whose name ends in `suffix`: relative path ->
    (mtime_ns, size)."""
    found: dict[str, tuple[int, int]] = {}
    for folder, subfolders, files in os.walk(kb_dir):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in files:
            if name.endswith(suffix):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                found[os.path.relpath(path, kb_dir)] = (stat.st_mtime_ns, stat.st_size)
    return found


def build_index(
    kb_dir: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    procs: int = 2,
    progress: Progress | None = None,
    collect: Collect | None = None,
    scope: str | None = None,
) -> BuildReport:
    """Build (new generation) or update (in place) the index of kb_dir.

    `progress(done, total)` is called as files are processed. `collect(kb_dir)` runs
    under the lock before kb_dir is scanned: it writes the files the run reads from
    elsewhere (the published articles of the database, app/authoring/files.py).
    `scope` (a folder under kb_dir) limits an update's scan to it, other files taken as
    the store recorded them: walking the archive's 60,000 folders, then reading and
    comparing its 60,000 file states, was most of a run (a full build scans all).
    Raises IndexBusyError when another run holds the index.
    """
    started = time.perf_counter()
    kb_dir, index_dir = Path(kb_dir), Path(index_dir)
    if not kb_dir.is_dir():
        raise FileNotFoundError(f"knowledge base folder not found: {kb_dir}")
    with run_lock(index_dir):
        leftovers = len(remove_leftovers(index_dir))
        remove_unfinished(index_dir)
        if collect is not None:
            collect(kb_dir)
        try:
            report = _build_locked(kb_dir, index_dir, rebuild, procs, progress, scope)
        except BaseException:  # a full disk, say: give back what the run wrote, now
            remove_leftovers(index_dir)
            remove_unfinished(index_dir)
            raise
    report.leftovers = leftovers
    report.seconds = time.perf_counter() - started
    report.index_dir = str(index_dir)
    return report


def _sources(kb_dir: Path, scope: str | None = None) -> tuple[Files, Files]:
    """The article and tree files under kb_dir, or only those under `scope` (their
    paths still relative to kb_dir)."""
    prefix = f"{scope}/" if scope else ""
    root = kb_dir / prefix
    if not root.is_dir():
        return {}, {}
    files = {prefix + path: state for path, state in scan_kb(root).items()}
    trees = {prefix + path: state for path, state in scan_kb(root, TREE_FILE).items()
             if Path(path).name == TREE_FILE or path.endswith(f".{TREE_FILE}")}
    return files, trees


def _build_locked(kb_dir: Path, index_dir: Path, rebuild: bool, procs: int,
                  progress: Progress | None, scope: str | None = None) -> BuildReport:
    live = None if rebuild else _updatable(index_dir)
    if live is None:
        return _rebuild(kb_dir, index_dir, *_sources(kb_dir), procs, progress)
    files, trees = _sources(kb_dir, scope)
    generation, ix = live
    report = update_in_place(IndexRun(kb_dir, generation, ix, files, procs, progress, scope))
    write_trees(kb_dir, generation, trees, report, scope)
    report.compacted = compact(generation)
    # After Whoosh committed: the arrays of its new segments (and of those a killed
    # run left without); until then readers derive a missing segment's themselves.
    write_pack(generation)
    return report


def _updatable(index_dir: Path) -> tuple[Path, Index] | None:
    """The live generation and its Whoosh index, unless there is none or it was
    written by another version of this code (then it is built anew)."""
    live = live_generation(index_dir)
    if live is None or format_of(live) != FORMAT_VERSION:
        return None
    # Without mmap, as the app opens it: whoosh3 copies mapped segments into
    # memory, which took an update of 100 articles past a gigabyte.
    ix = FileStorage(str(live / WHOOSH_DIR), supports_mmap=False).open_index()
    return (live, ix) if same_schema(ix.schema, make_schema()) else None


def _rebuild(kb_dir: Path, index_dir: Path, files: dict[str, tuple[int, int]],
             trees: dict[str, tuple[int, int]], procs: int,
             progress: Progress | None) -> BuildReport:
    """Every file into a new generation, swapped in once it is whole."""
    target = new_generation(index_dir)
    try:
        ix = whoosh_index.create_in(target / WHOOSH_DIR, make_schema())
        report = _write_full(IndexRun(kb_dir, target, ix, files, procs, progress))
        write_trees(kb_dir, target, trees, report)
        write_pack(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    swap(index_dir, target)
    return report


class _FullBuild:
    """The main process's side of a full build: the article store, and which file holds
    each id (the one whose path sorts first). The document of a file that loses its id
    is marked deleted in its segment before the segments are committed."""

    def __init__(self, run: IndexRun, store: ArticleStore) -> None:
        self.run, self.store = run, store
        self.report = BuildReport()
        self.words: Counter[str] = Counter()  # articles per word
        self.holders: dict[str, tuple[str, Place | None]] = {}  # id -> its file and place
        self.dropped: list[Place] = []   # documents that lost their id

    def take(self, parsed: Parsed, place: Place | None) -> None:
        """One file as a worker read it: stored, skipped, or a duplicate id settled."""
        path, stored = parsed.path, parsed.stored
        if stored is None:
            self.store.record_file(path, parsed.mtime_ns, parsed.size, skipped=parsed.reason)
            self.report.skipped.append((path, parsed.reason))
            return
        if stored.id in self.holders:
            held, held_place = self.holders[stored.id]
            if held < path:
                self._lose(path, place, parsed.mtime_ns, parsed.size,
                           duplicate_reason(stored.id, held))
                return
            # This file sorts first: it takes the id over. (Each article's words kept
            # for this rare case were 300 MB of the archive's build.)
            self.words.subtract(vocabulary(self.store.get(stored.id)))
            self.store.forget_file(held)
            self._lose(held, held_place, *self.run.files[held], duplicate_reason(stored.id, path))
            self.report.indexed -= 1
        self.store.put(stored, parsed.mtime_ns, parsed.size)
        self.words.update(parsed.words)
        self.holders[stored.id] = (path, place)
        self.report.indexed += 1

    def _lose(self, path: str, place: Place | None, mtime_ns: int, size: int,
              reason: str) -> None:
        if place is not None:
            self.dropped.append(place)
        self.store.record_file(path, mtime_ns, size, skipped=reason)
        self.report.skipped.append((path, reason))


def _write_full(run: IndexRun) -> BuildReport:
    """Every file into a new generation, read and written into Whoosh segments by the
    workers of app/index/segments.py; this process keeps the article store and decides
    duplicate ids (`_FullBuild`)."""
    items = sorted((path, mtime, size) for path, (mtime, size) in run.files.items())
    if not items:
        return BuildReport()
    store = ArticleStore(run.target)
    writer = run.ix.writer(limitmb=WRITER_POOL_MB)   # the lock, then the commit
    build = _FullBuild(run, store)
    with writing(writer, store):
        with SegmentBuild(run.kb_dir, run.target, run.ix, run.procs, len(items)) as workers:
            for done, (parsed, place) in enumerate(workers.parse(items), 1):
                if run.progress:
                    run.progress(done, len(items))
                build.take(parsed, place)
            segments = workers.finish()
        store.count_words(build.words)
        _commit_segments(writer, segments, build.dropped)
        store.commit()
    build.report.skipped = sorted(set(build.report.skipped))
    return build.report


def _commit_segments(writer: SegmentWriter, segments: list[list], dropped: list[Place]) -> None:
    """The workers' segments committed as the index's, with the documents that lost
    their id marked deleted: what MpWriter(multisegment=True) does with its workers'."""
    for worker, number, docnum in dropped:
        segments[worker][number].delete_document(docnum)
    writer._close_segment()
    writer._commit_toc([segment for written in segments for segment in written])
    writer._finish()
