"""What people did, kept anonymously so the help desk knows what to write next.

Three records, in one SQLite file under `instance/`: "was this helpful?" votes on
articles, searches that found nothing, and how troubleshooting sessions ended (fixed
at a step of an article, or a dead end). Nothing about the person is stored: no
address, no cookie, no account; texts are cut to a bound.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

MAX_TEXT = 500
MAX_COMMENT = 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS votes_article ON votes (article_id);
CREATE TABLE IF NOT EXISTS missed_searches (
    text TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    last_seen TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS outcomes (
    id INTEGER PRIMARY KEY,
    fixed INTEGER NOT NULL,
    query TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '',
    article_id TEXT,
    step INTEGER,
    created TEXT NOT NULL DEFAULT (datetime('now'))
);
"""


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


def _clip(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


class ActivityLog:
    """Open one per thread (or per request): SQLite connections are not shared."""

    def __init__(self, path: Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=5)
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def record_vote(self, article_id: str, helpful: bool, comment: str = "") -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO votes (article_id, helpful, comment) VALUES (?, ?, ?)",
                (article_id, int(helpful), _clip(comment, MAX_COMMENT)),
            )

    def record_missed_search(self, text: str) -> None:
        text = _clip(text, MAX_TEXT).lower()
        if not text:
            return
        with self.db:
            self.db.execute(
                "INSERT INTO missed_searches (text, count) VALUES (?, 1) ON CONFLICT (text)"
                " DO UPDATE SET count = count + 1, last_seen = datetime('now')",
                (text,),
            )

    def record_outcome(
        self, *, fixed: bool, query: str, answers: str = "", article_id: str | None = None,
        step: int | None = None,
    ) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO outcomes (fixed, query, answers, article_id, step)"
                " VALUES (?, ?, ?, ?, ?)",
                (int(fixed), _clip(query, MAX_TEXT), _clip(answers, MAX_TEXT), article_id, step),
            )

    def vote_counts(self, limit: int = 100) -> list[VoteCount]:
        rows = self.db.execute(
            "SELECT article_id, SUM(helpful), SUM(1 - helpful), SUM(comment != '')"
            " FROM votes GROUP BY article_id ORDER BY COUNT(*) DESC LIMIT ?",
            (limit,),
        )
        return [VoteCount(*row) for row in rows]

    def comments(self, article_id: str, limit: int = 50) -> list[tuple[bool, str, str]]:
        rows = self.db.execute(
            "SELECT helpful, comment, created FROM votes WHERE article_id = ? AND comment != ''"
            " ORDER BY id DESC LIMIT ?",
            (article_id, limit),
        )
        return [(bool(helpful), comment, created) for helpful, comment, created in rows]

    def top_missed_searches(self, limit: int = 50) -> list[Miss]:
        rows = self.db.execute(
            "SELECT text, count, last_seen FROM missed_searches"
            " ORDER BY count DESC, last_seen DESC LIMIT ?",
            (limit,),
        )
        return [Miss(*row) for row in rows]

    def top_dead_ends(self, limit: int = 50) -> list[DeadEnd]:
        rows = self.db.execute(
            "SELECT query, answers, COUNT(*) AS n FROM outcomes WHERE fixed = 0"
            " GROUP BY lower(query), answers ORDER BY n DESC LIMIT ?",
            (limit,),
        )
        return [DeadEnd(*row) for row in rows]

    def fixes(self, limit: int = 50) -> list[tuple[str, int, int]]:
        """(article, step, count): which steps of which articles fix things."""
        rows = self.db.execute(
            "SELECT article_id, step, COUNT(*) AS n FROM outcomes WHERE fixed = 1"
            " GROUP BY article_id, step ORDER BY n DESC LIMIT ?",
            (limit,),
        )
        return [tuple(row) for row in rows]

    def vote_totals(self) -> VoteCount:
        """All votes together, under article_id "*"."""
        row = self.db.execute(
            "SELECT COALESCE(SUM(helpful), 0), COALESCE(SUM(1 - helpful), 0),"
            " COALESCE(SUM(comment != ''), 0) FROM votes"
        ).fetchone()
        return VoteCount("*", *row)

    def recent_comments(self, limit: int = 30) -> list[tuple[str, bool, str, str]]:
        """(article, helpful, comment, created), newest first, over every article."""
        rows = self.db.execute(
            "SELECT article_id, helpful, comment, created FROM votes WHERE comment != ''"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [(article, bool(helpful), comment, created)
                for article, helpful, comment, created in rows]
