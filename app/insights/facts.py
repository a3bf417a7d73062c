"""The counts the dashboards read, kept as the events were written (record.py), and
the walks still in progress, read live; retention's part: deleting old events.

Counts live in `daily_counts`, beside the votes' and outcomes' folded counts: per day
(`ins.day.<measure>`), per ISO week and gap (`ins.gap.<measure>`), per week and
article (`ins.art.<measure>`). Measures: `search`, `search_miss`, `click`,
`vote_no`, `helpful`, and the walks' `started`, `fixed`, `handed over`. A walk's end
counts on the day it ended; a walk is abandoned when it started and neither ended
nor had a screen within WALK_TIMEOUT, so abandoned = started - fixed - handed over -
in progress.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, case, delete, func, select

from app.activity.database import ensure_schema, writer
from app.activity.tables import daily_counts
from app.insights.record import DAY, FIXED, GAP, HANDOVER, MEASURES, SCREEN, now_text
from app.insights.tables import events
from app.insights.walks import WALK_TIMEOUT


def day_counts(engine: Engine, since: str) -> dict[str, Counter[str]]:
    """Per day from `since` (YYYY-MM-DD): how many of each measure."""
    ensure_schema(engine)
    # The kinds by name, not `LIKE 'ins.day.%'`: PostgreSQL reads a LIKE on a column of
    # a non-C collation by scanning the whole table, which only grows (counts are kept).
    kinds = sorted({DAY + measure for measure in MEASURES.values()})
    query = (select(daily_counts.c.day, daily_counts.c.kind, daily_counts.c.count)
             .where(daily_counts.c.kind.in_(kinds), daily_counts.c.day >= since))
    found: dict[str, Counter[str]] = defaultdict(Counter)
    with engine.connect() as db:
        for day, kind, count in db.execute(query):
            found[day][kind[len(DAY):]] += count
    return found


def gap_counts(engine: Engine, since: str, weeks: tuple[str, ...], measures: tuple[str, ...]
               ) -> dict[str, list[dict[str, int]]]:
    """Per gap: the sums of each measure from `since`, then in each of `weeks` (their
    Mondays), summed by the database (one row per gap, not per gap and week)."""
    ensure_schema(engine)

    def total(measure: str, week: str | None = None):
        wanted = daily_counts.c.kind == GAP + measure
        if week is not None:
            wanted = wanted & (daily_counts.c.day == week)
        return func.sum(case((wanted, daily_counts.c.count), else_=0))

    columns = [total(m, w) for w in (None, *weeks) for m in measures]
    query = (select(daily_counts.c.article_id, *columns)
             .where(daily_counts.c.kind.in_([GAP + m for m in measures]),
                    daily_counts.c.day >= since)
             .group_by(daily_counts.c.article_id))
    found = {}
    with engine.connect() as db:
        for gap, *sums in db.execute(query):
            values = [int(value or 0) for value in sums]
            found[gap] = [dict(zip(measures, values[n * len(measures):], strict=False))
                          for n in range(len(weeks) + 1)]
    return found


def top_counts(engine: Engine, kinds: tuple[str, ...], since: str, top: int,
               prefix: str = "") -> list[tuple[str, int]]:
    """The keys (articles, gaps starting with `prefix`) with the highest sums of these
    counts from `since`, summed by the database."""
    ensure_schema(engine)
    total = func.sum(daily_counts.c.count).label("total")
    query = (select(daily_counts.c.article_id, total)
             .where(daily_counts.c.kind.in_(kinds), daily_counts.c.day >= since,
                    daily_counts.c.article_id.like(f"{prefix}%"))
             .group_by(daily_counts.c.article_id)
             .order_by(total.desc(), daily_counts.c.article_id).limit(top))
    with engine.connect() as db:
        return [(key, int(n)) for key, n in db.execute(query)]


def in_progress(engine: Engine, now: datetime) -> Counter[str]:
    """Per day of their last screen: walks with a screen within WALK_TIMEOUT and no end
    yet (read from the few latest events)."""
    # By kind and time (the index on both), grouped here: a few hundred rows at most.
    query = select(events.c.walk, events.c.kind, events.c.created).where(
        events.c.kind.in_((SCREEN, FIXED, HANDOVER)),
        events.c.created >= now_text(now - WALK_TIMEOUT))
    last: dict[str, str] = {}
    ended: set[str] = set()
    ensure_schema(engine)
    with engine.connect() as db:
        for walk, kind, created in db.execute(query):
            if walk:
                last[walk] = max(created, last.get(walk, ""))
                if kind != SCREEN:
                    ended.add(walk)
    return Counter(at[:10] for walk, at in last.items() if walk not in ended)


def prune(engine: Engine, retention_days: float, now: datetime | None = None) -> int:
    """Delete events older than the retention (a walk once its last screen is); their
    counts stay. The number of events deleted."""
    ensure_schema(engine)
    cutoff = now_text((now or datetime.now(UTC)) - timedelta(days=retention_days))
    with writer(engine).begin() as db:
        ended = (select(events.c.walk).where(events.c.walk.is_not(None))
                 .group_by(events.c.walk).having(func.max(events.c.created) < cutoff))
        deleted = db.execute(delete(events).where(events.c.walk.in_(ended))).rowcount
        deleted += db.execute(delete(events).where(events.c.walk.is_(None),
                                                   events.c.created < cutoff)).rowcount
    return deleted
