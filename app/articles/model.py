"""The shape of a knowledge-base article once it has been read.

Both input formats (the archive's tab-indented text and helpdesk Markdown) end up
as the same `Article`, so the index, search and the wizard never care which
format an author used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from app.markup.blocks import Block, blocks_text


@dataclass
class Section:
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)
    html: str = ""

    @property
    def text(self) -> str:
        """Plain text of the section, for the index and snippets."""
        return blocks_text(self.blocks)


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
