"""Gaps: what people looked for and did not find, grouped by what it is about.

A person hit a gap when a search found nothing, when a search found articles but no
result was followed, when a walk ended with a person, or when an article reached from
a search was "not helpful". Gaps are grouped by gap key (grouping.py: the same codes,
else the same significant words), counted this week and last, sorted by how many
people hit them. A gap whose pin came after its last hit shows "answered" with the
pin's date; a dismissed gap is left out until it is hit again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, insert, select, update

from app.insights.facts import facts
from app.insights.grouping import gap_label, pin_key_of
from app.insights.record import CLICK, HANDOVER, MISS, SEARCH, VOTE_NO
from app.insights.tables import dismissed, events
from app.staff.audit import RefusedError, change, now_text, record

TEXT_KINDS = (MISS, SEARCH, HANDOVER, VOTE_NO)
SHOWN = 5


@dataclass
class Gap:
    key: str
    label: str
    this_week: int = 0
    last_week: int = 0
    no_results: int = 0
    no_click: int = 0
    handed_over: int = 0
    not_helpful: int = 0
    queries: list[str] = field(default_factory=list)   # as typed, the most frequent first
    articles: list[str] = field(default_factory=list)  # shown to the people who hit it
    pinned: str = ""         # the pin's date, when a pin answers this gap
    answered: str = ""       # the pin's date, when nobody hit the gap since
    last_hit: str = ""

    @property
    def hits(self) -> int:
        return self.no_results + self.no_click + self.handed_over + self.not_helpful


def _hits(counts: Counter[str]) -> dict[str, int]:
    """The four ways of hitting a gap from one period's counts of each measure."""
    return {"no_results": counts["search_miss"],
            "no_click": max(0, counts["search"] - counts["click"]),
            "handed_over": counts["handed over"], "not_helpful": counts["vote_no"]}


def gaps(engine: Engine, now: datetime, pins: Mapping[tuple[str, str], str],
         weeks: int = 4, limit: int = 50) -> list[Gap]:
    """The most-hit gaps of the last `weeks` weeks. `pins` maps a pin's (kind, key) to
    the date it was made (app.staff.overlays' pins)."""
    since = (now - timedelta(weeks=weeks)).strftime("%Y-%m-%d")
    week = (now - timedelta(days=7)).strftime("%Y-%m-%d")
    last_week = (now - timedelta(days=14)).strftime("%Y-%m-%d")
    per_gap: dict[str, list[Counter[str]]] = defaultdict(lambda: [Counter(), Counter(),
                                                                  Counter()])
    for fact in facts(engine, since, now):
        if fact.gap and not fact.by_article:
            period = 0 if fact.day >= week else 1 if fact.day >= last_week else 2
            per_gap[fact.gap][period][fact.measure] += fact.count
    found = []
    hidden = _dismissed(engine)
    for key, periods in per_gap.items():
        gap = Gap(key, gap_label(key), **_hits(sum(periods, Counter())))
        gap.this_week = sum(_hits(periods[0]).values())
        gap.last_week = sum(_hits(periods[1]).values())
        if gap.hits and not (key in hidden and _last_hit(engine, key) <= hidden[key]):
            found.append(gap)
    found.sort(key=lambda g: (-g.hits, -g.this_week, g.label))
    found = found[:limit]
    _describe(engine, found, pins)
    return found


def _describe(engine: Engine, found: list[Gap], pins: Mapping[tuple[str, str], str]) -> None:
    """The queries as typed and the articles shown, and whether a pin answered it."""
    for gap in found:
        with engine.connect() as db:
            rows = db.execute(
                select(events.c.query, events.c.kind, events.c.article_id, events.c.detail)
                .where(events.c.gap == gap.key, events.c.kind.in_(TEXT_KINDS))
                .order_by(events.c.created.desc()).limit(500)).all()
        gap.queries = [q for q, _ in Counter(r.query for r in rows).most_common(SHOWN)]
        shown: Counter[str] = Counter()
        for row in rows:
            shown.update(row.detail.split() if row.kind == SEARCH else [row.article_id or ""])
        shown.pop("", None)
        gap.articles = [a for a, _ in shown.most_common(SHOWN)]
        gap.last_hit = _last_hit(engine, gap.key)
        pin = pin_key_of(gap.key)
        pinned = pins.get(pin) if pin else None
        if pinned:
            gap.pinned = pinned
            if _hit_since(engine, gap.key, pinned) == 0:
                gap.answered = pinned[:10]


def _last_hit(engine: Engine, key: str) -> str:
    with engine.connect() as db:
        return db.execute(select(func.max(events.c.created)).where(
            events.c.gap == key, events.c.kind.in_((MISS, HANDOVER, VOTE_NO)))).scalar() or ""


def _hit_since(engine: Engine, key: str, since: str) -> int:
    """How many people hit the gap after `since`: misses, hand-overs, "no" votes, and
    searches beyond the results followed."""
    with engine.connect() as db:
        counts = Counter(dict(db.execute(
            select(events.c.kind, func.count()).where(events.c.gap == key,
                                                      events.c.created > since)
            .group_by(events.c.kind)).all()))
    return (counts[MISS] + counts[HANDOVER] + counts[VOTE_NO]
            + max(0, counts[SEARCH] - counts[CLICK]))


def _dismissed(engine: Engine) -> dict[str, str]:
    with engine.connect() as db:
        return dict(db.execute(select(dismissed.c.gap, dismissed.c.created)).all())


def dismiss(engine: Engine, key: str, actor: str) -> None:
    """Hide a gap until it is hit again; audited like every staff change."""
    if not key:
        raise RefusedError("Which gap? The form named none.")
    with change(engine) as db:
        had = db.execute(select(dismissed.c.created).where(dismissed.c.gap == key)).scalar()
        if had is None:
            db.execute(insert(dismissed).values(gap=key, actor=actor, created=now_text()))
        else:
            db.execute(update(dismissed).where(dismissed.c.gap == key)
                       .values(actor=actor, created=now_text()))
        record(db, actor, "dismiss gap", subject=gap_label(key), before=None, after=key)
