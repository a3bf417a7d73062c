"""The shape of a knowledge-base article once it has been read.

Both input formats (the archive's tab-indented text and helpdesk Markdown) end up
as the same `Article`, so the index, search and the wizard never care which
format an author used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


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


@dataclass
class Section:
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)
    html: str = ""

    @property
    def text(self) -> str:
        """Plain text of the section, for the index and snippets."""
        parts: list[str] = []
        for block in self.blocks:
            parts.append(block.text)
            parts.extend(block.items)
        return "\n".join(part for part in parts if part)


@dataclass
class Article:
    id: str
    title: str
    permalink: str
    source_path: str = ""
    products: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    operating_systems: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    last_modified: date | None = None
    applies_to: list[str] = field(default_factory=list)
    query_words: list[str] = field(default_factory=list)
    technology: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def number(self) -> int:
        return int(self.id[1:])

    def section(self, title: str) -> Section | None:
        wanted = title.upper()
        for section in self.sections:
            if section.title.upper() == wanted:
                return section
        return None


def article_to_dict(article: Article) -> dict:
    """A JSON-ready form, stored at index time so no request parses an article."""
    data = asdict(article)
    data["last_modified"] = article.last_modified.isoformat() if article.last_modified else None
    return data


def article_from_dict(data: dict) -> Article:
    fields = dict(data)
    modified = fields.get("last_modified")
    fields["last_modified"] = date.fromisoformat(modified) if modified else None
    fields["sections"] = [
        Section(
            title=section["title"],
            anchor=section["anchor"],
            html=section["html"],
            blocks=[
                Block(**{**block, "items": tuple(block["items"])}) for block in section["blocks"]
            ],
        )
        for section in fields.get("sections", [])
    ]
    return Article(**fields)
