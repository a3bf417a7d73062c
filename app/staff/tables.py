"""The staff tables, as SQLAlchemy Core sees them (migration 0003_staff creates them).

Times are UTC text `YYYY-MM-DD HH:MM:SS`, like the activity tables'. `staff_state`
holds one row whose `version` every change raises in its own transaction: a worker
asks for that one number (at most once a second) to know whether its copy of the
overlays is stale.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, Table, Text, UniqueConstraint

metadata = MetaData()

accounts = Table(
    "staff_accounts", metadata,
    Column("name", Text, primary_key=True),
    Column("role", Text, nullable=False),
    Column("password_hash", Text, nullable=False, server_default=""),
    Column("disabled", Integer, nullable=False, server_default="0"),
    Column("created", Text, nullable=False),
)

# A signed-in browser: the cookie carries the token, the table its SHA-256, so a
# copy of the database signs nobody in, and signing out ends it on every instance.
sessions = Table(
    "staff_sessions", metadata,
    Column("token_hash", Text, primary_key=True),
    Column("account", Text, nullable=False),
    Column("created", Text, nullable=False),
    Index("staff_sessions_account", "account"),
)

notes = Table(
    "staff_notes", metadata,
    Column("article_id", Text, primary_key=True),
    Column("text", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("updated", Text, nullable=False),
    Column("revision", Integer, nullable=False),
)

retired = Table(
    "staff_retired", metadata,
    Column("article_id", Text, primary_key=True),
    Column("replacement", Text),
    Column("reason", Text, nullable=False, server_default=""),
    Column("author", Text, nullable=False),
    Column("updated", Text, nullable=False),
)

reviews = Table(
    "staff_reviews", metadata,
    Column("article_id", Text, primary_key=True),
    Column("due", Text, nullable=False),  # YYYY-MM-DD
    Column("author", Text, nullable=False),
    Column("updated", Text, nullable=False),
)

# kind "code": key is a canonical code; kind "words": the sorted stems of a query.
pins = Table(
    "staff_pins", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("typed", Text, nullable=False),
    Column("article_id", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("updated", Text, nullable=False),
    UniqueConstraint("kind", "key", name="staff_pins_key"),
)

audit = Table(
    "staff_audit", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("article_id", Text, nullable=False, server_default=""),
    Column("subject", Text, nullable=False, server_default=""),
    Column("before", Text, nullable=False, server_default=""),
    Column("after", Text, nullable=False, server_default=""),
    Index("staff_audit_actor", "actor", "id"),
    Index("staff_audit_article", "article_id", "id"),
)

state = Table(
    "staff_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)
