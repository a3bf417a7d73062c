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

from app.insights.facts import day_counts, in_progress, top_counts
from app.insights.grouping import CODE_PREFIX, codes_of
from app.insights.record import ARTICLE, GAP, MEASURES, SOLVED, monday

SOLVED_MEASURES = tuple(MEASURES[kind] for kind in SOLVED)


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
                  counts["helpful"])


def week_of(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def week_days(label: str) -> str:
    """The days an ISO week label covers, as a lead reads them: "2026-11-09 to 11-15"."""
    year, week = label.split("-W")
    first = date.fromisocalendar(int(year), int(week), 1)
    return f"{first.isoformat()} to {(first + timedelta(days=6)).isoformat()[5:]}"


def deflection(engine: Engine, now: datetime, days: int = 28, top: int = 10) -> Deflection:
    """The last `days` days; top codes and articles over the weeks they touch."""
    since = (now - timedelta(days=days - 1)).strftime("%Y-%m-%d")
    counted = day_counts(engine, since)
    going = in_progress(engine, now)
    per_day: dict[str, Counter[str]] = {}
    for n in range(days - 1, -1, -1):
        day = (now - timedelta(days=n)).strftime("%Y-%m-%d")
        counts = Counter(counted.get(day, {}))
        counts["abandoned"] = max(0, counts["started"] - counts["fixed"]
                                  - counts["handed over"] - going[day])
        per_day[day] = counts
    per_week: dict[str, Counter[str]] = {}
    for day, counts in per_day.items():
        per_week.setdefault(week_of(day), Counter()).update(counts)
    codes: Counter[str] = Counter()
    for gap, count in top_counts(engine, tuple(GAP + m for m in SOLVED_MEASURES),
                                 monday(since), top * 10, CODE_PREFIX):
        for code in codes_of(gap):
            codes[code] += count
    return Deflection(
        days=[_period(day, counts) for day, counts in per_day.items()],
        weeks=[_period(week, counts) for week, counts in per_week.items()],
        total=_period("total", sum(per_day.values(), Counter())),
        codes=[(c, n) for c, n in codes.most_common(top) if n],
        articles=top_counts(engine, tuple(ARTICLE + m for m in SOLVED_MEASURES),
                            monday(since), top))
