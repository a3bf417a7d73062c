"""Insights: one row per event a visit left (searches, results followed, wizard
screens and ends, votes), indexed for the dashboards' reads by kind, walk and gap;
the counts in daily_counts indexed by kind and day; and the gaps a lead dismissed.

Revision ID: 0005_insights
Revises: 0004_authoring
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_insights"
down_revision = "0004_authoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
        sa.Column("walk", sa.Text),
        sa.Column("query", sa.Text, nullable=False, server_default=""),
        sa.Column("gap", sa.Text, nullable=False, server_default=""),
        sa.Column("article_id", sa.Text),
        sa.Column("step", sa.Integer),
        sa.Column("screen", sa.Text, nullable=False, server_default=""),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("state", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("insight_events_kind_created", "insight_events", ["kind", "created"])
    op.create_index("insight_events_walk", "insight_events", ["walk", "created"])
    op.create_index("insight_events_gap", "insight_events", ["gap", "created"])
    # The dashboards read daily_counts by kind and period (its key leads with the day).
    op.create_index("daily_counts_kind_day", "daily_counts",
                    ["kind", "day", "article_id", "count"])
    op.create_table(
        "insight_dismissed",
        sa.Column("gap", sa.Text, primary_key=True),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("insight_dismissed")
    op.drop_index("daily_counts_kind_day", table_name="daily_counts")
    for index in ("insight_events_gap", "insight_events_walk", "insight_events_kind_created"):
        op.drop_index(index, table_name="insight_events")
    op.drop_table("insight_events")
