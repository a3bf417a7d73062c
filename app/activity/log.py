"""What people did, kept anonymously so the help desk knows what to write next.

Three records: "was this helpful?" votes on articles, searches that found nothing,
and how troubleshooting sessions ended (fixed at a step of an article, or a dead
end). Nothing about the person is stored: no address, no cookie, no account; texts
are cut to a bound. They live in the activity database (see `database.py`: SQLite by
default, PostgreSQL shared by every worker and machine), and rows older than the
retention are folded into daily counts, so totals survive and the tables stay small.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, case, delete, func, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from app.activity.database import (
    MAINTENANCE_TIMEOUT,
    allow_time,
    ensure_schema,
    make_engine,
    sqlite_url,
    writer,
)
from app.activity.tables import daily_counts, missed_searches, outcomes, votes

MAX_TEXT = 500
MAX_COMMENT = 1000


@dataclass(frozen=True)
class VoteCount:
    article_id: str
    helpful: int
    not_helpful: int
    comments: int


@dataclass(frozen=True)
class Miss:
    text: str
    count: int
    last_seen: str


@dataclass(frozen=True)
class DeadEnd:
    query: str
    answers: str
    count: int
    article_id: str | None = None   # the last article tried, if any


@dataclass(frozen=True)
class StepOutcome:
    article_id: str
    step: int | None                # None: an authored tree's node, or the whole article
    fixed: int
    dead_ends: int


def _clip(text: str, limit: int) -> str:
    """Whitespace runs to one space, cut to limit; NUL dropped (PostgreSQL refuses it)."""
    return " ".join(text.replace("\x00", "").split())[:limit]


def now_text(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S")


class ActivityLog:
    """The activity records of one database.

    Give it the app's engine (shared, pooled: see app.web.recording), or a SQLite path
    or database URL, for which it opens an engine of its own that close() releases.
    `commit_check` is called before each write commits and may raise to roll it back
    (app.activity.breaker: the caller stopped waiting, so the write must not happen).
    """

    def __init__(self, target: Engine | Path | str,
                 commit_check: Callable[[], None] | None = None) -> None:
        if isinstance(target, Engine):
            self.engine, self._owned = target, False
        else:
            url = target if isinstance(target, str) and "://" in target else sqlite_url(target)
            self.engine, self._owned = make_engine(url, MAINTENANCE_TIMEOUT), True
        self._commit_check = commit_check
        ensure_schema(self.engine)

    def close(self) -> None:
        if self._owned:
            self.engine.dispose()

    def _upsert(self):
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction that commits only if commit_check lets it."""
        with self.engine.begin() as db:
            yield db
            if self._commit_check is not None:
                self._commit_check()

    def record_vote(self, article_id: str, helpful: bool, comment: str = "") -> None:
        with self._writing() as db:
            db.execute(insert(votes).values(article_id=article_id, helpful=int(helpful),
                                            comment=_clip(comment, MAX_COMMENT),
                                            created=now_text()))

    def record_missed_search(self, text: str) -> None:
        text = _clip(text, MAX_TEXT).lower()
        if not text:
            return
        seen = now_text()
        statement = self._upsert()(missed_searches).values(text=text, count=1, last_seen=seen)
        statement = statement.on_conflict_do_update(
            index_elements=[missed_searches.c.text],
            set_={"count": missed_searches.c.count + 1, "last_seen": seen},
        )
        with self._writing() as db:
            db.execute(statement)

    def record_outcome(
        self, *, fixed: bool, query: str, answers: str = "", article_id: str | None = None,
        step: int | None = None,
    ) -> None:
        with self._writing() as db:
            db.execute(insert(outcomes).values(
                fixed=int(fixed), query=_clip(query, MAX_TEXT), answers=_clip(answers, MAX_TEXT),
                article_id=article_id, step=step, created=now_text()))

    # Reading. Vote counts add the daily counts of votes that retention removed.

    def _vote_rows(self):
        """(article_id, helpful, not_helpful, comments) per live vote and per archived day."""
        has_comment = case((votes.c.comment != "", 1), else_=0)
        live = select(votes.c.article_id, votes.c.helpful.label("helpful"),
                      (1 - votes.c.helpful).label("not_helpful"), has_comment.label("comments"))

        def kind_count(kind: str):
            return case((daily_counts.c.kind == kind, daily_counts.c.count), else_=0)

        archived = select(daily_counts.c.article_id, kind_count("helpful"),
                          kind_count("not_helpful"), kind_count("comment")).where(
            daily_counts.c.kind.in_(("helpful", "not_helpful", "comment")))
        return union_all(live, archived).subquery()

    def vote_counts(self, limit: int = 100) -> list[VoteCount]:
        rows = self._vote_rows()
        total = func.sum(rows.c.helpful) + func.sum(rows.c.not_helpful)
        query = (select(rows.c.article_id, func.sum(rows.c.helpful), func.sum(rows.c.not_helpful),
                        func.sum(rows.c.comments))
                 .group_by(rows.c.article_id).order_by(total.desc(), rows.c.article_id)
                 .limit(limit))
        with self.engine.connect() as db:
            return [VoteCount(a, int(h), int(n), int(c)) for a, h, n, c in db.execute(query)]

    def vote_totals(self) -> VoteCount:
        """All votes together, under article_id "*"."""
        rows = self._vote_rows()
        query = select(*(func.coalesce(func.sum(column), 0) for column in
                         (rows.c.helpful, rows.c.not_helpful, rows.c.comments)))
        with self.engine.connect() as db:
            helpful, not_helpful, comments = db.execute(query).one()
        return VoteCount("*", int(helpful), int(not_helpful), int(comments))

    def comments(self, article_id: str, limit: int = 50) -> list[tuple[bool, str, str]]:
        query = (select(votes.c.helpful, votes.c.comment, votes.c.created)
                 .where(votes.c.article_id == article_id, votes.c.comment != "")
                 .order_by(votes.c.id.desc()).limit(limit))
        with self.engine.connect() as db:
            return [(bool(helpful), comment, created) for helpful, comment, created
                    in db.execute(query)]

    def recent_comments(self, limit: int = 30) -> list[tuple[str, bool, str, str]]:
        """(article, helpful, comment, created), newest first, over every article."""
        query = (select(votes.c.article_id, votes.c.helpful, votes.c.comment, votes.c.created)
                 .where(votes.c.comment != "").order_by(votes.c.id.desc()).limit(limit))
        with self.engine.connect() as db:
            return [(article, bool(helpful), comment, created)
                    for article, helpful, comment, created in db.execute(query)]

    def top_missed_searches(self, limit: int = 50) -> list[Miss]:
        query = (select(missed_searches.c.text, missed_searches.c.count,
                        missed_searches.c.last_seen)
                 .order_by(missed_searches.c.count.desc(), missed_searches.c.last_seen.desc())
                 .limit(limit))
        with self.engine.connect() as db:
            return [Miss(*row) for row in db.execute(query)]

    def top_dead_ends(self, limit: int = 50) -> list[DeadEnd]:
        n = func.count().label("n")
        query = (select(func.min(outcomes.c.query), outcomes.c.answers, n,
                        func.max(outcomes.c.article_id))
                 .where(outcomes.c.fixed == 0)
                 .group_by(func.lower(outcomes.c.query), outcomes.c.answers)
                 .order_by(n.desc()).limit(limit))
        with self.engine.connect() as db:
            return [DeadEnd(*row) for row in db.execute(query)]

    def outcomes_by_step(self, limit: int = 100) -> list[StepOutcome]:
        """Per article and step of its fix: how often the wizard's walk ended fixed
        there, and how often it ended there with the hand-over."""
        fixed = func.sum(outcomes.c.fixed).label("fixed")
        total = func.count().label("total")
        query = (select(outcomes.c.article_id, outcomes.c.step, fixed, total)
                 .where(outcomes.c.article_id.is_not(None))
                 .group_by(outcomes.c.article_id, outcomes.c.step)
                 .order_by(total.desc(), outcomes.c.article_id, outcomes.c.step).limit(limit))
        with self.engine.connect() as db:
            return [StepOutcome(article, step, int(done or 0), int(n) - int(done or 0))
                    for article, step, done, n in db.execute(query)]

    def dead_end_texts(self, article_id: str, limit: int = 20) -> list[str]:
        """What people had typed when the walk through this article ended unfixed."""
        query = (select(outcomes.c.query).where(outcomes.c.fixed == 0,
                                                outcomes.c.article_id == article_id)
                 .group_by(outcomes.c.query).order_by(func.count().desc()).limit(limit))
        with self.engine.connect() as db:
            return [row[0] for row in db.execute(query)]

    # Retention.

    def prune(self, retention_days: float, now: datetime | None = None) -> int:
        """Fold votes and outcomes older than retention_days into daily_counts, delete
        them and the missed searches not seen since; the number of rows deleted."""
        cutoff = now_text((now or datetime.now(UTC)) - timedelta(days=retention_days))
        day = func.substr(votes.c.created, 1, 10)
        old_votes = votes.c.created < cutoff
        vote_kinds = [
            ("helpful", votes.c.helpful == 1), ("not_helpful", votes.c.helpful == 0),
            ("comment", votes.c.comment != ""),
        ]
        outcome_day = func.substr(outcomes.c.created, 1, 10)
        old_outcomes = outcomes.c.created < cutoff
        deleted = 0
        with writer(self.engine).begin() as db:
            allow_time(db, MAINTENANCE_TIMEOUT)
            for kind, condition in vote_kinds:
                self._fold(db, select(day, literal(kind), votes.c.article_id, literal(0),
                                      func.count())
                           .where(old_votes, condition).group_by(day, votes.c.article_id))
            for kind, fixed in (("fixed", 1), ("dead_end", 0)):
                self._fold(db, select(outcome_day, literal(kind), outcomes.c.article_id,
                                      outcomes.c.step, func.count())
                           .where(old_outcomes, outcomes.c.fixed == fixed)
                           .group_by(outcome_day, outcomes.c.article_id, outcomes.c.step))
            deleted += db.execute(delete(votes).where(old_votes)).rowcount
            deleted += db.execute(delete(outcomes).where(old_outcomes)).rowcount
            deleted += db.execute(delete(missed_searches)
                                  .where(missed_searches.c.last_seen < cutoff)).rowcount
        return deleted

    def _fold(self, db, counts) -> None:
        folded: Counter[tuple[str, str, str, int]] = Counter()
        for day, kind, article, step, count in db.execute(counts).all():
            folded[day, kind, article or "", step or 0] += count
        for (day, kind, article, step), count in folded.items():
            statement = self._upsert()(daily_counts).values(
                day=day, kind=kind, article_id=article, step=step, count=count)
            db.execute(statement.on_conflict_do_update(
                index_elements=[daily_counts.c.day, daily_counts.c.kind,
                                daily_counts.c.article_id, daily_counts.c.step],
                set_={"count": daily_counts.c.count + count}))

    def daily_counts(self) -> list[tuple[str, str, str, int, int]]:
        """(day, kind, article, step, count) kept of the rows retention removed."""
        query = select(daily_counts).order_by(daily_counts.c.day, daily_counts.c.kind,
                                              daily_counts.c.article_id, daily_counts.c.step)
        with self.engine.connect() as db:
            return [tuple(row) for row in db.execute(query)]
