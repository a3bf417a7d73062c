"""Wizard walks as a lead reads them: how each ended, where, and after what.

A walk is the events sharing one random `walk` id. It ended *fixed* when the person
said so, *handed over* when it reached the hand-over screen, and *abandoned* when
neither happened and no further screen came within WALK_TIMEOUT (computed when
reading, so nothing has to run when a person simply leaves).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from app.insights.record import FIXED, HANDOVER, SCREEN
from app.insights.tables import events

WALK_TIMEOUT = timedelta(minutes=30)
ENDS = ("fixed", "handed over", "abandoned", "in progress")


@dataclass(frozen=True)
class Walk:
    walk: str
    started: str
    last: str
    query: str
    gap: str
    end: str                 # one of ENDS
    where: str               # the screen it ended on, in words
    answers: str             # "Program: Outlook Express; Version: 6"
    article_id: str | None   # the article fixed by, or the last one shown
    step: int | None
    tried: str               # the articles tried and rejected, in words
    state: str               # the query string of its last screen (to open it)


def classify(fixed: bool, handed: bool, last: str, now: datetime) -> str:
    if fixed:
        return "fixed"
    if handed:
        return "handed over"
    if last < (now - WALK_TIMEOUT).strftime("%Y-%m-%d %H:%M:%S"):
        return "abandoned"
    return "in progress"


def recent_walks(engine: Engine, now: datetime, limit: int = 50, end: str = "") -> list[Walk]:
    """The latest walks, newest first, each with its end (optionally only one kind)."""
    # The latest walk events by id (ids grow with time): a backward walk of the primary
    # key, not a scan of every walk.
    latest = (select(events.c.walk).where(events.c.walk.is_not(None))
              .order_by(events.c.id.desc()).limit(limit * (40 if end else 8)))
    with engine.connect() as db:
        wanted = list(dict.fromkeys(row[0] for row in db.execute(latest)))
        rows = db.execute(select(events).where(events.c.walk.in_(wanted))
                          .order_by(events.c.walk, events.c.created, events.c.id)).all() \
            if wanted else []
    by_walk: dict[str, list] = {}
    for row in rows:
        by_walk.setdefault(row.walk, []).append(row)
    walks = [_walk(by_walk[w], now) for w in wanted if w in by_walk]
    # Newest first by what they last did (ids follow the order workers wrote them in).
    walks.sort(key=lambda w: w.last, reverse=True)
    return [w for w in walks if not end or w.end == end][:limit]


def _walk(rows: list, now: datetime) -> Walk:
    screens = [r for r in rows if r.kind == SCREEN]
    ended = next((r for r in rows if r.kind == FIXED), None) or next(
        (r for r in rows if r.kind == HANDOVER), None)
    last_screen = screens[-1] if screens else rows[-1]
    end = classify(any(r.kind == FIXED for r in rows), any(r.kind == HANDOVER for r in rows),
                   rows[-1].created, now)
    at = ended or last_screen
    article = at.article_id or next((r.article_id for r in reversed(rows) if r.article_id),
                                    None)
    return Walk(rows[0].walk, rows[0].created, rows[-1].created, rows[0].query, rows[0].gap,
                end, at.screen, last_screen.detail if screens else at.detail, article, at.step,
                ended.detail if ended is not None and ended.kind == HANDOVER else "",
                at.state or last_screen.state)
