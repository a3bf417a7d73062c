"""Daily counts that outlive retention, shared rate-limit events, indexes by age.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_counts",
        sa.Column("day", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("article_id", sa.Text, primary_key=True),
        sa.Column("step", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bucket", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("rate_events_key", "rate_events", ["bucket", "key", "at"])
    op.create_index("votes_created", "votes", ["created"])
    op.create_index("outcomes_created", "outcomes", ["created"])
    op.create_index("missed_searches_last_seen", "missed_searches", ["last_seen"])


def downgrade() -> None:
    for index, table in (("missed_searches_last_seen", "missed_searches"),
                         ("outcomes_created", "outcomes"), ("votes_created", "votes")):
        op.drop_index(index, table_name=table)
    op.drop_table("rate_events")
    op.drop_table("daily_counts")
