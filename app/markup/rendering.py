"""Section bodies to sanitised HTML, and to blocks the wizard can walk.

One Markdown instance per format is built once and reset between sections (as
mkdocs does per page): building one costs far more than converting a section.
Article files are untrusted input, so every HTML string leaves through `sanitise`.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import nh3
from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from app.codes.recognise import codes_in
from app.markup.blocks import Block, blocks_text
from app.markup.kbtext import KBTextExtension, no_code_links

ALLOWED_TAGS = {
    "p", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "code", "a", "em", "strong",
    "b", "i", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "br", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def sanitise(html: str) -> str:
    """Keep structure and links, drop scripts, styles, handlers and foreign schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _plain(element: etree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


TAG = re.compile(r"<[^>]+>")


class BlockCollector(Treeprocessor):
    """Reads the finished tree back as `Block`s, the same for both formats."""

    def run(self, root: etree.Element) -> None:
        blocks: list[Block] = []
        for element in root:
            tag = element.tag
            stashed = self._stashed(element)
            if stashed is not None:
                blocks.append(Block("pre", stashed))
            elif tag == "p":
                blocks.append(Block("para", _plain(element)))
            elif tag in {"h3", "h4", "h5", "h6"}:
                blocks.append(Block("heading", _plain(element)))
            elif tag == "pre":
                blocks.append(Block("pre", "".join(element.itertext()).strip("\n")))
            elif tag in {"ul", "ol"}:
                items = tuple(_plain(li) for li in element if li.tag == "li")
                kind = "steps" if tag == "ol" else "bullets"
                blocks.append(Block(kind, items=items, start=int(element.get("start", 1))))
            elif tag == "blockquote":
                blocks.append(Block("pre", _plain(element)))
        self.md.kb_blocks = blocks  # type: ignore[attr-defined]

    def _stashed(self, element: etree.Element) -> str | None:
        """Fenced code waits in the HTML stash as a placeholder paragraph."""
        if element.tag != "p" or not element.text or len(element) > 0:
            return None
        stash = self.md.htmlStash
        for number, raw in enumerate(stash.rawHtmlBlocks):
            if element.text.strip() == stash.get_placeholder(number):
                return html.unescape(TAG.sub("", str(raw))).strip("\n")
        return None


class BlockCollectorExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API name
        # After "inline" (20), so links and emphasis are already elements.
        md.treeprocessors.register(BlockCollector(md), "kb_blocks", 5)


class SectionRenderer:
    """Renders section bodies of either format. Not thread-safe: one per worker.

    A conversion that raises (a RecursionError on deeply nested lists, a timeout
    interrupting it) can leave a Markdown instance half-reset, which rendered the
    sections after it without paragraphs; so on any error both instances are built
    anew before the error goes on: the next section renders as if the bad one had
    never been there."""

    def __init__(self, code_url: Callable[[str], str | None] = no_code_links) -> None:
        self._code_url = code_url
        self._build()

    def _build(self) -> None:
        collector = BlockCollectorExtension()
        self._archive = Markdown(extensions=[KBTextExtension(code_url=self._code_url), collector])
        self._markdown = Markdown(
            extensions=["fenced_code", "tables", "sane_lists", collector]
        )

    def render(self, source: str, *, archive: bool) -> tuple[str, list[Block], list[str]]:
        """Sanitised HTML, the blocks, and the canonical error codes in the text."""
        md = self._archive if archive else self._markdown
        try:
            md.reset()
            html = md.convert(source)
        except BaseException:
            self._build()
            raise
        blocks: list[Block] = md.kb_blocks  # type: ignore[attr-defined]
        if archive:
            codes = md.parser.blockprocessors["kbtext"].codes
        else:
            codes = codes_in(blocks_text(blocks))
        return sanitise(html), blocks, codes
