"""Staff accounts and sessions, the help desk's overlays on articles, pins, the audit
log, and the change counter every worker polls.

Revision ID: 0003_staff
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_staff"
down_revision = "0002"
branch_labels = None
depends_on = None


def _text(name: str, **kw) -> sa.Column:
    return sa.Column(name, sa.Text, **kw)


def upgrade() -> None:
    op.create_table(
        "staff_accounts", _text("name", primary_key=True), _text("role", nullable=False),
        _text("password_hash", nullable=False, server_default=""),
        sa.Column("disabled", sa.Integer, nullable=False, server_default="0"),
        _text("created", nullable=False))
    op.create_table(
        "staff_sessions", _text("token_hash", primary_key=True),
        _text("account", nullable=False), _text("created", nullable=False))
    op.create_index("staff_sessions_account", "staff_sessions", ["account"])
    op.create_table(
        "staff_notes", _text("article_id", primary_key=True), _text("text", nullable=False),
        _text("html", nullable=False), _text("author", nullable=False),
        _text("updated", nullable=False), sa.Column("revision", sa.Integer, nullable=False))
    op.create_table(
        "staff_retired", _text("article_id", primary_key=True), _text("replacement"),
        _text("reason", nullable=False, server_default=""), _text("author", nullable=False),
        _text("updated", nullable=False))
    op.create_table(
        "staff_reviews", _text("article_id", primary_key=True), _text("due", nullable=False),
        _text("author", nullable=False), _text("updated", nullable=False))
    op.create_table(
        "staff_pins", sa.Column("id", sa.Integer, primary_key=True),
        _text("kind", nullable=False), _text("key", nullable=False),
        _text("typed", nullable=False), _text("article_id", nullable=False),
        _text("author", nullable=False), _text("updated", nullable=False),
        sa.UniqueConstraint("kind", "key", name="staff_pins_key"))
    op.create_table(
        "staff_audit", sa.Column("id", sa.Integer, primary_key=True),
        _text("at", nullable=False), _text("actor", nullable=False),
        _text("action", nullable=False), _text("article_id", nullable=False, server_default=""),
        _text("subject", nullable=False, server_default=""),
        _text("before", nullable=False, server_default=""),
        _text("after", nullable=False, server_default=""))
    op.create_index("staff_audit_actor", "staff_audit", ["actor", "id"])
    op.create_index("staff_audit_article", "staff_audit", ["article_id", "id"])
    state = op.create_table(
        "staff_state", sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False))
    op.bulk_insert(state, [{"id": 1, "version": 0}])


def downgrade() -> None:
    for table in ("staff_state", "staff_audit", "staff_pins", "staff_reviews", "staff_retired",
                  "staff_notes", "staff_sessions", "staff_accounts"):
        op.drop_table(table)
