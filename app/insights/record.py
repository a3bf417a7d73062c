"""Writing insight events, and folding old ones into daily counts.

One insert per event, in its own short transaction; texts are cut to the activity
log's bounds. Retention (ACTIVITY_RETENTION_DAYS) folds events older than the cutoff
into `daily_counts` under `ev.<kind>` per gap, `art.<kind>` per article, and the walks
they ended as `walks.<end>` per gap, so the dashboards keep their totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select

from app.activity.database import ensure_schema
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


def record(engine: Engine, event: Event, created: str | None = None) -> None:
    """Store one event; its gap is read from its query here, once."""
    ensure_schema(engine)
    query = _clip(event.query)
    with engine.begin() as db:
        db.execute(insert(events).values(
            kind=event.kind, created=created or now_text(), walk=event.walk, query=query,
            gap=gap_key(query), article_id=event.article_id, step=event.step,
            screen=_clip(event.screen, 200), detail=_clip(event.detail),
            state=str(event.state or "")[:MAX_STATE]))


def walk_has(engine: Engine, walk: str, kind: str) -> bool:
    """Has this walk already an event of this kind (an end is recorded once)?"""
    query = select(events.c.id).where(events.c.walk == walk, events.c.kind == kind).limit(1)
    with engine.connect() as db:
        return db.execute(query).first() is not None
