"""The insights tables (migration 0005_insights creates them).

`insight_events` holds one row per thing a visit did that tells the help desk something:
a search and whether it found anything, a result followed, a wizard screen, a walk's
end, a vote. Nothing about the person: no address, no cookie, no account. A walk is
tied together by a random id the wizard's links carry (`walk=`), made for that walk
only. `gap` is the group the text belongs to (see grouping.py), computed once when
the row is written so reading never parses queries.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, Table, Text, text

metadata = MetaData()
# The kinds a gap's texts are read from (gaps.py), as SQL literals: a partial index is
# used only by a query whose WHERE repeats its condition, values and all.
TEXT_KINDS = ("search_miss", "search", "walk_handover", "vote_no")
TEXT_KINDS_SQL = "kind IN (" + ", ".join(f"'{kind}'" for kind in TEXT_KINDS) + ")"

events = Table(
    "insight_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("created", Text, nullable=False),
    Column("walk", Text),
    Column("query", Text, nullable=False, server_default=""),
    Column("gap", Text, nullable=False, server_default=""),
    Column("article_id", Text),
    Column("step", Integer),
    Column("screen", Text, nullable=False, server_default=""),
    Column("detail", Text, nullable=False, server_default=""),
    Column("state", Text, nullable=False, server_default=""),
    Index("insight_events_kind_created", "kind", "created"),
    Index("insight_events_walk", "walk", "created"),
    Index("insight_events_gap", "gap", "created"),
    # A gap's latest texts (migration 0006 says why): only the kinds gaps.py reads.
    Index("insight_events_gap_text", "gap", "created",
          postgresql_where=text(TEXT_KINDS_SQL), sqlite_where=text(TEXT_KINDS_SQL)),
)

# A gap a lead dismissed (the audit log says who and why); one row per gap key.
dismissed = Table(
    "insight_dismissed", metadata,
    Column("gap", Text, primary_key=True),
    Column("actor", Text, nullable=False),
    Column("created", Text, nullable=False),
)
