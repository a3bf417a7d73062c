"""Read access to a built index: one Whoosh searcher and one store per thread.

Whoosh searchers are not thread-safe, so each worker thread keeps its own for as
long as the index does not change. A new generation swapped in by
`index --rebuild`, or an in-place update, is noticed within `refresh_seconds` and
the thread reopens its searcher. What a thread opened is closed when the thread
ends (a threaded development server starts one per request) or on `close()`.
"""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from app.index.generations import WHOOSH_DIR, IndexFormatError, check_format, live_generation
from app.index.store import ArticleStore


class IndexMissingError(RuntimeError):
    """No built index at the configured place: run `flask --app app index`."""


class _Lifetime:
    """An object that lives exactly as long as its thread's local state."""


class _ThreadState(threading.local):
    generation: Path | None = None
    searcher: Searcher | None = None
    store: ArticleStore | None = None
    checked: float = 0.0
    # [searcher, store], closed by a finalizer tied to `lifetime`.
    opened: list | None = None
    lifetime: _Lifetime | None = None


def _close_all(opened: list) -> None:
    for resource in opened:
        resource.close()
    opened.clear()


class KnowledgeBase:
    def __init__(self, index_dir: Path, refresh_seconds: float = 2.0) -> None:
        self.index_dir = Path(index_dir)
        self.refresh_seconds = refresh_seconds
        self._local = _ThreadState()
        self._finalizers: list[weakref.finalize] = []
        self._lock = threading.Lock()

    def _current(self) -> _ThreadState:
        state = self._local
        now = time.monotonic()
        if state.searcher is not None and now - state.checked < self.refresh_seconds:
            return state
        state.checked = now
        generation = live_generation(self.index_dir)
        if generation is None:
            raise IndexMissingError(f"no index at {self.index_dir}; run: flask --app app index")
        try:
            check_format(generation)
        except IndexFormatError as error:
            raise IndexMissingError(str(error)) from None
        if (generation != state.generation or state.searcher is None
                or not state.searcher.up_to_date()):
            # Reopened, not refresh()ed: refresh reuses the reader of every segment
            # with the same id, and an in-place update deletes the old copies of
            # changed articles from such a segment, so they kept matching.
            self._open(state, generation)
        return state

    def _open(self, state: _ThreadState, generation: Path) -> None:
        if state.opened is not None:
            _close_all(state.opened)
        # whoosh3 copies each mmapped segment file into memory, so with mmap every
        # worker held the whole index twice (1.1 GB on the archive); plain file
        # reads keep a worker near 100 MB and open a searcher in milliseconds.
        storage = FileStorage(str(generation / WHOOSH_DIR), supports_mmap=False)
        state.searcher = storage.open_index().searcher()
        state.store = ArticleStore(generation, readonly=True)
        state.generation = generation
        state.opened = [state.searcher, state.store]
        state.lifetime = _Lifetime()
        finalizer = weakref.finalize(state.lifetime, _close_all, state.opened)
        with self._lock:
            self._finalizers = [f for f in self._finalizers if f.alive] + [finalizer]

    def searcher(self) -> Searcher:
        searcher = self._current().searcher
        assert searcher is not None
        return searcher

    def identity(self) -> str:
        """Names the index this thread reads, as it is now: another generation or any
        update of this one (deletes included) gives another identity, so a cache keyed
        by it never serves facts of an index that is gone."""
        state = self._current()
        assert state.searcher is not None and state.generation is not None
        return f"{state.generation.name}:{state.searcher.reader().generation()}"

    def store(self) -> ArticleStore:
        store = self._current().store
        assert store is not None
        return store

    def close(self) -> None:
        """Close what every thread opened (at shutdown, and between tests)."""
        with self._lock:
            finalizers, self._finalizers = self._finalizers, []
        for finalizer in finalizers:
            finalizer()
        self._local = _ThreadState()
