"""Writing insight events, and counting them as they are written.

One short transaction per event (or per batch of them): the event (texts cut to the
activity log's bounds) and its counts in `daily_counts`, so the dashboards read a few
thousand counts, never a million events: `ins.day.<measure>` per day,
`ins.gap.<measure>` per ISO week (its Monday) and gap, `ins.art.<measure>` per week
and article for what solved something. Retention then only deletes old events: their
counts stay. Events are written off the pages' path (app/web/visits.py queues them).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert, select, text
from sqlalchemy import event as sqlalchemy_event

from app.activity.database import ensure_schema, make_engine
from app.insights.grouping import gap_key
from app.insights.tables import events

# The kinds of event.
SEARCH = "search"              # a search that found articles (detail: the first shown)
MISS = "search_miss"           # a search that found nothing
CLICK = "click"                # a result followed from a search (page or API follow link)
SCREEN = "walk_screen"         # a wizard screen shown in a walk
FIXED = "walk_fixed"           # the person said it is fixed
HANDOVER = "walk_handover"     # the walk reached the hand-over to a person
VOTE_NO = "vote_no"            # "not helpful" on an article reached from a search
HELPFUL = "helpful"            # "helpful" on an article reached from a search
RECOMMEND = "recommend"        # the wizard's "would you send someone…" yes
KINDS = (SEARCH, MISS, CLICK, SCREEN, FIXED, HANDOVER, VOTE_NO, HELPFUL, RECOMMEND)
# What each kind counts as (a screen counts only when it starts a walk).
MEASURES = {SEARCH: "search", MISS: "search_miss", CLICK: "click", VOTE_NO: "vote_no",
            HELPFUL: "helpful", FIXED: "fixed", HANDOVER: "handed over", SCREEN: "started"}
SOLVED = (FIXED, HELPFUL)
DAY, GAP, ARTICLE = "ins.day.", "ins.gap.", "ins.art."
MAX_STATE = 2000
MAX_TEXT = 500       # as the activity log's texts


def now_text(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S")


def _clip(text: str | None, limit: int = MAX_TEXT) -> str:
    return " ".join(str(text or "").replace("\x00", "").split())[:limit]


@dataclass(frozen=True)
class Event:
    kind: str
    query: str = ""
    walk: str | None = None
    article_id: str | None = None
    step: int | None = None
    screen: str = ""
    detail: str = ""
    state: str = ""
    starts: bool = False      # a screen that begins a walk


def monday(day: str) -> str:
    """The Monday of a day's ISO week: the day a week's counts are kept under."""
    at = date.fromisoformat(day[:10])
    return (at - timedelta(days=at.weekday())).isoformat()


def unhurried(engine: Engine) -> Engine:
    """The engine events are written with: commits that do not wait for the disk.

    An event is worth less than the page it belongs to: on PostgreSQL each event's
    transaction sets `synchronous_commit` off; on SQLite a second engine on the same
    file writes with `synchronous=NORMAL` (write-ahead log: the database stays whole,
    and only the last events can be lost, and only if the machine itself fails)."""
    if engine.dialect.name != "sqlite":
        return engine
    key = engine.url.render_as_string(hide_password=False)
    with _unhurried_lock:
        if key not in _unhurried:
            made = make_engine(key)

            @sqlalchemy_event.listens_for(made, "connect")
            def _normal(dbapi_connection, _record) -> None:
                dbapi_connection.execute("PRAGMA synchronous=NORMAL")

            _unhurried[key] = made
    return _unhurried[key]


_unhurried: dict[str, Engine] = {}
_unhurried_lock = threading.Lock()


def record(engine: Engine, event: Event, created: str | None = None,
           commit_check: Callable[[], None] | None = None) -> None:
    """Store one event and count it; its gap is read from its query here, once.
    `commit_check` runs before the commit and may raise to roll it back (the breaker's
    `still_wanted`: a write given up on and retried is not stored twice)."""
    record_many(engine, [(event, created or now_text())], commit_check)


def record_many(engine: Engine, stamped: list[tuple[Event, str]],
                commit_check: Callable[[], None] | None = None) -> None:
    """Store events (each with the time it happened) and their counts in one
    transaction, with statements compiled once per process (building and compiling
    them was most of an event's cost)."""
    ensure_schema(engine)
    rows, counts = [], Counter()
    for event, created in stamped:
        row = _row(event, created)
        rows.append(row)
        counts.update(_counts(event, created, row["gap"]))
    with unhurried(engine).begin() as db:
        if db.dialect.name == "postgresql":
            db.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        db.execute(_INSERT, rows)
        if counts:
            db.execute(_UPSERT, [
                {"day": day, "kind": kind, "key": key, "n": n}
                for (day, kind, key), n in sorted(counts.items())])  # one lock order
        if commit_check is not None:
            commit_check()


def _row(event: Event, created: str) -> dict[str, object]:
    query = _clip(event.query)
    return {"kind": event.kind, "created": created, "walk": event.walk, "query": query,
            "gap": gap_key(query), "article_id": event.article_id, "step": event.step,
            "screen": _clip(event.screen, 200), "detail": _clip(event.detail),
            "state": str(event.state or "")[:MAX_STATE]}


def _counts(event: Event, created: str, gap: str) -> list[tuple[str, str, str]]:
    """The (day, kind, key) counts one event adds one to."""
    measure = MEASURES.get(event.kind)
    if measure is None or (event.kind == SCREEN and not event.starts):
        return []
    week = monday(created)
    found = [(created[:10], DAY + measure, "")]
    if gap:
        found.append((week, GAP + measure, gap))
    if event.kind in SOLVED and event.article_id:
        found.append((week, ARTICLE + measure, event.article_id))
    return found


_INSERT = insert(events)


# Add :n to a count, creating it at :n. The same SQL on SQLite and PostgreSQL, and as
# text it is compiled once (the dialects' upsert constructs are compiled per call).
_UPSERT = text(
    "INSERT INTO daily_counts (day, kind, article_id, step, count) "
    "VALUES (:day, :kind, :key, 0, :n) ON CONFLICT (day, kind, article_id, step) "
    "DO UPDATE SET count = daily_counts.count + excluded.count")


def walk_has(engine: Engine, walk: str, kind: str) -> bool:
    """Has this walk already an event of this kind (an end is recorded once)?"""
    query = select(events.c.id).where(events.c.walk == walk, events.c.kind == kind).limit(1)
    with engine.connect() as db:
        return db.execute(query).first() is not None


def record_once(engine: Engine, event: Event, created: str | None = None,
                commit_check: Callable[[], None] | None = None) -> bool:
    """Store a walk's end unless the walk has one of this kind already (a reload, the
    back button): whether it was stored."""
    if event.walk and walk_has(engine, event.walk, event.kind):
        return False
    record(engine, event, created, commit_check)
    return True
