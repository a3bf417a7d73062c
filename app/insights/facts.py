"""Daily counts of what the dashboards measure, from the live events and from the
daily counts retention folded them into, read the same way.

A fact is (day, measure, gap, article, count). Measures: the walks' ends (`fixed`,
`handed over`, `abandoned`) on the day the walk started, and one per kind of event
(`search`, `search_miss`, `click`, `vote_no`, `helpful`). Retention writes facts to
`daily_counts` as kind `ins.<measure>` per gap and `ins.<measure>.art` per article,
then deletes the events, so a period older than the retention still has its counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, case, delete, func, select

from app.activity.database import ensure_schema, writer
from app.activity.tables import daily_counts
from app.insights.record import CLICK, FIXED, HANDOVER, HELPFUL, MISS, SEARCH, VOTE_NO
from app.insights.tables import events
from app.insights.walks import WALK_KINDS, classify

COUNTED = (SEARCH, MISS, CLICK, VOTE_NO, HELPFUL)
FOLDED = "ins."
BY_ARTICLE = ".art"


@dataclass(frozen=True)
class Fact:
    day: str
    measure: str
    gap: str
    article: str
    count: int
    by_article: bool = False   # a folded per-article copy: for article tables only


def _walk_facts(db: Connection, since: str, until: str, now: datetime) -> list[Fact]:
    is_ = lambda kind: func.max(case((events.c.kind == kind, 1), else_=0))  # noqa: E731
    fixed_by = func.max(case((events.c.kind == FIXED, events.c.article_id), else_=None))
    last = func.max(events.c.created)
    query = (select(func.min(events.c.created), last, is_(FIXED), is_(HANDOVER),
                    func.min(events.c.gap), fixed_by)
             .where(events.c.kind.in_(WALK_KINDS), events.c.walk.is_not(None),
                    events.c.created >= since)
             .group_by(events.c.walk).having(last < until))
    counted: Counter[tuple[str, str, str, str]] = Counter()
    for started, latest, fixed, handed, gap, article in db.execute(query):
        end = classify(bool(fixed), bool(handed), latest, now)
        if end != "in progress":
            counted[started[:10], end, gap or "", article or ""] += 1
    return [Fact(*key, n) for key, n in counted.items()]


def _event_facts(db: Connection, since: str, until: str) -> list[Fact]:
    day = func.substr(events.c.created, 1, 10)
    query = (select(day, events.c.kind, events.c.gap, events.c.article_id, func.count())
             .where(events.c.kind.in_(COUNTED), events.c.created >= since,
                    events.c.created < until)
             .group_by(day, events.c.kind, events.c.gap, events.c.article_id))
    return [Fact(d, kind, gap or "", article or "", int(n)) for d, kind, gap, article, n
            in db.execute(query)]


def _folded_facts(db: Connection, since: str) -> list[Fact]:
    """Folded counts per gap; per-article counts are read by `folded_articles`."""
    query = select(daily_counts.c.day, daily_counts.c.kind, daily_counts.c.article_id,
                   daily_counts.c.count).where(daily_counts.c.kind.like(f"{FOLDED}%"),
                                               daily_counts.c.day >= since[:10])
    found = []
    for day, kind, key, count in db.execute(query):
        measure = kind[len(FOLDED):]
        if measure.endswith(BY_ARTICLE):
            found.append(Fact(day, measure[:-len(BY_ARTICLE)], "", key, int(count), True))
        else:
            found.append(Fact(day, measure, key, "", int(count)))
    return found


def facts(engine: Engine, since: str, now: datetime) -> list[Fact]:
    """Every fact from `since` (UTC text) to now. A folded fact comes twice: per gap,
    and per article (`by_article`, which totals skip)."""
    ensure_schema(engine)
    # Times are whole seconds: what happened in now's second is in.
    until = (now + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    with engine.connect() as db:
        return (_walk_facts(db, since, until, now) + _event_facts(db, since, until)
                + _folded_facts(db, since))


def prune(engine: Engine, retention_days: float, now: datetime | None = None) -> int:
    """Fold events older than the retention, as ActivityLog.prune folds votes."""
    now = now or datetime.now(UTC)
    return fold(engine, (now - timedelta(days=retention_days)).strftime("%Y-%m-%d %H:%M:%S"),
                now)


def fold(engine: Engine, cutoff: str, now: datetime) -> int:
    """Fold events older than cutoff (walks whose last screen is) into daily_counts
    and delete them; the number of events deleted."""
    ensure_schema(engine)
    with writer(engine).begin() as db:
        old = _walk_facts(db, "", cutoff, now) + _event_facts(db, "", cutoff)
        _add(db, ((f.day, f"{FOLDED}{f.measure}", f.gap, f.count) for f in old))
        _add(db, ((f.day, f"{FOLDED}{f.measure}{BY_ARTICLE}", f.article, f.count)
                  for f in old if f.article))
        ended = (select(events.c.walk).where(events.c.walk.is_not(None))
                 .group_by(events.c.walk).having(func.max(events.c.created) < cutoff))
        deleted = db.execute(delete(events).where(events.c.walk.in_(ended))).rowcount
        deleted += db.execute(delete(events).where(events.c.walk.is_(None),
                                                   events.c.created < cutoff)).rowcount
    return deleted


def _add(db: Connection, rows: Iterable[tuple[str, str, str, int]]) -> None:
    summed: Counter[tuple[str, str, str]] = Counter()
    for day, kind, key, count in rows:
        summed[day, kind, key] += count
    for (day, kind, key), count in summed.items():
        where = (daily_counts.c.day == day, daily_counts.c.kind == kind,
                 daily_counts.c.article_id == key, daily_counts.c.step == 0)
        had = db.execute(select(daily_counts.c.count).where(*where)).scalar()
        if had is None:
            db.execute(daily_counts.insert().values(day=day, kind=kind, article_id=key,
                                                    step=0, count=count))
        else:
            db.execute(daily_counts.update().where(*where).values(count=had + count))
