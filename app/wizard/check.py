"""`flask --app app check`: authored trees and what the wizard can do with each article."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.articles.model import Article, article_from_dict
from app.articles.sections import SYMPTOM_SECTIONS
from app.articles.trees import check_stored_trees
from app.wizard.fixes import fix_steps


@dataclass
class Coverage:
    """What the wizard can do with each article of a knowledge base."""

    total: int = 0
    by_code: int = 0
    by_message: int = 0
    unreachable: list[str] = field(default_factory=list)   # nothing a paste could match
    no_steps: list[str] = field(default_factory=list)      # found, but no fix to walk


def coverage(articles: Iterable[Article]) -> Coverage:
    """Articles the wizard can never reach: no error code, no quoted message and no
    symptoms to match what a person pastes (only the title's words); and articles it
    reaches but cannot walk through (no resolution, workaround or status)."""
    report = Coverage()
    for article in articles:
        report.total += 1
        report.by_code += bool(article.codes)
        report.by_message += bool(article.messages)
        if not article.codes and not article.messages and not any(
                article.section(name) for name in SYMPTOM_SECTIONS):
            report.unreachable.append(article.id)
        elif not fix_steps(article):
            report.no_steps.append(article.id)
    return report


@dataclass
class CheckReport:
    trees: int
    problems: list[str]
    coverage: Coverage

    def format(self, show: int = 20) -> str:
        cover = self.coverage

        def listed(ids: list[str]) -> str:
            return f"{len(ids)}" + (f", e.g. {' '.join(ids[:show])}" if ids else "")

        return "\n".join([
            f"authored trees: {self.trees} checked, {len(self.problems)} problems",
            *(f"  {problem}" for problem in self.problems),
            f"articles: {cover.total}; with an error code {cover.by_code}, with a quoted "
            f"message {cover.by_message}",
            f"never reached by the wizard (no code, no message, no symptoms): "
            f"{listed(cover.unreachable)}",
            f"reached but no steps to walk (no resolution, workaround or status): "
            f"{listed(cover.no_steps)}",
        ])


def check_knowledge_base(kb_dir: Path, store) -> CheckReport:
    """`flask --app app check`: every authored tree (targets, loops, reachability) and
    the wizard's coverage of the articles in `store` (an `ArticleStore`).

    Trees come from the store, where the index run read and checked them (bounded:
    tree files are untrusted); `kb_dir` is kept for callers that pass it."""
    paths = {path: state.article_id for path, state in store.file_states().items()}

    def sections_of(path: str) -> list[str] | None:
        found = store.get(paths[path]) if paths.get(path) else None
        return [section.anchor for section in found.sections] if found else None

    trees, problems = check_stored_trees(store.tree_rows().values(), sections_of,
                                         lambda article_id: store.path_of(article_id) is not None)
    rows = store.db.execute("SELECT data FROM articles ORDER BY id")
    return CheckReport(trees, problems,
                       coverage(article_from_dict(json.loads(row[0])) for row in rows))
