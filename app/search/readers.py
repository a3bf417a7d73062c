"""Read access to a built index: one Whoosh searcher and one store per thread.

Whoosh searchers are not thread-safe, so each worker thread keeps its own for as
long as the index does not change. A new generation swapped in by
`index --rebuild`, or an in-place update, is noticed within `refresh_seconds` and
the thread opens new readers.

A request keeps the readers it started with until it ends: given a `scope` (a
callable returning the current request's attribute namespace, such as Flask's `g`,
or None outside a request), the first call of a request pins them there, and every
later call of that request gets the same searcher and store, whatever reopened in
between; docnums from one search are never read through another searcher. The pin
is released when the request's namespace goes. Readers replaced by a reopen are closed
only when no request pins them any more and they were replaced at least
`GRACE_SECONDS` ago, so nothing closes a searcher under a caller that still uses
it. What a thread opened is closed when the thread ends (a threaded development
server starts one per request) or on `close()`.

What the search path works out from an index and keeps (the postings arrays, the
suggestion lists, the carried codes, remembered answers) is kept here too, per index
identity and shared by the threads: `derived(name, make)`, the one cache mechanism
of app/search/. A value is made once per identity; the values of all but the newest
GENERATIONS_KEPT identities are dropped, so nothing of an index that is gone is served.
`Answers` is the bounded table of answers (related articles, spelling corrections)
that such a value can be.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from app.index.generations import WHOOSH_DIR, IndexFormatError, check_format, live_generation
from app.index.integrity import Integrity
from app.index.store import ArticleStore

# Replaced readers stay open at least this long for callers outside a request.
GRACE_SECONDS = 30.0
# Index identities whose derived values are kept: a request that began before an
# update still reads the one before it.
GENERATIONS_KEPT = 2

T = TypeVar("T")
V = TypeVar("V")


class IndexMissingError(RuntimeError):
    """No built index at the configured place: run `flask --app app index`."""


class IndexDamagedError(IndexMissingError):
    """The live generation's files are damaged and no sound one is kept to serve."""


class _Readers:
    """One opened searcher and store of one generation, and who still uses them."""

    def __init__(self, generation: Path) -> None:
        # whoosh3 copies each mmapped segment file into memory, so with mmap every
        # worker held the whole index twice (1.1 GB on the archive); plain file
        # reads keep a worker near 100 MB and open a searcher in milliseconds.
        storage = FileStorage(str(generation / WHOOSH_DIR), supports_mmap=False)
        self.generation = generation
        self.searcher: Searcher = storage.open_index().searcher()
        self.store = ArticleStore(generation, readonly=True)
        self.pins = 0
        self.retired_at: float | None = None
        self.closed = False

    def closable(self, now: float) -> bool:
        return (not self.closed and self.pins == 0 and self.retired_at is not None
                and now - self.retired_at >= GRACE_SECONDS)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.searcher.close()
            self.store.close()


class _Lifetime:
    """An object that lives exactly as long as its thread's local state."""


class _ThreadState(threading.local):
    current: _Readers | None = None
    checked: float = 0.0
    # Every _Readers this thread opened and has not closed yet, closed by a
    # finalizer tied to `lifetime` when the thread ends.
    held: list | None = None
    lifetime: _Lifetime | None = None
    # The readers a derived value is being made from, which every read of this thread
    # gets until it is made (see `KnowledgeBase.derived`).
    making: _Readers | None = None


def _close_all(held: list) -> None:
    for readers in held:
        readers.close()
    held.clear()


class _Pin:
    """Held in a request's namespace: the readers that request uses, released with it."""

    def __init__(self, readers: _Readers) -> None:
        self.readers = readers
        readers.pins += 1
        weakref.finalize(self, _unpin, readers)


def _unpin(readers: _Readers) -> None:
    readers.pins -= 1


class Answers(Generic[V]):
    """Answers worked out from one index identity, the least recently used dropped
    past `size`; safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, key: Hashable, work_out: Callable[[], V]) -> V:
        """The answer remembered for `key`, else `work_out()`'s, remembered."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        found = work_out()
        with self._lock:
            self._items[key] = found
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found


class _Derived:
    """The values derived from one index identity, and a lock for each, so a value is
    made once while others are read or made (one may be made from another)."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.locks: dict[str, threading.Lock] = {}


class KnowledgeBase:
    def __init__(self, index_dir: Path, refresh_seconds: float = 2.0,
                 scope: Callable[[], object | None] | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.refresh_seconds = refresh_seconds
        self.scope = scope
        self._local = _ThreadState()
        self._finalizers: list[weakref.finalize] = []
        self._lock = threading.Lock()
        self._pin_key = f"_kb_readers_{id(self)}"
        self._derived: OrderedDict[str, _Derived] = OrderedDict()
        self._derived_lock = threading.Lock()
        # Damaged files are found before they are read (app/index/integrity.py).
        self.integrity = Integrity(every=refresh_seconds)

    def _readers(self) -> _Readers:
        if self._local.making is not None:
            return self._local.making
        pinned = self._pinned()
        if pinned is not None:
            return pinned
        readers = self._current()
        self._pin(readers)
        return readers

    def _pinned(self) -> _Readers | None:
        holder = self.scope() if self.scope else None
        pin = getattr(holder, self._pin_key, None) if holder is not None else None
        if pin is None or pin.readers.closed:
            return None
        return pin.readers

    def _pin(self, readers: _Readers) -> None:
        holder = self.scope() if self.scope else None
        if holder is not None:
            setattr(holder, self._pin_key, _Pin(readers))

    def _current(self) -> _Readers:
        state = self._local
        now = time.monotonic()
        current = state.current
        if current is not None and now - state.checked < self.refresh_seconds:
            return current
        state.checked = now
        generation = live_generation(self.index_dir)
        if generation is None:
            raise IndexMissingError(f"no index at {self.index_dir}; run: flask --app app index")
        try:
            check_format(generation)
        except IndexFormatError as error:
            raise IndexMissingError(str(error)) from None
        generation, problem = self.integrity.serve(generation)
        if generation is None:
            raise IndexDamagedError(problem)
        if (current is None or generation != current.generation
                or not current.searcher.up_to_date()):
            # Reopened, not refresh()ed: refresh reuses the reader of every segment
            # with the same id, and an in-place update deletes the old copies of
            # changed articles from such a segment, so they kept matching.
            current = self._open(state, generation, now)
        return current

    def _open(self, state: _ThreadState, generation: Path, now: float) -> _Readers:
        if state.held is None:
            state.held = []
            state.lifetime = _Lifetime()
            finalizer = weakref.finalize(state.lifetime, _close_all, state.held)
            with self._lock:
                self._finalizers = [f for f in self._finalizers if f.alive] + [finalizer]
        if state.current is not None:
            state.current.retired_at = now
        for old in [readers for readers in state.held if readers.closable(now)]:
            old.close()
            state.held.remove(old)
        state.current = _Readers(generation)
        state.held.append(state.current)
        return state.current

    def searcher(self) -> Searcher:
        return self._readers().searcher

    def identity(self) -> str:
        """Names the index this request reads, as it is now: another generation or any
        update of this one (deletes included) gives another identity, so a cache keyed
        by it never serves facts of an index that is gone."""
        return self._identity_of(self._readers())

    @staticmethod
    def _identity_of(readers: _Readers) -> str:
        return f"{readers.generation.name}:{readers.searcher.reader().generation()}"

    def store(self) -> ArticleStore:
        return self._readers().store

    def derived(self, name: str, make: Callable[[], T]) -> T:
        """The value `make()` works out from the index this request reads, made once
        per index identity and shared by every thread. `make` reads the index through
        this knowledge base and gets the readers of that identity, even outside a
        request and should the index change meanwhile."""
        readers = self._readers()
        identity = self._identity_of(readers)
        derived = self._derived.get(identity)
        if derived is not None and name in derived.values:
            return derived.values[name]  # type: ignore[return-value]
        with self._derived_lock:
            derived = self._derived.get(identity)
            if derived is None:
                derived = self._derived[identity] = _Derived()
                while len(self._derived) > GENERATIONS_KEPT:
                    self._derived.popitem(last=False)
            lock = derived.locks.setdefault(name, threading.Lock())
        with lock:
            if name not in derived.values:
                state = self._local
                outer, state.making = state.making, readers
                try:
                    derived.values[name] = make()
                finally:
                    state.making = outer
            return derived.values[name]  # type: ignore[return-value]

    def close(self) -> None:
        """Close what every thread opened (at shutdown, and between tests)."""
        with self._lock:
            finalizers, self._finalizers = self._finalizers, []
        for finalizer in finalizers:
            finalizer()
        self._local = _ThreadState()
        with self._derived_lock:
            self._derived.clear()
