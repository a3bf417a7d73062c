"""Read access to a built index: one Whoosh searcher and one store per thread.

Opening a searcher on the full archive costs about 100 ms and Whoosh searchers
are not thread-safe, so each worker thread keeps its own for as long as the index
does not change. A new generation swapped in by `index --rebuild`, or an in-place
update, is noticed within `refresh_seconds` and the thread reopens or refreshes.
"""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from app.index import WHOOSH_DIR, live_generation
from app.store import ArticleStore


def _close_all(opened: list) -> None:
    for resource in opened:
        resource.close()
    opened.clear()


class IndexMissingError(RuntimeError):
    """No built index at the configured place: run `flask --app app index`."""


class _ThreadState(threading.local):
    generation: Path | None = None
    searcher: Searcher | None = None
    store: ArticleStore | None = None
    checked: float = 0.0


class KnowledgeBase:
    def __init__(self, index_dir: Path, refresh_seconds: float = 2.0) -> None:
        self.index_dir = Path(index_dir)
        self.refresh_seconds = refresh_seconds
        self._local = _ThreadState()
        # Every thread's open searchers and stores, so close() can reach them all.
        # (A finalizer closes them too, for a KnowledgeBase dropped without close().)
        self._opened: list[Searcher | ArticleStore] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._opened)

    def _current(self) -> _ThreadState:
        state = self._local
        now = time.monotonic()
        if state.searcher is not None and now - state.checked < self.refresh_seconds:
            return state
        state.checked = now
        generation = live_generation(self.index_dir)
        if generation is None:
            raise IndexMissingError(f"no index at {self.index_dir}; run: flask --app app index")
        if generation != state.generation or state.searcher is None:
            self._close_thread()
            # whoosh3 copies each mmapped segment file into memory, so with mmap every
            # worker held the whole index twice (1.1 GB on the archive); plain file
            # reads keep a worker near 100 MB and open a searcher in milliseconds.
            storage = FileStorage(str(generation / WHOOSH_DIR), supports_mmap=False)
            ix = storage.open_index()
            state.searcher = ix.searcher()
            state.store = ArticleStore(generation, readonly=True)
            state.generation = generation
            with self._lock:
                self._opened.extend([state.searcher, state.store])
        elif not state.searcher.up_to_date():
            # refresh() hands the old searcher's open readers on to the new one.
            old, state.searcher = state.searcher, state.searcher.refresh()
            with self._lock:
                self._opened[:] = [state.searcher if r is old else r for r in self._opened]
        return state

    def searcher(self) -> Searcher:
        searcher = self._current().searcher
        assert searcher is not None
        return searcher

    def store(self) -> ArticleStore:
        store = self._current().store
        assert store is not None
        return store

    def _close_thread(self) -> None:
        state = self._local
        with self._lock:
            self._opened[:] = [r for r in self._opened if r not in (state.searcher, state.store)]
        for resource in (state.searcher, state.store):
            if resource is not None:
                resource.close()
        state.searcher = state.store = state.generation = None

    def close(self) -> None:
        """Close what every thread opened (at shutdown, and between tests)."""
        with self._lock:
            _close_all(self._opened)
        self._local = _ThreadState()

    def is_built(self) -> bool:
        return live_generation(self.index_dir) is not None
