"""Deflection: what the troubleshooter and the articles solved without the help desk.

Per day and per ISO week: walks that ended fixed, handed over or abandoned; searches
that led to an article rated helpful; and the share solved without the help desk,
(fixed + helpful) / (fixed + helpful + handed over): abandoned walks are left out of
it, since nobody knows how they ended. Top codes and articles by solved count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from app.insights.facts import facts
from app.insights.grouping import codes_of
from app.insights.record import HELPFUL

MEASURES = ("fixed", "handed over", "abandoned", HELPFUL)
SOLVED = ("fixed", HELPFUL)


@dataclass(frozen=True)
class Period:
    label: str              # "2026-12-07" or "2026-W49"
    fixed: int
    handed_over: int
    abandoned: int
    helpful: int

    @property
    def solved(self) -> int:
        return self.fixed + self.helpful

    @property
    def share(self) -> int | None:
        """Percent solved without the help desk; None when nothing ended either way."""
        ended = self.solved + self.handed_over
        return round(100 * self.solved / ended) if ended else None


@dataclass(frozen=True)
class Deflection:
    days: list[Period]
    weeks: list[Period]
    total: Period
    codes: list[tuple[str, int]]       # canonical code, solved count
    articles: list[tuple[str, int]]    # article id, solved count


def _period(label: str, counts: Counter[str]) -> Period:
    return Period(label, counts["fixed"], counts["handed over"], counts["abandoned"],
                  counts[HELPFUL])


def week_of(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def deflection(engine: Engine, now: datetime, days: int = 28, top: int = 10) -> Deflection:
    since = (now - timedelta(days=days - 1)).strftime("%Y-%m-%d")
    per_day: dict[str, Counter[str]] = {
        (now - timedelta(days=n)).strftime("%Y-%m-%d"): Counter() for n in range(days)}
    codes: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    for fact in facts(engine, since, now):
        if fact.measure not in MEASURES:
            continue
        if fact.measure in SOLVED and fact.article:  # folded per-gap facts have none
            articles[fact.article] += fact.count
        if fact.by_article:
            continue
        if fact.day in per_day:
            per_day[fact.day][fact.measure] += fact.count
        if fact.measure in SOLVED:
            for code in codes_of(fact.gap):
                codes[code] += fact.count
    ordered = sorted(per_day)
    per_week: dict[str, Counter[str]] = {}
    for day in ordered:
        per_week.setdefault(week_of(day), Counter()).update(per_day[day])
    return Deflection(
        days=[_period(day, per_day[day]) for day in ordered],
        weeks=[_period(week, counts) for week, counts in per_week.items()],
        total=_period("total", sum(per_day.values(), Counter())),
        codes=codes.most_common(top), articles=articles.most_common(top))
