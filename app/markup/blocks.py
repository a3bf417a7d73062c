"""A section body kept as data (paragraphs, headings, lists, steps, preformatted text),
so the wizard can walk steps and the index can read plain text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """One piece of a section's body, kept as data so the wizard can walk steps.

    kind is one of "para", "heading", "bullets", "steps", "pre".
    `text` holds a paragraph, heading or preformatted block; `items` the entries
    of a bullet list or of numbered steps, which start at `start`.
    """

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    start: int = 1


def blocks_text(blocks: Iterable[Block]) -> str:
    """Plain text of a section body, for the index and snippets."""
    parts: list[str] = []
    for block in blocks:
        parts.append(block.text)
        parts.extend(block.items)
    return "\n".join(part for part in parts if part)
