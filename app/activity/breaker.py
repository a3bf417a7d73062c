"""Calls into the activity database that cannot hold a person up: a deadline, and a
short circuit once the database has stopped answering.

The database is shared by every machine and is the part most likely to be away: stopped,
restarting, or stalled (a frozen server or a network partition accepts a connection and
then says nothing, so no socket error ever comes). A call made through a `Breaker` runs
on one of its own threads and is waited for at most `deadline` seconds; a call that
fails or overruns opens the circuit, and for the next `cooldown` seconds every call
fails at once, without touching the database. Then one call at a time probes it; the
first that succeeds closes the circuit. So a stalled database costs one deadline per
`cooldown`, not one per request, and a thread stuck on it is one of the breaker's few,
never a request's.

A call given up on is not left to finish behind the caller's back: a write checks
`still_wanted()` before it commits (ActivityLog's `commit_check`), so a vote the person
was told had not been saved is rolled back when the database wakes up.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

T = TypeVar("T")
log = logging.getLogger(__name__)

# What "the database is away" looks like from SQLAlchemy: refused or dropped
# connections, timeouts (statement_timeout, a SQLite busy timeout), no pool slot, a full
# disk under SQLite. Anything else (a constraint, a bug) is not the database being away.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError, PoolTimeout, DisconnectionError, OSError)


class DatabaseUnavailableError(RuntimeError):
    """The activity database did not answer (in time); the message says what happened."""


class AbandonedError(RuntimeError):
    """The caller stopped waiting for this call: its transaction must not commit."""


class _Call:
    def __init__(self, function: Callable[[], object]) -> None:
        self.function = function
        self.done = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None
        self.abandoned = False


class Breaker:
    """Database calls with a deadline and a circuit that opens on failure.

    Thread-safe. Its threads are daemons started on first use in each process (so a
    forking server's workers each start their own) and at most `threads` of them, so a
    stalled database can hold at most that many.
    """

    def __init__(self, deadline: float = 1.0, cooldown: float = 5.0, threads: int = 4,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.deadline = deadline
        self.cooldown = cooldown
        self.threads = threads
        self.clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._probing = False
        self._last_error = ""
        self._queue: queue.SimpleQueue[_Call] = queue.SimpleQueue()
        self._started = 0
        self._pid = 0
        self._local = threading.local()

    @property
    def is_open(self) -> bool:
        """True while calls fail at once (the database failed less than cooldown ago)."""
        with self._lock:
            return self.clock() < self._open_until

    @property
    def last_error(self) -> str:
        return self._last_error

    def call(self, function: Callable[[], T]) -> T:
        """function() on a breaker thread, its result or its error; DatabaseUnavailableError
        when the circuit is open, the database fails, or deadline seconds pass."""
        probe = self._admit()
        job = _Call(function)
        self._ensure_threads()
        self._queue.put(job)
        finished = job.done.wait(self.deadline)
        if not finished:
            job.abandoned = True
            self._failed(probe, f"no answer within {self.deadline:g} s")
            raise DatabaseUnavailableError(
                f"the activity database did not answer within {self.deadline:g} s")
        if isinstance(job.error, UNAVAILABLE_ERRORS):
            self._failed(probe, _first_line(job.error))
            raise DatabaseUnavailableError(
                f"the activity database is unavailable: {_first_line(job.error)}"
            ) from job.error
        self._succeeded(probe)
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def still_wanted(self) -> None:
        """Raise Abandoned when the call running on this thread was given up on."""
        job: _Call | None = getattr(self._local, "job", None)
        if job is not None and job.abandoned:
            raise AbandonedError("the caller stopped waiting; not committed")

    def _admit(self) -> bool:
        """Whether this call is the probe of a circuit that was open; raises while open."""
        with self._lock:
            now = self.clock()
            if now < self._open_until:
                raise DatabaseUnavailableError(
                    f"the activity database is unavailable ({self._last_error}); "
                    f"trying it again in {self._open_until - now:.0f} s")
            if self._open_until == 0.0:
                return False
            if self._probing:
                raise DatabaseUnavailableError(
                    f"the activity database is unavailable ({self._last_error}); "
                    "checking whether it is back")
            self._probing = True
            return True

    def _failed(self, probe: bool, why: str) -> None:
        with self._lock:
            if self._open_until == 0.0 or probe:
                log.warning("activity database unavailable (%s): calls fail at once for "
                            "%g s", why, self.cooldown)
            self._open_until = self.clock() + self.cooldown
            self._last_error = why
            if probe:
                self._probing = False

    def _succeeded(self, probe: bool) -> None:
        if not probe and self._open_until == 0.0:
            return
        with self._lock:
            if probe or self.clock() >= self._open_until:
                if self._open_until:
                    log.warning("activity database answers again")
                self._open_until = 0.0
                self._probing = False

    def _ensure_threads(self) -> None:
        with self._lock:
            if self._pid != os.getpid():  # a forked child inherits no threads
                self._pid, self._started = os.getpid(), 0
                self._queue = queue.SimpleQueue()
            while self._started < self.threads:
                self._started += 1
                threading.Thread(target=self._work, args=(self._queue,), daemon=True,
                                 name=f"activity-db-{self._started}").start()

    def _work(self, jobs: queue.SimpleQueue[_Call]) -> None:
        while True:
            job = jobs.get()
            if job.abandoned:  # waited in the queue past its deadline: never started
                job.done.set()
                continue
            self._local.job = job
            try:
                job.result = job.function()
            except BaseException as error:  # handed to the caller
                job.error = error
            finally:
                self._local.job = None
                job.done.set()


def _first_line(error: BaseException) -> str:
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
