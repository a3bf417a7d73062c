"""A readable diff of two versions: difflib's unified diff of the article file's text
(and of its tree), as lines a template marks added, removed or unchanged."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

CONTEXT_LINES = 3


@dataclass(frozen=True)
class DiffLine:
    kind: str     # "add", "remove", "same", "hunk" (the @@ line: where the next lines are)
    text: str


def diff_lines(old: str, new: str, old_label: str, new_label: str) -> list[DiffLine]:
    """The changed lines with CONTEXT_LINES of context; empty when the texts are equal."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), old_label,
                                     new_label, n=CONTEXT_LINES, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        kind = {"@": "hunk", "+": "add", "-": "remove"}.get(line[:1], "same")
        lines.append(DiffLine(kind, line[1:] if kind != "hunk" else line))
    return lines
