"""A plain SQLite FTS5 bm25 baseline, measured beside the system under test.

Deliberately naive (default tokenizer, no code or typo handling): it shows how much the
project's own search adds over what SQLite gives for free.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

TOKEN = re.compile(r"\w+")
TITLE_WEIGHT = 5.0


def fts_query(text: str) -> str:
    """Each word of the user text quoted and OR-joined, so no input is ever FTS5 syntax."""
    words = dict.fromkeys(w.lower() for w in TOKEN.findall(text))
    return " OR ".join(f'"{w}"' for w in words)


class Fts5Baseline:
    """An FTS5 table (id UNINDEXED, title, body) over the corpus, ranked by weighted bm25."""

    def __init__(self, db_path: Path) -> None:
        self.db = sqlite3.connect(db_path)
        self.build_seconds = 0.0

    @classmethod
    def build(cls, articles: Iterable[tuple[str, str, str]], db_path: Path) -> Fts5Baseline:
        """Create the table at db_path (replacing any old file) and record the build time."""
        db_path.unlink(missing_ok=True)
        started = time.perf_counter()
        baseline = cls(db_path)
        with baseline.db:
            baseline.db.execute("CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, body)")
            baseline.db.executemany("INSERT INTO t (id, title, body) VALUES (?, ?, ?)", articles)
            baseline.db.execute("INSERT INTO t (t) VALUES ('optimize')")
        baseline.build_seconds = time.perf_counter() - started
        return baseline

    def search(self, query: str, limit: int = 10) -> list[str]:
        """Article ids best first; empty when the text has no words."""
        match = fts_query(query)
        if not match:
            return []
        rows = self.db.execute(
            f"SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t, 0, {TITLE_WEIGHT}, 1.0) LIMIT ?",
            (match, limit),
        )
        return [row[0] for row in rows]

    def close(self) -> None:
        """Release the database file."""
        self.db.close()
