"""Insights: the latest texts of a gap (its searches, misses, hand-overs and "no"
votes) read from an index of their own.

The dashboard reads the 50 latest of these per gap for its 50 gaps. Through
(gap, created) with the kind as a filter, PostgreSQL without fresh statistics (a
busy table between two autovacuum analyses) ANDs the gap index with the kind index
(a third of the table) and spent 30-65 ms per gap, about 1 s per load over a million
events. This partial index holds only those kinds, in time order per gap: 50 rows
read per gap, whatever the statistics say.

Revision ID: 0006_insights_gap_text
Revises: 0005_insights
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_insights_gap_text"
down_revision = "0005_insights"
branch_labels = None
depends_on = None

# The kinds app/insights/gaps.py reads a gap's texts from (TEXT_KINDS), as literals:
# the planners use a partial index only for a query whose WHERE repeats them.
TEXT_KINDS = "kind IN ('search_miss', 'search', 'walk_handover', 'vote_no')"


def upgrade() -> None:
    op.create_index("insight_events_gap_text", "insight_events", ["gap", "created"],
                    postgresql_where=sa.text(TEXT_KINDS), sqlite_where=sa.text(TEXT_KINDS))


def downgrade() -> None:
    op.drop_index("insight_events_gap_text", table_name="insight_events")
