"""Writing insight events, and counting them as they are written.

One short transaction per event: the event (texts cut to the activity log's bounds)
and its counts in `daily_counts`, so the dashboards read a few thousand counts, never
a million events: `ins.day.<measure>` per day, `ins.gap.<measure>` per ISO week
(its Monday) and gap, `ins.art.<measure>` per week and article for what solved
something. Retention then only deletes old events: their counts stay.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.dialects import postgresql, sqlite

from app.activity.database import ensure_schema, make_engine
from app.activity.tables import daily_counts
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


def record(engine: Engine, event: Event, created: str | None = None) -> None:
    """Store one event and count it; its gap is read from its query here, once."""
    ensure_schema(engine)
    query, created = _clip(event.query), created or now_text()
    gap = gap_key(query)
    with unhurried(engine).begin() as db:
        if db.dialect.name == "postgresql":
            db.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        db.execute(insert(events).values(
            kind=event.kind, created=created, walk=event.walk, query=query,
            gap=gap, article_id=event.article_id, step=event.step,
            screen=_clip(event.screen, 200), detail=_clip(event.detail),
            state=str(event.state or "")[:MAX_STATE]))
        measure = MEASURES.get(event.kind)
        if measure is None or (event.kind == SCREEN and not event.starts):
            return
        week = monday(created)
        _count(db, created[:10], DAY + measure, "")
        if gap:
            _count(db, week, GAP + measure, gap)
        if event.kind in SOLVED and event.article_id:
            _count(db, week, ARTICLE + measure, event.article_id)


def _count(db: Connection, day: str, kind: str, key: str) -> None:
    dialect = postgresql if db.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(daily_counts).values(day=day, kind=kind, article_id=key,
                                                    step=0, count=1)
    db.execute(statement.on_conflict_do_update(
        index_elements=[daily_counts.c.day, daily_counts.c.kind, daily_counts.c.article_id,
                        daily_counts.c.step],
        set_={"count": daily_counts.c.count + 1}))


def walk_has(engine: Engine, walk: str, kind: str) -> bool:
    """Has this walk already an event of this kind (an end is recorded once)?"""
    query = select(events.c.id).where(events.c.walk == walk, events.c.kind == kind).limit(1)
    with engine.connect() as db:
        return db.execute(query).first() is not None
