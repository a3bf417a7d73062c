"""Activity nobody waits for, written off the person's path: the searches that found
nothing, and the hourly folding of old rows into daily counts.

A search that finds nothing answers at once; the text goes into a bounded queue that
one thread per process writes through the breaker. While the database is away the
thread waits for it (the circuit's cooldown) and the queue holds what arrives, up to
`limit` texts; past that, new ones are dropped and counted (a warning says how many),
never the search. These are counts for the help desk, so at worst a few are missing;
nothing a person submitted goes this way (votes and outcomes are written while they
wait, and refused when the database is away: see app.web.recording).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable

from app.activity.breaker import Breaker, DatabaseUnavailableError
from app.activity.log import ActivityLog

log = logging.getLogger(__name__)

QUEUE_LIMIT = 1000
PRUNE_EVERY = 3600.0


class BackgroundRecorder:
    """A bounded queue of missed searches and the thread that writes them."""

    def __init__(self, open_log: Callable[[], ActivityLog], breaker: Breaker,
                 retention_days: float, limit: int = QUEUE_LIMIT,
                 prune_every: float = PRUNE_EVERY) -> None:
        self.open_log = open_log
        self.breaker = breaker
        self.retention_days = retention_days
        self.limit = limit
        self.prune_every = prune_every
        self.dropped = 0
        self.written = 0
        self._queue: queue.Queue[str] = queue.Queue(limit)
        self._lock = threading.Lock()
        self._pid = 0
        self._pruned = 0.0

    def start(self) -> None:
        """Start this process's thread (once; cheap after): it first brings the schema
        up to date, so the first vote of a new worker does not pay for it."""
        self._ensure_thread()

    def missed_search(self, text: str) -> None:
        """Queue one search that found nothing; never blocks, never raises."""
        self._ensure_thread()
        try:
            self._queue.put_nowait(text)
        except queue.Full:
            with self._lock:
                self.dropped += 1
                dropped = self.dropped
            if dropped == 1 or dropped % 100 == 0:
                log.warning("activity database away: %d missed searches not recorded "
                            "(the queue holds %d)", dropped, self.limit)

    def wait_idle(self, timeout: float) -> bool:
        """Until everything queued is written (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():  # first use in this (possibly forked) process
                self._pid = os.getpid()
                self._queue = queue.Queue(self.limit)
                threading.Thread(target=self._run, args=(self._queue,), daemon=True,
                                 name="activity-background").start()

    def _run(self, texts: queue.Queue[str]) -> None:
        try:
            self.open_log()  # migrates on first use: here, off every request's path
        except Exception as error:  # away now: the first write waits for it
            log.warning("activity database not ready at start: %s", error)
        while True:
            try:
                text = texts.get(timeout=self.prune_every)
            except queue.Empty:
                self._prune_if_due()
                continue
            try:
                self._write(text)
            finally:
                texts.task_done()
            self._prune_if_due()

    def _write(self, text: str) -> None:
        """Write one text, waiting out the database's absence."""
        while True:
            try:
                self.breaker.call(lambda: self.open_log().record_missed_search(text))
                self.written += 1
                return
            except DatabaseUnavailableError:
                time.sleep(min(self.breaker.cooldown, 1.0))
            except Exception:  # a bug must not stop the thread: say it, drop this one
                log.exception("could not record a missed search")
                return

    def _prune_if_due(self) -> None:
        """Fold old rows into daily counts, at most once per prune_every. On this
        thread, not the breaker's: it may take longer than a deadline."""
        if time.monotonic() - self._pruned < self.prune_every and self._pruned:
            return
        self._pruned = time.monotonic()
        try:
            self.open_log().prune(self.retention_days)
        except Exception:
            log.exception("pruning old activity failed; trying again in an hour")
