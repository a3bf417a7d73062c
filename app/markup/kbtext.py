"""The archive's plain-text article body as a Python-Markdown extension.

The archive hard-wraps everything at 80 columns and marks structure only with
indentation and leading markers, so plain Markdown would read it wrongly (as code
blocks, or as emphasis wherever a `*` appears). This extension takes over block
parsing for such a body: paragraphs are re-flowed, `----`-underlined lines become
sub-headings, `*`/`-` items bullet lists, `1.` items ordered steps, and indented
runs (code, command lines, error-message boxes, event-log excerpts) keep their line
breaks. All text is atomic, so no Markdown or raw HTML inside an article is ever
interpreted; error codes are linked through a swappable `code_url`, as the
wikilinks extension does with `build_url`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.util import AtomicString

from app.codes.recognise import find_codes

STEP = re.compile(r"^(\d{1,2})[.)]\s+(.*)$")
BULLET = re.compile(r"^\s{0,4}[*\-o•]\s+(.*)$")
UNDERLINE = re.compile(r"^\s*(-{3,}|={3,})\s*$")
COLUMN_GAP = re.compile(r"\S {3,}\S")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _reflow(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines if line.strip())


def _is_subheading(title: str, underline: str) -> bool:
    """A `----` line directly under a short line of similar length is a heading."""
    title = title.strip()
    dashes = underline.strip()
    # "----  -----" under column names is the rule of a text table, not a heading.
    if not title or not dashes.startswith("-") or " " in dashes or BULLET.match(title):
        return False
    return len(title) <= 80 and abs(len(dashes) - len(title)) <= max(3, len(title) // 3)


def parse_blocks(text: str) -> list[tuple[str, object]]:
    """Split one section's body into (kind, payload) pairs.

    kind is "para" (str), "heading" (str), "pre" (str), "bullets" (list of str)
    or "steps" ((start, list of str)).
    """
    lines = [line.rstrip() for line in text.expandtabs(8).split("\n")]
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)

    blocks: list[tuple[str, object]] = []

    def last_kind() -> str | None:
        return blocks[-1][0] if blocks else None

    for para in paragraphs:
        # A sub-heading may open a paragraph: split it off first.
        while len(para) >= 2 and _is_subheading(para[0], para[1]):
            blocks.append(("heading", para[0].strip()))
            para = para[2:]
        if not para:
            continue
        # Lines that are only dashes or equals signs are decoration.
        para = [line for line in para if not UNDERLINE.match(line)]
        if not para:
            continue
        first = para[0]
        step = STEP.match(first)
        bullet = BULLET.match(first)
        if step and _indent(first) == 0:
            items = _split_items(para, STEP)
            if last_kind() == "steps":
                start, previous = blocks[-1][1]  # type: ignore[misc]
                blocks[-1] = ("steps", (start, previous + items))
            else:
                blocks.append(("steps", (int(step.group(1)), items)))
        elif bullet:
            items = _split_items(para, BULLET)
            if last_kind() == "bullets":
                blocks[-1] = ("bullets", blocks[-1][1] + items)  # type: ignore[operator]
            else:
                blocks.append(("bullets", items))
        elif _indent(first) >= 2 or _is_table(para):
            margin = min(_indent(line) for line in para)
            body = "\n".join(line[margin:] for line in para)
            if last_kind() == "pre" and _pre_continues(blocks[-1][1]):  # type: ignore[arg-type]
                blocks[-1] = ("pre", f"{blocks[-1][1]}\n\n{body}")
            else:
                blocks.append(("pre", body))
        else:
            blocks.append(("para", _reflow(para)))
    return blocks


def _is_table(para: list[str]) -> bool:
    """Text tables (`| 600 | PENDING |`, or columns aligned with runs of spaces)
    keep their lines; re-flowed, their columns would run together."""
    framed = sum(1 for line in para if line.lstrip().startswith(("|", "+-")))
    aligned = sum(1 for line in para if COLUMN_GAP.search(line.strip()))
    return len(para) >= 2 and (framed * 2 >= len(para) or aligned * 2 > len(para))


def _pre_continues(previous: str) -> bool:
    """Code listings have blank lines inside; keep them one block up to a size."""
    return previous.count("\n") < 60


def _split_items(para: list[str], marker: re.Pattern[str]) -> list[str]:
    """Items of a list paragraph; unmarked lines continue the item above."""
    items: list[list[str]] = []
    for line in para:
        match = marker.match(line)
        if match and (marker is BULLET or _indent(line) == 0):
            items.append([match.group(match.lastindex or 1)])
        elif items:
            items[-1].append(line)
        else:
            items.append([line])
    return [_reflow(item) for item in items]


class KBTextProcessor(BlockProcessor):
    """Claims the whole body: the archive format has no Markdown in it.

    The codes it finds while linking are kept in `codes`, so an article's text is
    scanned for codes once.
    """

    def __init__(self, parser, code_url: Callable[[str], str | None]) -> None:
        super().__init__(parser)
        self.code_url = code_url
        self.codes: list[str] = []

    def test(self, parent: etree.Element, block: str) -> bool:
        return True

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        text = "\n\n".join(blocks)
        blocks.clear()
        self.codes = []
        for kind, payload in parse_blocks(text):
            if kind == "para":
                self._text(etree.SubElement(parent, "p"), payload)  # type: ignore[arg-type]
            elif kind == "heading":
                self._text(etree.SubElement(parent, "h3"), payload)  # type: ignore[arg-type]
            elif kind == "pre":
                self._text(etree.SubElement(parent, "pre"), payload)  # type: ignore[arg-type]
            elif kind == "bullets":
                ul = etree.SubElement(parent, "ul")
                for item in payload:  # type: ignore[attr-defined]
                    self._text(etree.SubElement(ul, "li"), item)
            else:
                start, items = payload  # type: ignore[misc]
                ol = etree.SubElement(parent, "ol")
                if start != 1:
                    ol.set("start", str(start))
                for item in items:
                    self._text(etree.SubElement(ol, "li"), item)

    def _text(self, element: etree.Element, text: str) -> None:
        """Set text, turning each error code into a link where `code_url` gives one."""
        position = 0
        previous: etree.Element | None = None
        for mention in find_codes(text):
            self.codes.append(mention.canonical)
            url = self.code_url(mention.canonical)
            if url is None:
                continue
            chunk = AtomicString(text[position : mention.start])
            if previous is None:
                element.text = chunk
            else:
                previous.tail = chunk
            previous = etree.SubElement(element, "a")
            previous.set("href", url)
            previous.set("class", "code")
            previous.text = AtomicString(text[mention.start : mention.end])
            position = mention.end
        rest = AtomicString(text[position:])
        if previous is None:
            element.text = rest
        else:
            previous.tail = rest


def no_code_links(canonical: str) -> str | None:
    return None


# Stored article HTML links an error code to this fragment; the web layer turns it
# into its own route when it shows the HTML (`resolve_code_links`), so a route can
# change without re-indexing.
CODE_LINK_PREFIX = "#kb-code="
_CODE_LINK = re.compile(r'href="#kb-code=([^"]+)"')


def code_link_placeholder(canonical: str) -> str:
    return CODE_LINK_PREFIX + canonical


def resolve_code_links(html: str, url_for_code: Callable[[str], str]) -> str:
    """Stored HTML with each code link pointing at `url_for_code(canonical)`."""
    if CODE_LINK_PREFIX not in html:
        return html
    return _CODE_LINK.sub(lambda m: f'href="{url_for_code(m.group(1))}"', html)


class KBTextExtension(Extension):
    """Register with `Markdown(extensions=[KBTextExtension(code_url=...)])`."""

    def __init__(self, **kwargs) -> None:
        self.config = {
            "code_url": [no_code_links, "Maps a canonical error code to a URL, or None"]
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API name
        md.preprocessors.deregister("html_block")
        md.parser.blockprocessors.register(
            KBTextProcessor(md.parser, self.getConfig("code_url")), "kbtext", 200
        )
