"""Building the search index and the article store from a folder of articles.

A full build writes a new generation and swaps it in (app/index/generations.py);
worker processes read the files and write the Whoosh segments (app/index/segments.py).
An incremental run updates the live generation in place with `update_document` on
the unique id; Whoosh readers keep the segments they opened, so that is safe under
a running server too. An index of another format is rebuilt, not updated.

One run at a time (`run_lock`). An incremental run commits in one order: it first
writes the paths it is about to apply to `APPLYING` in the generation, then commits
Whoosh, then the article store (WAL: readers see the old state until then), then
removes `APPLYING`. A run killed anywhere leaves the last good state serving, and the
next run finds `APPLYING` and reads those paths again, so the store and Whoosh
never stay apart.

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
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from app.articles.trees import TREE_FILE
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
from app.index.parsing import Parsed, parse_all
from app.index.schema import FORMAT_VERSION, make_schema, same_schema, vocabulary
from app.index.segments import SegmentBuild
from app.index.store import ArticleStore
from app.index.upkeep import (
    APPLYING_FILE,
    WRITER_POOL_MB,
    compact,
    read_applying,
    write_applying,
    write_trees,
)


@dataclass
class BuildReport:
    indexed: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    index_dir: str = ""
    repaired: int = 0        # files read again because a killed run had applied them
    leftovers: int = 0       # generations of crashed runs removed
    compacted: bool = False
    trees: int = 0           # authored trees read (new or changed)


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
    progress: Callable[[int, int], None] | None = None,
    collect: Callable[[Path], object] | None = None,
    scope: str | None = None,
) -> BuildReport:
    """Build (new generation) or update (in place) the index of kb_dir.

    `progress(done, total)` is called as files are processed. `collect(kb_dir)` runs
    under the lock before kb_dir is scanned: it writes the files the run reads from
    elsewhere (the published articles of the database, app/authoring/files.py).
    `scope` (a folder under kb_dir) limits an update's scan to it, other files taken as
    the store recorded them: walking the archive's 60,000 folders was most of a run.
    Raises IndexBusyError when another run holds the index.
    """
    started = time.perf_counter()
    kb_dir, index_dir = Path(kb_dir), Path(index_dir)
    if not kb_dir.is_dir():
        raise FileNotFoundError(f"knowledge base folder not found: {kb_dir}")
    with run_lock(index_dir):
        leftovers = len(remove_leftovers(index_dir))
        if collect is not None:
            collect(kb_dir)
        report = _build_locked(kb_dir, index_dir, rebuild, procs, progress, scope)
    report.leftovers = leftovers
    report.seconds = time.perf_counter() - started
    report.index_dir = str(index_dir)
    return report


def _sources(kb_dir: Path, scope: str | None = None, live: Path | None = None
             ) -> tuple[dict, dict]:
    """The article and tree files; with `scope` and a live generation, those under
    scope as scanned and the others as the live store recorded them."""
    prefix = f"{scope}/" if scope and live is not None else ""
    root = kb_dir / prefix if (kb_dir / prefix).is_dir() else None
    files = {prefix + path: state for path, state in scan_kb(root).items()} if root else {}
    trees = {prefix + path: state for path, state in
             (scan_kb(root, TREE_FILE) if root else {}).items()
             if Path(path).name == TREE_FILE or path.endswith(f".{TREE_FILE}")}
    if prefix:
        store = ArticleStore(live)
        files.update({path: (state.mtime_ns, state.size) for path, state
                      in store.file_states().items() if not path.startswith(prefix)})
        trees.update({path: (row.mtime_ns, row.size) for path, row
                      in store.tree_rows().items() if not path.startswith(prefix)})
        store.close()
    return files, trees


def _build_locked(kb_dir, index_dir, rebuild, procs, progress, scope=None) -> BuildReport:
    live = None if rebuild else live_generation(index_dir)
    if live is not None and format_of(live) != FORMAT_VERSION:
        live = None  # written by another version of this code: build it anew
    if live is not None:
        # Without mmap, as the app opens it: whoosh3 copies mapped segments into
        # memory, which took an update of 100 articles past a gigabyte.
        ix = FileStorage(str(live / WHOOSH_DIR), supports_mmap=False).open_index()
        if not same_schema(ix.schema, make_schema()):
            live = None  # built by an earlier version of this code: build it anew
    files, trees = _sources(kb_dir, scope, live)
    if live is None:
        target = new_generation(index_dir)
        try:
            ix = whoosh_index.create_in(target / WHOOSH_DIR, make_schema())
            report = _write_full(kb_dir, target, ix, files, procs, progress)
            write_trees(kb_dir, target, trees, report)
            write_pack(target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        swap(index_dir, target)
        return report
    store = ArticleStore(live)
    known = store.file_states()
    store.close()
    applying = read_applying(live)
    # What a killed run may have applied to Whoosh but not to the store: read again.
    for path in applying:
        if path in known:
            state = known[path]
            known[path] = type(state)(-1, -1, state.article_id, state.skipped)
    report = _write(kb_dir, live, ix, files, known, procs, progress)
    report.repaired = len([path for path in applying if path in files])
    write_trees(kb_dir, live, trees, report)
    report.compacted = compact(live)
    # After Whoosh committed: the arrays of its new segments (and of those a killed
    # run left without); until then readers derive a missing segment's themselves.
    write_pack(live)
    return report


def _write_full(kb_dir, target, ix, files, procs, progress) -> BuildReport:
    """Every file into a new generation, read and written into Whoosh segments by the
    workers of app/index/segments.py; this process keeps the article store and decides
    duplicate ids: the document of a file that loses its id is marked deleted in its
    segment before the segments are committed."""
    report = BuildReport()
    items = sorted((path, mtime, size) for path, (mtime, size) in files.items())
    if not items:
        return report
    store = ArticleStore(target)
    writer = ix.writer(limitmb=WRITER_POOL_MB)   # the lock, then the commit
    words: Counter[str] = Counter()  # articles per word
    holders: dict[str, tuple[str, tuple | None]] = {}  # id -> the file and place holding it
    dropped: list[tuple] = []   # (worker, segment, docnum) of documents that lost their id

    def lose(path: str, place, mtime_ns: int, size: int, reason: str) -> None:
        dropped.append(place)
        store.record_file(path, mtime_ns, size, skipped=reason)
        report.skipped.append((path, reason))

    committed = False
    try:
        with SegmentBuild(kb_dir, target, ix, procs, len(items)) as build:
            for done, (parsed, place) in enumerate(build.parse(items), 1):
                if progress:
                    progress(done, len(items))
                path, stored = parsed.path, parsed.stored
                if stored is None:
                    store.record_file(path, parsed.mtime_ns, parsed.size, skipped=parsed.reason)
                    report.skipped.append((path, parsed.reason))
                    continue
                if stored.id in holders:
                    held, held_place = holders[stored.id]
                    if held < path:
                        lose(path, place, parsed.mtime_ns, parsed.size,
                             f"duplicate id {stored.id} (also in {held})")
                        continue
                    # This file sorts first: it takes the id over. (Each article's words
                    # kept for this rare case were 300 MB of the archive's build.)
                    words.subtract(vocabulary(store.get(stored.id)))
                    store.forget_file(held)
                    lose(held, held_place, *files[held],
                         f"duplicate id {stored.id} (also in {path})")
                    report.indexed -= 1
                store.put(stored, parsed.mtime_ns, parsed.size)
                words.update(parsed.words)
                holders[stored.id] = (path, place)
                report.indexed += 1
            segments = build.finish()
        for worker, number, docnum in dropped:
            segments[worker][number].delete_document(docnum)
        store.count_words(words)
        # What MpWriter(multisegment=True) does with its workers' segments.
        writer._close_segment()
        writer._commit_toc([segment for written in segments for segment in written])
        writer._finish()
        committed = True
        store.commit()
    except BaseException:
        if not committed:
            writer.cancel()
        raise
    finally:
        store.close()
    report.skipped = sorted(set(report.skipped))
    return report


def _write(kb_dir, target, ix, files, known, procs, progress) -> BuildReport:
    """The files that changed since the last run, into the live generation in place."""
    report = BuildReport()
    store = ArticleStore(target)
    holders = {state.article_id: path for path, state in known.items() if state.article_id}
    changed = [
        (path, mtime, size)
        for path, (mtime, size) in files.items()
        if path not in known or (known[path].mtime_ns, known[path].size) != (mtime, size)
        # A file that lost its id to another is read again each run: it gets in
        # when the holder goes or changes its id.
        or _lost_duplicate(known[path], path, files, holders)
    ]
    changed.sort()
    removed = [path for path in known if path not in files]
    report.unchanged = len(files) - len(changed)
    # Files skipped last time stay skipped (and reported) until they change.
    changed_paths = {path for path, _, _ in changed}
    report.skipped = [
        (path, state.skipped) for path, state in known.items()
        if state.skipped and path in files and path not in changed_paths
    ]
    if not changed and not removed:
        store.close()
        return report

    words: Counter[str] = Counter()  # articles per word, as this run changes them
    added: dict[str, frozenset[str]] = {}  # the words of articles this run stored, by file

    def retire(path: str) -> None:
        """Take the article a file held out of the word counts, before it goes."""
        if path in added:
            words.subtract(added.pop(path))
            return
        state = known.pop(path, None)
        old = store.get(state.article_id) if state and state.article_id else None
        if old is not None:
            words.subtract(vocabulary(old))

    writer = ix.writer(limitmb=WRITER_POOL_MB)
    committed = False
    try:
        for path in removed:
            retire(path)
            article_id = store.forget_file(path)
            if article_id:
                writer.delete_by_term("id", article_id)
                report.deleted += 1
        # The holder of each id: what the store says, then what this run decides.
        owners = {state.article_id: path for path, state in known.items()
                  if state.article_id and path in files}
        pending = {path for path, _, _ in changed}
        deferred: list[Parsed] = []
        taken: dict[str, dict] = {}   # ids taken over in this run -> the holder's document
        done = 0

        def apply(parsed: Parsed) -> None:
            path, stored, reason = parsed.path, parsed.stored, parsed.reason
            replaced = known.get(path)
            retire(path)
            if stored is not None:
                owner = owners.get(stored.id)
                if owner is not None and owner != path and owner in files:
                    if owner < path:
                        reason = f"duplicate id {stored.id} (also in {owner})"
                    else:   # this file sorts first: it takes the id over
                        retire(owner)
                        store.forget_file(owner)
                        loser = (f"duplicate id {stored.id} (also in {path})")
                        store.record_file(owner, *files[owner], skipped=loser)
                        report.skipped.append((owner, loser))
                        writer.delete_by_term("id", stored.id)
                        taken[stored.id] = parsed.document
            if reason:
                previous = store.forget_file(path)
                if previous:
                    if owners.get(previous) == path:
                        del owners[previous]
                    writer.delete_by_term("id", previous)
                store.record_file(path, parsed.mtime_ns, parsed.size, skipped=reason)
                report.skipped.append((path, reason))
                return
            assert stored is not None and parsed.document is not None
            if replaced and replaced.article_id and replaced.article_id != stored.id:
                store.forget_file(path)
                writer.delete_by_term("id", replaced.article_id)
                if owners.get(replaced.article_id) == path:
                    del owners[replaced.article_id]
            store.put(stored, parsed.mtime_ns, parsed.size)
            words.update(parsed.words)
            added[path] = parsed.words
            owners[stored.id] = path
            if stored.id in taken:
                taken[stored.id] = parsed.document
            writer.update_document(**parsed.document)
            if replaced and replaced.article_id:
                report.updated += 1
            else:
                report.indexed += 1

        for parsed in parse_all(kb_dir, changed, procs):
            done += 1
            if progress:
                progress(done, len(changed))
            pending.discard(parsed.path)
            stored = parsed.stored
            owner = owners.get(stored.id) if stored is not None else None
            if owner is not None and owner != parsed.path and owner in pending:
                deferred.append(parsed)   # the holder is read in this run too: wait for it
                continue
            apply(parsed)
        for parsed in sorted(deferred, key=lambda item: item.path):
            apply(parsed)
        store.count_words(words)
        write_applying(target, [path for path, _, _ in changed] + removed)
        writer.commit()
        committed = True
        if taken:
            # A writer cannot replace a document it holds itself: where a file took an
            # id over from one added in this run, both are in Whoosh now. Keep one.
            fixer = ix.writer(limitmb=WRITER_POOL_MB)
            for article_id, document in taken.items():
                fixer.delete_by_term("id", article_id)
                fixer.add_document(**document)
            fixer.commit()
        store.commit()
        (target / APPLYING_FILE).unlink(missing_ok=True)
    except BaseException:
        if not committed:
            writer.cancel()
        raise
    finally:
        store.close()
    report.skipped = sorted(set(report.skipped))
    return report


def _lost_duplicate(state, path: str, files: dict, holders: dict[str, str]) -> bool:
    if not state.skipped or not state.skipped.startswith("duplicate id "):
        return False
    article_id = state.skipped.split()[2]
    holder = holders.get(article_id)
    return holder is None or holder not in files or holder > path
