"""What `flask --app app check` and the loader would say about an article before it
is published, shown beside the editor: no symptoms, no fix steps, a code the
recogniser cannot read, an id another article holds, a link to a missing article,
and every problem of its decision tree (the checker of app/articles/trees.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.articles.model import Article
from app.articles.sections import SYMPTOM_SECTIONS
from app.articles.trees import parse_tree, reference_problems
from app.codes.recognise import as_code
from app.wizard.fixes import fix_steps

# A link to an article: its permalink (/kb/198/Q198704/) or a bare id as the target.
LINKED = re.compile(r"/kb/\d{3}/(Q\d{5,7})\b|\]\(\s*(Q\d{5,7})\s*\)", re.I)


@dataclass(frozen=True)
class Finding:
    kind: str       # symptoms, steps, code, duplicate, link, tree
    message: str


def article_findings(article: Article, listed_codes: list[str], body: str, *,
                     exists: Callable[[str], bool],
                     held_elsewhere: Callable[[str], bool]) -> list[Finding]:
    """The article's own findings; `exists(id)` says an article is in the knowledge
    base, `held_elsewhere(id)` that a file (not the editor) already holds this id."""
    found = []
    if not any(article.section(name) for name in SYMPTOM_SECTIONS):
        found.append(Finding("symptoms", "No “## Symptoms” section: search weighs the "
                             "symptoms first and the wizard quotes them."))
    if not fix_steps(article):
        found.append(Finding("steps", "No fix steps: add a “## Resolution” (or "
                             "“## Workaround”) with what to try, so the wizard can walk it."))
    for code in listed_codes:
        if as_code(code) is None:
            found.append(Finding("code", f"The code {code!r} is not one the recogniser can "
                                 "read: people who paste it will not find this article."))
    if held_elsewhere(article.id):
        found.append(Finding("duplicate", f"{article.id} is already the id of an article "
                             "file; choose another id (the file would keep it)."))
    for match in LINKED.finditer(body):
        target = (match.group(1) or match.group(2)).upper()
        if target != article.id and not exists(target):
            found.append(Finding("link", f"The link to {target} goes to an article that "
                                 "is not in this knowledge base."))
    return found


def tree_findings(tree_text: str, article: Article | None, label: str,
                  exists: Callable[[str], bool]) -> list[Finding]:
    """Every problem of a tree.yaml, as `flask check` lists them (empty: no tree)."""
    if not tree_text.strip():
        return []
    tree, problems = parse_tree(tree_text, label)
    if tree is not None and article is not None:
        problems = [*problems, *reference_problems(
            tree, [section.anchor for section in article.sections], exists)]
    return [Finding("tree", problem) for problem in problems]
