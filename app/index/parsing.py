"""Reading article files for the index, one at a time, in worker processes: each
file bounded in CPU time and depth, so an untrusted file costs at most its own skip.

Each worker keeps one renderer for the run (building a Markdown instance costs far
more than a section); one that raised is replaced, never reused.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.articles.loader import ArticleError, load_article
from app.articles.trees import parse_tree, size_problem, tree_to_json
from app.index.schema import index_document, vocabulary
from app.index.store import StoredArticle
from app.markup.kbtext import code_link_placeholder
from app.markup.rendering import SectionRenderer

PARSE_BATCH = 2000
# CPU seconds for one file's read, parse and render: the longest archive article takes
# well under a second; past this the file is skipped as too complex. CPU time, not
# wall time, so a loaded machine does not skip good articles.
FILE_SECONDS = 1.5


class FileTooSlowError(Exception):
    """One file's parse and render ran past FILE_SECONDS."""


def _on_alarm(signum, frame) -> None:
    raise FileTooSlowError


def bounded(work: Callable[[], object], seconds: float | None = None):
    """`work()`, interrupted with FileTooSlowError after `seconds` of CPU time (a
    SIGPROF timer: only in a process's main thread; elsewhere unbounded)."""
    if threading.current_thread() is not threading.main_thread():
        return work()
    seconds = FILE_SECONDS if seconds is None else seconds
    previous = signal.signal(signal.SIGPROF, _on_alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        return work()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


# Parsing runs in worker processes: each keeps its own renderer (Markdown
# instances are not shareable) for the whole run.
worker_renderer: SectionRenderer | None = None
_worker_kb: Path | None = None


def init_worker(kb_dir: str) -> None:
    global worker_renderer, _worker_kb
    worker_renderer = SectionRenderer(code_url=code_link_placeholder)
    _worker_kb = Path(kb_dir)


@dataclass(frozen=True)
class Parsed:
    """One source file as a worker process read it: what to store and index, or why not."""

    path: str
    mtime_ns: int
    size: int
    stored: StoredArticle | None = None
    document: dict | None = None
    words: frozenset[str] = frozenset()
    reason: str = ""


def parse(item: tuple[str, int, int]) -> Parsed:
    global worker_renderer
    relpath, mtime_ns, size = item
    assert worker_renderer is not None and _worker_kb is not None
    renderer, kb = worker_renderer, _worker_kb

    def work() -> Parsed:
        article = load_article(kb / relpath, renderer, kb)
        return Parsed(relpath, mtime_ns, size, StoredArticle.of(article),
                       index_document(article), vocabulary(article))

    reason = ""
    try:
        return bounded(work)
    except ArticleError as error:
        return Parsed(relpath, mtime_ns, size, reason=str(error))
    except FileTooSlowError:
        reason = f"too slow to read (over {FILE_SECONDS:g} s)"
    except RecursionError:
        reason = "nested too deeply to read"
    except MemoryError:
        reason = "too large to read (out of memory)"
    except Exception as error:  # one bad file never stops a build
        reason = f"unreadable ({type(error).__name__}: {error})"
    # Interrupted mid-render, the renderer's Markdown state is unknown: never reuse it.
    worker_renderer = SectionRenderer(code_url=code_link_placeholder)
    return Parsed(relpath, mtime_ns, size, reason=reason)


def parse_all(kb_dir: Path, items: list[tuple[str, int, int]], procs: int) -> Iterator[Parsed]:
    if procs <= 1 or len(items) < 200:
        init_worker(str(kb_dir))
        yield from map(parse, items)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(procs, initializer=init_worker, initargs=(str(kb_dir),)) as pool:
        # Results wait in this process until written; feeding the pool a batch at a
        # time bounds that backlog (unbounded, it held a gigabyte of rendered HTML).
        for start in range(0, len(items), PARSE_BATCH):
            yield from pool.imap_unordered(parse, items[start : start + PARSE_BATCH], 32)


def read_tree(file: Path, label: str, size: int) -> tuple[str | None, list[str]]:
    too_large = size_problem(size, label)
    if too_large:
        return None, [too_large]
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [f"{label}: cannot read ({error})"]
    try:
        tree, problems = bounded(lambda: parse_tree(text, label))
    except FileTooSlowError:
        return None, [f"{label}: too slow to read (over {FILE_SECONDS:g} s)"]
    except RecursionError:
        return None, [f"{label}: nested too deeply to read"]
    return (tree_to_json(tree) if tree is not None else None), problems
