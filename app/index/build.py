"""Building the search index and the article store from a folder of articles.

A full build writes a new generation and swaps it in (app/index/generations.py).
An incremental run updates the live generation in place with `update_document` on
the unique id; Whoosh readers keep the segments they opened, so that is safe under
a running server too. An index of another format is rebuilt, not updated.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from app.articles.loader import ArticleError, load_article
from app.index.generations import (
    WHOOSH_DIR,
    format_of,
    live_generation,
    new_generation,
    swap,
)
from app.index.schema import (
    FORMAT_VERSION,
    index_document,
    make_schema,
    same_schema,
    vocabulary,
)
from app.index.store import ArticleStore, StoredArticle
from app.markup.kbtext import code_link_placeholder
from app.markup.rendering import SectionRenderer

PARSE_BATCH = 2000
# Each Whoosh writer process spills its postings to disk when this pool fills. On
# the full archive 64 MB keeps the whole build near 730 MB; 160 MB took it to 880 MB
# with no measurable gain in time (benchmarks/bench_index.py).
WRITER_POOL_MB = 64


@dataclass
class BuildReport:
    indexed: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    index_dir: str = ""


def scan_kb(kb_dir: Path) -> dict[str, tuple[int, int]]:
    """Every `.md` file under kb_dir: relative path -> (mtime_ns, size)."""
    found: dict[str, tuple[int, int]] = {}
    for folder, subfolders, files in os.walk(kb_dir):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in files:
            if name.endswith(".md"):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                found[os.path.relpath(path, kb_dir)] = (stat.st_mtime_ns, stat.st_size)
    return found


# Parsing runs in worker processes: each keeps its own renderer (Markdown
# instances are not shareable) for the whole run.
_worker_renderer: SectionRenderer | None = None
_worker_kb: Path | None = None


def _init_worker(kb_dir: str) -> None:
    global _worker_renderer, _worker_kb
    _worker_renderer = SectionRenderer(code_url=code_link_placeholder)
    _worker_kb = Path(kb_dir)


@dataclass(frozen=True)
class _Parsed:
    """One source file as a worker process read it: what to store and index, or why not."""

    path: str
    mtime_ns: int
    size: int
    stored: StoredArticle | None = None
    document: dict | None = None
    words: frozenset[str] = frozenset()
    reason: str = ""


def _parse(item: tuple[str, int, int]) -> _Parsed:
    relpath, mtime_ns, size = item
    assert _worker_renderer is not None and _worker_kb is not None
    try:
        article = load_article(_worker_kb / relpath, _worker_renderer, _worker_kb)
    except ArticleError as error:
        return _Parsed(relpath, mtime_ns, size, reason=str(error))
    except Exception as error:  # one bad file never stops a build
        return _Parsed(relpath, mtime_ns, size,
                       reason=f"unreadable ({type(error).__name__}: {error})")
    return _Parsed(relpath, mtime_ns, size, StoredArticle.of(article), index_document(article),
                   vocabulary(article))


def _parse_all(kb_dir: Path, items: list[tuple[str, int, int]], procs: int) -> Iterator[_Parsed]:
    if procs <= 1 or len(items) < 200:
        _init_worker(str(kb_dir))
        yield from map(_parse, items)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(procs, initializer=_init_worker, initargs=(str(kb_dir),)) as pool:
        # Results wait in this process until written; feeding the pool a batch at a
        # time bounds that backlog (unbounded, it held a gigabyte of rendered HTML).
        for start in range(0, len(items), PARSE_BATCH):
            yield from pool.imap_unordered(_parse, items[start : start + PARSE_BATCH], 32)


def build_index(
    kb_dir: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    procs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Build (new generation) or update (in place) the index of kb_dir.

    `progress(done, total)` is called as files are processed.
    """
    started = time.perf_counter()
    kb_dir, index_dir = Path(kb_dir), Path(index_dir)
    if not kb_dir.is_dir():
        raise FileNotFoundError(f"knowledge base folder not found: {kb_dir}")
    files = scan_kb(kb_dir)
    live = None if rebuild else live_generation(index_dir)
    if live is not None and format_of(live) != FORMAT_VERSION:
        live = None  # written by another version of this code: build it anew
    if live is not None:
        # Without mmap, as the app opens it: whoosh3 copies mapped segments into
        # memory, which took an update of 100 articles past a gigabyte.
        ix = FileStorage(str(live / WHOOSH_DIR), supports_mmap=False).open_index()
        if not same_schema(ix.schema, make_schema()):
            live = None  # built by an earlier version of this code: build it anew
    if live is None:
        target = new_generation(index_dir)
        try:
            ix = whoosh_index.create_in(target / WHOOSH_DIR, make_schema())
            report = _write(kb_dir, target, ix, files, {}, procs, progress, full=True)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        swap(index_dir, target)
    else:
        store = ArticleStore(live)
        known = store.file_states()
        store.close()
        report = _write(kb_dir, live, ix, files, known, procs, progress, full=False)
    report.seconds = time.perf_counter() - started
    report.index_dir = str(index_dir)
    return report


def _write(kb_dir, target, ix, files, known, procs, progress, *, full: bool) -> BuildReport:
    report = BuildReport()
    store = ArticleStore(target)
    changed = [
        (path, mtime, size)
        for path, (mtime, size) in files.items()
        if path not in known or (known[path].mtime_ns, known[path].size) != (mtime, size)
    ]
    removed = [path for path in known if path not in files]
    report.unchanged = len(files) - len(changed)
    # Files skipped last time stay skipped (and reported) until they change.
    report.skipped = [
        (path, state.skipped) for path, state in known.items()
        if state.skipped and path in files and (state.mtime_ns, state.size) == files[path]
    ]
    if not changed and not removed:
        store.close()
        return report

    words: Counter[str] = Counter()  # articles per word, as this run changes them

    def retire(path: str) -> None:
        """Take the article a file held out of the word counts, before it goes."""
        state = known.get(path)
        old = store.get(state.article_id) if state and state.article_id else None
        if old is not None:
            words.subtract(vocabulary(old))

    if full and procs > 1:
        writer = ix.writer(procs=procs, multisegment=True, limitmb=WRITER_POOL_MB)
    else:
        writer = ix.writer(limitmb=WRITER_POOL_MB)
    try:
        for path in removed:
            retire(path)
            article_id = store.forget_file(path)
            if article_id:
                writer.delete_by_term("id", article_id)
                report.deleted += 1
        owners = {state.article_id: path for path, state in known.items() if state.article_id}
        done = 0
        for parsed in _parse_all(kb_dir, changed, procs):
            done += 1
            if progress:
                progress(done, len(changed))
            path, stored, reason = parsed.path, parsed.stored, parsed.reason
            retire(path)
            if stored is not None:
                owner = owners.get(stored.id)
                if owner is not None and owner != path and owner in files:
                    reason = f"duplicate id {stored.id} (also in {owner})"
            if reason:
                previous = store.forget_file(path)
                if previous:
                    writer.delete_by_term("id", previous)
                store.record_file(path, parsed.mtime_ns, parsed.size, skipped=reason)
                report.skipped.append((path, reason))
                continue
            assert stored is not None and parsed.document is not None
            replaced = known.get(path)
            if replaced and replaced.article_id and replaced.article_id != stored.id:
                store.forget_file(path)
                writer.delete_by_term("id", replaced.article_id)
            store.put(stored, parsed.mtime_ns, parsed.size)
            words.update(parsed.words)
            owners[stored.id] = path
            if full:
                writer.add_document(**parsed.document)
                report.indexed += 1
            else:
                writer.update_document(**parsed.document)
                if replaced and replaced.article_id:
                    report.updated += 1
                else:
                    report.indexed += 1
        store.count_words(words)
        store.commit()
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        store.close()
    report.skipped.sort()
    return report
