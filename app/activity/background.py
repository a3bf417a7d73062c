"""Activity nobody waits for, written off the person's path: the searches that found
nothing, the insights' events (app/web/visits.py), and the hourly folding of old rows
into daily counts.

A page answers at once; what it leaves for the help desk goes into a bounded queue
that one thread per process writes through the breaker, in the order it came. While
the database is away the thread waits for it (the circuit's cooldown) and the queue
holds what arrives, up to `limit` jobs; past that, new ones are dropped and counted (a
warning says how many), never the page. A process that is killed loses what it had
queued and not yet written (at most `limit` jobs, in practice the last few
milliseconds' worth); one that is stopped (SIGTERM) first writes its queue, for up to
DRAIN_SECONDS. These are counts for the help desk, so at worst a few are missing;
nothing a person submitted goes this way (votes and comments are written while they
wait, and refused when the database is away: see app.web.recording).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from app.activity.breaker import Breaker, DatabaseUnavailableError
from app.activity.log import ActivityLog

log = logging.getLogger(__name__)

QUEUE_LIMIT = 1000
PRUNE_EVERY = 3600.0
DRAIN_SECONDS = 5.0
DRAIN_PROGRESS = 1.0   # at exit, give up when nothing was written for this long
BATCH_SECONDS = 0.25   # how long a batch waits for more items after its first
BATCH_LIMIT = 200


@dataclass(frozen=True)
class Job:
    """One queued write: `write()`, or one item of a batch (`batch` names it) that
    `write_many(items)` writes together with the items queued after it."""

    what: str                       # what it records, in words (for the logs)
    write: Callable[[], object] | None = None
    batch: str = ""
    item: object = None
    write_many: Callable[[list], object] | None = None


class BackgroundRecorder:
    """A bounded queue of writes nobody waits for, and the thread that makes them."""

    def __init__(self, open_log: Callable[[], ActivityLog], breaker: Breaker,
                 retention_days: float, limit: int = QUEUE_LIMIT,
                 prune_every: float = PRUNE_EVERY,
                 also_prune: Callable[[float], object] | None = None) -> None:
        self.open_log = open_log
        self.also_prune = also_prune   # other tables kept for the retention (insights)
        self.breaker = breaker
        self.retention_days = retention_days
        self.limit = limit
        self.prune_every = prune_every
        self.dropped = 0
        self.written = 0
        self._queue: queue.Queue[Job] = queue.Queue(limit)
        self._lock = threading.Lock()
        self._pid = 0
        self._pruned = 0.0

    def start(self) -> None:
        """Start this process's thread (once; cheap after): it first brings the schema
        up to date, so the first vote of a new worker does not pay for it."""
        self._ensure_thread()

    def missed_search(self, text: str) -> None:
        """Queue one search that found nothing; never blocks, never raises."""
        self.submit("a missed search", lambda: self.open_log().record_missed_search(text))

    def submit(self, what: str, write: Callable[[], object]) -> None:
        """Queue one write, run later on this process's thread through the breaker
        (so `write` must not need the request or the app); never blocks, never raises."""
        self._put(Job(what, write=write))

    def add(self, what: str, batch: str, item: object,
            write_many: Callable[[list], object]) -> None:
        """Queue one item of a batch: items of one batch queued one after another (for
        up to BATCH_SECONDS after the first) are written by one `write_many(items)`,
        one transaction instead of one each. Never blocks, never raises."""
        self._put(Job(what, batch=batch, item=item, write_many=write_many))

    def _put(self, job: Job) -> None:
        self._ensure_thread()
        what = job.what
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            with self._lock:
                self.dropped += 1
                dropped = self.dropped
            if dropped == 1 or dropped % 100 == 0:
                log.warning("activity database away: %d writes (the latest: %s) not "
                            "recorded (the queue holds %d)", dropped, what, self.limit)

    def wait_idle(self, timeout: float) -> bool:
        """Until everything queued is written (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def drain(self) -> bool:
        """At a process's orderly end: write what is queued, for up to DRAIN_SECONDS
        while writes go through (a database that is away loses the queue at once,
        rather than holding the process's exit)."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while self._pid == os.getpid() and time.monotonic() < deadline:
            written = self.written
            if self.breaker.is_open or self.wait_idle(DRAIN_PROGRESS):
                break
            if self.written == written:   # nothing went through: the database is away
                break
        return not self._queue.unfinished_tasks

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():  # first use in this (possibly forked) process
                self._pid = os.getpid()
                self._queue = queue.Queue(self.limit)
                threading.Thread(target=self._run, args=(self._queue,), daemon=True,
                                 name="activity-background").start()
                atexit.register(self.drain)

    def _run(self, jobs: queue.Queue[Job]) -> None:
        try:
            self.open_log()  # migrates on first use: here, off every request's path
        except Exception as error:  # away now: the first write waits for it
            log.warning("activity database not ready at start: %s", error)
        pending: Job | None = None
        while True:
            try:
                job = pending or jobs.get(timeout=self.prune_every)
            except queue.Empty:
                self._prune_if_due()
                continue
            taken, pending = self._batch_of(job, jobs)
            try:
                if job.write_many is not None:
                    items = [each.item for each in taken]
                    self._write(job.what, partial(job.write_many, items), len(taken))
                elif job.write is not None:
                    self._write(job.what, job.write)
            finally:
                for _ in taken:
                    jobs.task_done()
            self._prune_if_due()

    @staticmethod
    def _batch_of(job: Job, jobs: queue.Queue[Job]) -> tuple[list[Job], Job | None]:
        """The job and, if it is a batch's, the items of that batch queued right after
        it; and the first other job taken meanwhile (written next: order is kept)."""
        taken = [job]
        if not job.batch:
            return taken, None
        deadline = time.monotonic() + BATCH_SECONDS
        while len(taken) < BATCH_LIMIT:
            try:
                following = jobs.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if following.batch != job.batch:
                return taken, following
            taken.append(following)
        return taken, None

    def _write(self, what: str, write: Callable[[], object], count: int = 1) -> None:
        """Make one write, waiting out the database's absence."""
        while True:
            try:
                self.breaker.call(write)
                self.written += count
                return
            except DatabaseUnavailableError:
                time.sleep(min(self.breaker.cooldown, 1.0))
            except Exception:  # a bug must not stop the thread: say it, drop this one
                log.exception("could not record %s", what)
                return

    def _prune_if_due(self) -> None:
        """Fold old rows into daily counts, at most once per prune_every. On this
        thread, not the breaker's: it may take longer than a deadline."""
        if time.monotonic() - self._pruned < self.prune_every and self._pruned:
            return
        self._pruned = time.monotonic()
        try:
            self.open_log().prune(self.retention_days)
            if self.also_prune is not None:
                self.also_prune(self.retention_days)
        except Exception:
            log.exception("pruning old activity failed; trying again in an hour")
