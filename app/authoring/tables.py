"""The authoring tables, as SQLAlchemy Core sees them (migration 0004_authoring).

`authored_versions.id` grows with every publish, revert and delete on any instance:
its maximum is the change counter each instance polls to know that its index is
behind the database. `source` is the article file's whole text and `tree` the
tree.yaml beside it ("" for none); a delete is a version with an empty source.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text

metadata = MetaData()

versions = Table(
    "authored_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Text, nullable=False),
    Column("number", Integer, nullable=False),
    Column("action", Text, nullable=False),    # publish, revert, delete
    Column("author", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("summary", Text, nullable=False, server_default=""),
    Column("source", Text, nullable=False, server_default=""),
    Column("tree", Text, nullable=False, server_default=""),
    Index("authored_versions_article", "article_id", "number", unique=True),
)

# The latest version of each article: what is published now (deleted: not at all).
articles = Table(
    "authored_articles", metadata,
    Column("article_id", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("deleted", Integer, nullable=False, server_default="0"),
    Column("title", Text, nullable=False, server_default=""),
    Column("updated", Text, nullable=False),
)

# One draft per article and author, saved without publishing; `base` is the version
# it was started from (0: a new article).
drafts = Table(
    "authored_drafts", metadata,
    Column("article_id", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("base", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Column("tree", Text, nullable=False, server_default=""),
    Column("updated", Text, nullable=False),
    PrimaryKeyConstraint("article_id", "author", name="authored_drafts_pk"),
)
