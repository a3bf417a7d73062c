"""Gaps: what people looked for and did not find, grouped by what it is about.

A person hit a gap when a search found nothing, when a search found articles but no
result was followed, when a walk ended with a person, or when an article reached from
a search was "not helpful". Gaps are grouped by gap key (grouping.py: the same codes,
else the same significant words), counted this ISO week and last, sorted by how many
people hit them over the last weeks (read from the weekly counts record.py keeps). A
gap nobody hit since a pin or a published article answered it (answers.py) shows
"answered" with that date and by what; a dismissed gap is left out until it is hit
again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, bindparam, func, insert, literal_column, select, update

from app.insights.answers import Answer, article_answers
from app.insights.facts import gap_counts
from app.insights.grouping import WORDS_PREFIX, gap_label, pin_key_of
from app.insights.record import CLICK, HANDOVER, MISS, SEARCH, VOTE_NO, monday, now_text
from app.insights.tables import TEXT_KINDS, dismissed, events
from app.staff.audit import RefusedError, change, record
from app.staff.audit import now_text as audit_now

HIT_KINDS = (MISS, HANDOVER, VOTE_NO)   # a search without a click is known only by counts
SAMPLE = 50    # the latest events of a gap read for its queries and articles
GAP_MEASURES = ("search_miss", "search", "click", "handed over", "vote_no")
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
    written: list[str] = field(default_factory=list)   # published articles answering it
    answered: str = ""       # the day of the first answer nobody hit the gap after
    answered_by: str = ""    # "pin", or the article's id
    last_hit: str = ""

    @property
    def hits(self) -> int:
        return self.no_results + self.no_click + self.handed_over + self.not_helpful


def _hits(counts: Mapping[str, int]) -> dict[str, int]:
    """The four ways of hitting a gap from one period's counts of each measure."""
    return {"no_results": counts["search_miss"],
            "no_click": max(0, counts["search"] - counts["click"]),
            "handed_over": counts["handed over"], "not_helpful": counts["vote_no"]}


def gaps(engine: Engine, now: datetime, pins: Mapping[tuple[str, str], str],
         weeks: int = 4, limit: int = 50) -> list[Gap]:
    """The most-hit gaps of the last `weeks` weeks. `pins` maps a pin's (kind, key) to
    the date it was made (app.staff.overlays' pins)."""
    this_week = monday(now_text(now))
    last_week = monday(now_text(now - timedelta(days=7)))
    found = []
    since = monday(now_text(now - timedelta(weeks=weeks)))
    for key, (total, now_week, week_before) in gap_counts(
            engine, since, (this_week, last_week), GAP_MEASURES).items():
        gap = Gap(key, gap_label(key), **_hits(total))
        gap.this_week = sum(_hits(now_week).values())
        gap.last_week = sum(_hits(week_before).values())
        if gap.hits:
            found.append(gap)
    found.sort(key=lambda g: (-g.hits, -g.this_week, g.label))
    hidden = _dismissed(engine)
    found = [g for g in found if g.key not in hidden
             or _last_hit(engine, g.key) > hidden[g.key]][:limit]
    _describe(engine, found, pins)
    return found


def _describe(engine: Engine, found: list[Gap], pins: Mapping[tuple[str, str], str]) -> None:
    """The queries as typed and the articles shown, and whether a pin or an article
    answered it."""
    latest = (select(events.c.query, events.c.kind, events.c.article_id, events.c.detail,
                     events.c.created)
              .where(events.c.gap == bindparam("gap"),  # literals: the partial index's
                     events.c.kind.in_([literal_column(f"'{k}'") for k in TEXT_KINDS]))
              .order_by(events.c.created.desc()).limit(SAMPLE))
    with engine.connect() as db:
        sampled = {gap.key: db.execute(latest, {"gap": gap.key}).all() for gap in found}
    for gap in found:
        rows = sampled[gap.key]
        gap.queries = [q for q, _ in Counter(r.query for r in rows).most_common(SHOWN)]
        if gap.key.startswith(WORDS_PREFIX) and gap.queries:
            gap.label = gap.queries[0]   # what people typed, not the stems it is kept by
        shown: Counter[str] = Counter()
        for row in rows:
            shown.update(row.detail.split() if row.kind == SEARCH else [row.article_id or ""])
        shown.pop("", None)
        gap.articles = [a for a, _ in shown.most_common(SHOWN)]
        gap.last_hit = next((r.created for r in rows if r.kind in HIT_KINDS), "")
    written = article_answers(engine, [gap.key for gap in found])
    for gap in found:
        pin = pin_key_of(gap.key)
        gap.pinned = (pins.get(pin) if pin else None) or ""
        candidates = [Answer(gap.pinned, "pin")] if gap.pinned else []
        candidates += written.get(gap.key, [])
        gap.written = sorted({answer.by for answer in written.get(gap.key, [])})
        for answer in sorted(candidates, key=lambda a: a.at):
            if _hit_since(engine, gap.key, answer.at) == 0:
                gap.answered, gap.answered_by = answer.at[:10], answer.by
                break


def _last_hit(engine: Engine, key: str) -> str:
    with engine.connect() as db:
        return db.execute(select(func.max(events.c.created)).where(
            events.c.gap == key, events.c.kind.in_(HIT_KINDS))).scalar() or ""


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
            db.execute(insert(dismissed).values(gap=key, actor=actor, created=audit_now()))
        else:
            db.execute(update(dismissed).where(dismissed.c.gap == key)
                       .values(actor=actor, created=audit_now()))
        record(db, actor, "dismiss gap", subject=gap_label(key), before=None, after=key)
