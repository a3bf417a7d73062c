"""The help desk's overlays as one immutable snapshot: notes, retired articles,
review dates and pins, read from the database at once and shared by a process's
threads until the change counter moves.

`LiveOverlays.current()` asks the database for the counter at most once every
`check_seconds` (one primary-key read) and reloads everything only when it moved, so
a change made on any instance is seen everywhere within about that long, with no
index rebuild and no restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from app.activity.breaker import DatabaseUnavailableError
from app.activity.database import ensure_schema
from app.query.typed import Query
from app.search.shaping import Shaping
from app.staff.audit import version
from app.staff.pins import keys_of
from app.staff.tables import notes, pins, retired, reviews

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Note:
    article_id: str
    text: str    # Markdown, as written
    html: str    # rendered and sanitised when it was saved
    author: str
    updated: str
    revision: int


@dataclass(frozen=True)
class Retirement:
    article_id: str
    replacement: str | None
    reason: str
    author: str
    updated: str


@dataclass(frozen=True)
class Review:
    article_id: str
    due: str     # YYYY-MM-DD
    author: str
    updated: str


@dataclass(frozen=True)
class Pin:
    id: int
    kind: str
    key: str
    typed: str
    article_id: str
    author: str
    updated: str

    @property
    def credit(self) -> str:
        """Who pinned it and when: the title of the "Recommended" mark."""
        return f"Pinned by {self.author} on {self.updated} UTC"


@dataclass(frozen=True)
class Overlays:
    version: int = -1
    notes: Mapping[str, Note] = field(default_factory=dict)
    retired: Mapping[str, Retirement] = field(default_factory=dict)
    reviews: Mapping[str, Review] = field(default_factory=dict)
    pins: Mapping[tuple[str, str], Pin] = field(default_factory=dict)
    replacements: Mapping[str, str | None] = field(default_factory=dict)

    def pins_for(self, query: Query) -> list[Pin]:
        """The pins of a query, most specific first, one per article, none retired."""
        found: dict[str, Pin] = {}
        for key in keys_of(query):
            pin = self.pins.get(key)
            if pin is not None and pin.article_id not in self.retired:
                found.setdefault(pin.article_id, pin)
        return list(found.values())

    def shaping_for(self, query: Query) -> Shaping:
        return Shaping(self.version, {p.article_id: p.credit for p in self.pins_for(query)},
                       self.replacements)

    def due(self, today: date) -> list[Review]:
        """Review dates reached (today included), oldest first."""
        day = today.isoformat()
        return sorted((r for r in self.reviews.values() if r.due <= day),
                      key=lambda r: (r.due, r.article_id))


def load(engine: Engine) -> Overlays:
    """Every overlay, read in one transaction, the counter first (so the data is at
    least as new as the counter says, never older)."""
    ensure_schema(engine)
    with engine.connect() as db, db.begin():
        counter = version(db)
        found_notes = {r.article_id: Note(**r._mapping) for r in db.execute(select(notes))}
        found_retired = {r.article_id: Retirement(**r._mapping)
                         for r in db.execute(select(retired))}
        found_reviews = {r.article_id: Review(**r._mapping) for r in db.execute(select(reviews))}
        found_pins = {(r.kind, r.key): Pin(**r._mapping) for r in db.execute(select(pins))}
    return Overlays(counter, found_notes, found_retired, found_reviews, found_pins,
                    {k: r.replacement for k, r in found_retired.items()})


class LiveOverlays:
    """A process's copy of the overlays, checked against the counter now and then."""

    def __init__(self, engine: Engine, check_seconds: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 guard: Callable[[Callable[[], Overlays | None]], Overlays | None] | None = None
                 ) -> None:
        self.engine = engine
        self.check_seconds = check_seconds
        self.clock = clock
        # The activity database's breaker (web/recording.py) in the app: a stalled
        # database costs a check at most its deadline, and nothing while the circuit is open.
        self.guard = guard or (lambda read: read())
        self._snapshot = Overlays()
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def current(self) -> Overlays:
        """The overlays as of the last check; a reader never waits for another's check."""
        if self.clock() - self._checked < self.check_seconds:
            return self._snapshot
        if not self._lock.acquire(blocking=False):
            return self._snapshot
        try:
            if self.clock() - self._checked >= self.check_seconds:
                self._checked = self.clock()
                self._refresh()
            return self._snapshot
        finally:
            self._lock.release()

    def _refresh(self) -> None:
        try:
            newer = self.guard(self._newer)
        except (SQLAlchemyError, DatabaseUnavailableError) as error:
            # Readers keep the last overlays (none before the first read) while the
            # database is away: search and articles never fail for want of a note.
            log.warning("help-desk overlays not refreshed: %s", error)
            return
        if newer is not None:
            self._snapshot = newer

    def _newer(self) -> Overlays | None:
        """The overlays when the change counter moved since the snapshot, else None."""
        ensure_schema(self.engine)
        with self.engine.connect() as db:
            counter = version(db)
        return load(self.engine) if counter != self._snapshot.version else None

    def changed(self) -> None:
        """This process just changed something: read it back on the next call."""
        self._checked = float("-inf")
