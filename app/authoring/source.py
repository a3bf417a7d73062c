"""An authored article's text: the editor's fields to the file format and back, and
the article the loader reads from it.

The stored text is a help-desk article file (README "Writing your own articles"):
YAML front matter (id, title, products, codes, messages, and any other field an
imported file carried, kept as it was) and a Markdown body of `## Symptoms`,
`## Cause`, `## Resolution` sections. Reading goes through the loader itself, so the
editor's preview, the index and an exported file can never disagree.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.articles.ids import article_id
from app.articles.loader import ArticleError, load_article, split_front_matter
from app.articles.model import Article
from app.markup.rendering import SectionRenderer

LISTS = ("products", "codes", "messages")
# The front matter's fields the editor shows; the others ride along untouched.
EDITED = ("id", "title", *LISTS)
MAX_TITLE = 200
MAX_BODY = 60_000
MAX_ITEMS = 40
MAX_ITEM = 400
BODY_TEMPLATE = ("## Symptoms\n\n\n\n## Cause\n\n\n\n## Resolution\n\n1. \n2. \n3. \n\n"
                 "## More information\n\n")


@dataclass
class Fields:
    """What the editor's form holds."""

    id: str = ""
    title: str = ""
    products: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    body: str = ""
    extra: dict = field(default_factory=dict)   # other front-matter fields, kept


def lines_of(text: str) -> list[str]:
    """One item per non-empty line of a textarea (products, codes, messages)."""
    return [" ".join(line.split()) for line in str(text).splitlines() if line.strip()]


def problems_of(fields: Fields) -> list[str]:
    """What stops these fields from being an article file at all (a 400, not a finding)."""
    problems = []
    if article_id(fields.id) is None:
        problems.append(f"{fields.id[:20]!r} is not an article id: a Q and 5 to 7 digits, "
                        "like Q900101.")
    if not fields.title.strip():
        problems.append("The article needs a title.")
    elif len(fields.title) > MAX_TITLE:
        problems.append(f"The title is at most {MAX_TITLE} characters.")
    if len(fields.body) > MAX_BODY:
        problems.append(f"The body is at most {MAX_BODY:,} characters; this one has "
                        f"{len(fields.body):,}.")
    for name in LISTS:
        values = getattr(fields, name)
        if len(values) > MAX_ITEMS or any(len(value) > MAX_ITEM for value in values):
            problems.append(f"At most {MAX_ITEMS} {name}, each at most {MAX_ITEM} characters.")
    return problems


def compose(fields: Fields) -> str:
    """The article file's text. Values are written as JSON strings (valid YAML that
    needs no quoting rules), so a title with a colon or a quote reads back as typed."""
    identifier = article_id(fields.id) or fields.id.strip()
    lines = ["---", f"id: {identifier}", f"title: {json.dumps(' '.join(fields.title.split()))}"]
    for name in LISTS:
        values = getattr(fields, name)
        if values:
            lines.append(f"{name}: {json.dumps(values, ensure_ascii=False)}")
    if fields.extra:
        lines.append(yaml.safe_dump(fields.extra, sort_keys=False, allow_unicode=True,
                                    default_flow_style=None, width=10_000).rstrip("\n"))
    body = fields.body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return "\n".join([*lines, "---", body, ""])


def decompose(text: str) -> Fields:
    """The editor's fields from an article file's text (ArticleError if unreadable)."""
    meta, body = split_front_matter(text, archive=False)

    def listed(key: str) -> list[str]:
        value = meta.get(key) or []
        return [str(item).strip() for item in (value if isinstance(value, list) else [value])
                if str(item).strip()]

    return Fields(id=str(meta.get("id", "")), title=str(meta.get("title") or ""),
                  products=listed("products"), codes=listed("codes"),
                  messages=listed("messages"), body=body.strip("\n"),
                  extra={key: value for key, value in meta.items() if key not in EDITED})


def read_article(text: str, renderer: SectionRenderer | None = None) -> Article:
    """The Article the index run would read from this text: through the loader, from a
    file, with its size, YAML and nesting rules (ArticleError with the reason)."""
    fields = decompose(text)
    identifier = article_id(fields.id)
    if identifier is None:
        raise ArticleError("front matter has no valid 'id' (e.g. id: Q900001)")
    with tempfile.TemporaryDirectory(prefix="kb-authoring-") as folder:
        path = Path(folder) / f"{identifier}.md"
        path.write_text(text, encoding="utf-8")
        return load_article(path, renderer or SectionRenderer(), Path(folder))
