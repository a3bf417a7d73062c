"""The help desk's own articles written in the browser: versions, the published
state of each article and drafts.

Revision ID: 0004_authoring
Revises: 0003_staff
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_authoring"
down_revision = "0003_staff"
branch_labels = None
depends_on = None


def _text(name: str, **kw) -> sa.Column:
    return sa.Column(name, sa.Text, **kw)


def upgrade() -> None:
    op.create_table(
        "authored_versions", sa.Column("id", sa.Integer, primary_key=True),
        _text("article_id", nullable=False), sa.Column("number", sa.Integer, nullable=False),
        _text("action", nullable=False), _text("author", nullable=False),
        _text("at", nullable=False), _text("summary", nullable=False, server_default=""),
        _text("source", nullable=False, server_default=""),
        _text("tree", nullable=False, server_default=""))
    op.create_index("authored_versions_article", "authored_versions",
                    ["article_id", "number"], unique=True)
    op.create_table(
        "authored_articles", _text("article_id", primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Integer, nullable=False, server_default="0"),
        _text("title", nullable=False, server_default=""), _text("updated", nullable=False))
    op.create_table(
        "authored_drafts", _text("article_id", nullable=False), _text("author", nullable=False),
        sa.Column("base", sa.Integer, nullable=False), _text("source", nullable=False),
        _text("tree", nullable=False, server_default=""), _text("updated", nullable=False),
        sa.PrimaryKeyConstraint("article_id", "author", name="authored_drafts_pk"))


def downgrade() -> None:
    for table in ("authored_drafts", "authored_articles", "authored_versions"):
        op.drop_table(table)
