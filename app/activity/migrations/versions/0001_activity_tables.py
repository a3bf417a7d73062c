"""The activity tables as they were before migrations: votes, missed searches, outcomes.

A database made by the old `CREATE TABLE IF NOT EXISTS` code already has them: only
what is missing is created, so its rows stay where they are.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "votes" not in existing:
        op.create_table(
            "votes",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("article_id", sa.Text, nullable=False),
            sa.Column("helpful", sa.Integer, nullable=False),
            sa.Column("comment", sa.Text, nullable=False, server_default=""),
            sa.Column("created", sa.Text, nullable=False),
        )
        op.create_index("votes_article", "votes", ["article_id"])
    if "missed_searches" not in existing:
        op.create_table(
            "missed_searches",
            sa.Column("text", sa.Text, primary_key=True),
            sa.Column("count", sa.Integer, nullable=False),
            sa.Column("last_seen", sa.Text, nullable=False),
        )
    if "outcomes" not in existing:
        op.create_table(
            "outcomes",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("fixed", sa.Integer, nullable=False),
            sa.Column("query", sa.Text, nullable=False),
            sa.Column("answers", sa.Text, nullable=False, server_default=""),
            sa.Column("article_id", sa.Text),
            sa.Column("step", sa.Integer),
            sa.Column("created", sa.Text, nullable=False),
        )


def downgrade() -> None:
    for table in ("outcomes", "missed_searches", "votes"):
        op.drop_table(table)
