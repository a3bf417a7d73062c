"""Every instance's index follows what the editor publishes, without a full rebuild.

Each server process runs one `Follower` thread: every few seconds it reads the change
counter (the newest version's id, one indexed read); when it moved, it runs an
incremental index run of this instance's own index folder in a helper process
(`refresh_index`). The run takes the index lock, writes the published articles into
KB_DIR/_authored (only those that changed), and reads just those files, bounded as
every file is; the readers pick the updated generation up within
INDEX_REFRESH_SECONDS. Two instances with separate index folders each run their
own; two processes of one instance share the lock: the one that finds it busy tries
again on its next check, so a publish made during a run is never missed.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import Engine

from app.activity.database import make_engine
from app.authoring.files import AUTHORED_DIR, materialise
from app.authoring.sandbox import helper_pool
from app.authoring.versions import counter
from app.index.build import build_index
from app.index.generations import IndexBusyError

log = logging.getLogger(__name__)


_engines: dict[str, Engine] = {}   # in a helper process: one engine per database, kept


def _engine(url: str) -> Engine:
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def ready(url: str) -> int:
    """Run first in a new helper: it imports the indexer, connects and finds the schema
    at head, so that the first publish waits for none of it."""
    return counter(_engine(url))


def refresh_index(kb_dir: str, index_dir: str, url: str) -> int | None:
    """Bring one index up to the database (in a helper process's main thread, where
    each file's read is bounded in CPU); the counter it caught up to, or None when
    another run held the index."""
    engine = _engine(url)
    try:
        seen = counter(engine)
        build_index(Path(kb_dir), Path(index_dir), procs=1, scope=AUTHORED_DIR,
                    collect=lambda kb: materialise(engine, kb))
        return seen
    except IndexBusyError:
        return None


class Follower:
    """One per server process: a daemon thread that keeps the index following the
    database every `seconds` (and at once after `nudge()`)."""

    def __init__(self, kb_dir: Path, index_dir: Path, url: str, seconds: float) -> None:
        self.args = (str(kb_dir), str(index_dir), url)
        self.seconds = seconds
        self.engine = make_engine(url)
        self.seen: int | None = None
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the thread once (called from the first request: after gunicorn forked)."""
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="authored-index",
                                                daemon=True)
                self._thread.start()

    def nudge(self) -> None:
        """Something was published here: check now rather than at the next tick."""
        self._wake.set()

    def check_once(self) -> bool:
        """Run an update if the counter moved since the last one that completed;
        whether one ran to the end."""
        now = counter(self.engine)
        if self.seen is None and now == 0:
            self.seen = 0   # nothing was ever published: no run, no _authored folder
        if self.seen is not None and now <= self.seen:
            return False
        started = time.monotonic()
        caught_up = self._helper().submit(refresh_index, *self.args).result()
        if caught_up is None:
            return False
        log.info("index caught up with published articles (change %s) in %.1f s",
                 caught_up, time.monotonic() - started)
        self.seen = caught_up
        return True

    def _helper(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = helper_pool()
        return self._pool

    def close(self) -> None:
        """Stop the helper and the connections (the thread, a daemon, ends with the
        process)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        self.engine.dispose()

    def _run(self) -> None:
        try:   # the helper imports the indexer now, so that a publish does not wait for it
            self._helper().submit(ready, self.args[2]).result()
        except Exception:  # the database away: the loop below tries again each tick
            log.warning("the published articles' helper could not reach the database yet")
        while True:
            self._wake.wait(self.seconds)
            self._wake.clear()
            try:
                self.check_once()
            except Exception:  # the database or the index away: try again next tick
                log.exception("keeping the index up with published articles failed")
                if self._pool is not None:
                    self._pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = None
