"""The activity database's tables, as SQLAlchemy Core sees them.

The migrations in `migrations/versions/` create them; this is what queries are
written against. Times are UTC text, `YYYY-MM-DD HH:MM:SS`, as SQLite's
`datetime('now')` wrote them before the database could be PostgreSQL: they compare
and sort as text in both.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, MetaData, Table, Text

metadata = MetaData()

votes = Table(
    "votes", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Text, nullable=False),
    Column("helpful", Integer, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("created", Text, nullable=False),
)

missed_searches = Table(
    "missed_searches", metadata,
    Column("text", Text, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("last_seen", Text, nullable=False),
)

outcomes = Table(
    "outcomes", metadata,
    Column("id", Integer, primary_key=True),
    Column("fixed", Integer, nullable=False),
    Column("query", Text, nullable=False),
    Column("answers", Text, nullable=False, server_default=""),
    Column("article_id", Text),
    Column("step", Integer),
    Column("created", Text, nullable=False),
)

# What retention keeps of the rows it deletes: per day, per kind ("helpful",
# "not_helpful", "comment", "fixed", "dead_end"), per article and step ("" and 0 when
# there is none), how many there were.
daily_counts = Table(
    "daily_counts", metadata,
    Column("day", Text, primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("article_id", Text, primary_key=True),
    Column("step", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
)

# One row per event a rate limit counted (a vote, a wrong password), so every worker
# and every machine counts against the same window. `at` is Unix time.
rate_events = Table(
    "rate_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("bucket", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("at", Float, nullable=False),
    Index("rate_events_key", "bucket", "key", "at"),
)
