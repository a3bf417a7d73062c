"""Read access to a built index: one Whoosh searcher and one store per thread.

Opening a searcher on the full archive costs about 100 ms and Whoosh searchers
are not thread-safe, so each worker thread keeps its own for as long as the index
does not change. A new generation swapped in by `index --rebuild`, or an in-place
update, is noticed within `refresh_seconds` and the thread reopens or refreshes.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from app.index import WHOOSH_DIR, live_generation
from app.store import ArticleStore


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
            ix = whoosh_index.open_dir(str(generation / WHOOSH_DIR))
            state.searcher = ix.searcher()
            state.store = ArticleStore(generation, readonly=True)
            state.generation = generation
        elif not state.searcher.up_to_date():
            state.searcher = state.searcher.refresh()
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
        if state.searcher is not None:
            state.searcher.close()
        if state.store is not None:
            state.store.close()
        state.searcher = state.store = state.generation = None

    def is_built(self) -> bool:
        return live_generation(self.index_dir) is not None
