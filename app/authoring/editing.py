"""The editor's one step between a form and a version: read the fields as the index
run will (bounded), list what `check` would find, and publish only what reads.

A finding is advice shown beside the editor (no symptoms, no steps, an unreadable
code, a link to a missing article); an id a file already holds and a tree with
problems are refused, since the index would skip them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from app.articles.loader import ArticleError
from app.articles.model import Article
from app.articles.trees import MAX_TREE_BYTES
from app.authoring.findings import Finding, article_findings, tree_findings
from app.authoring.sandbox import read_bounded
from app.authoring.source import Fields, compose, problems_of
from app.authoring.versions import Version, publish
from app.staff.audit import RefusedError

BLOCKING = frozenset({"duplicate", "tree"})


@dataclass
class Reading:
    """The article as readers will see it, or why it cannot be read; and the findings."""

    source: str
    article: Article | None = None
    problems: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocking(self) -> list[Finding]:
        return [found for found in self.findings if found.kind in BLOCKING]


def read_fields(fields: Fields, tree: str, *, exists: Callable[[str], bool],
                held_elsewhere: Callable[[str], bool]) -> Reading:
    reading = Reading(compose(fields), problems=problems_of(fields))
    if len(tree.encode("utf-8")) > MAX_TREE_BYTES:
        reading.problems.append(f"The tree is at most {MAX_TREE_BYTES // 1000} KB.")
    if reading.problems:
        return reading
    try:
        reading.article = read_bounded(reading.source)
    except ArticleError as error:
        reading.problems.append(f"The article cannot be read: {error}.")
        return reading
    reading.findings = [
        *article_findings(reading.article, fields.codes, fields.body, exists=exists,
                          held_elsewhere=held_elsewhere),
        *tree_findings(tree, reading.article, f"{reading.article.id}.tree.yaml", exists)]
    return reading


def publish_fields(engine: Engine, fields: Fields, tree: str, *, base: int, author: str,
                   summary: str, exists: Callable[[str], bool],
                   held_elsewhere: Callable[[str], bool]) -> tuple[Version, Reading]:
    """Read, check and publish; RefusedError (400) when it cannot be read or a finding
    blocks it, (409) when someone published meanwhile."""
    reading = read_fields(fields, tree, exists=exists, held_elsewhere=held_elsewhere)
    if reading.problems:
        raise RefusedError(" ".join(reading.problems), 400, reading=reading)
    if reading.blocking:
        raise RefusedError("Not published: " + " ".join(f.message for f in reading.blocking),
                           400, reading=reading)
    assert reading.article is not None
    published = publish(engine, reading.article.id, reading.source,
                        tree.replace("\r\n", "\n") if tree.strip() else "", base=base,
                        author=author, summary=summary, title=reading.article.title)
    return published, reading
