"""Article files, in either format, read into one `Article`.

Two formats exist. The archive's: Jekyll front matter, a `## Qnnn: title` line and
a tab-indented plain-text body inside Liquid `{% raw %}` tags, with a metadata header,
an "applies to" box, `====`-underlined sections and a keyword footer. And the
helpdesk's own: YAML front matter and a Markdown body with `## Symptoms` sections.
Files are untrusted: anything that cannot be read raises `ArticleError` with a
reason short enough for one line of a build summary.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from pathlib import Path

import yaml

from app.articles.ids import article_id, permalink_for
from app.articles.model import Article, Block, Section
from app.articles.untrusted_yaml import UntrustedYamlError, load_untrusted_yaml
from app.codes.recognise import as_code, codes_in, pop3_replies
from app.markup.rendering import SectionRenderer
from app.text.slugs import anchor_for

MAX_FILE_BYTES = 2_000_000
# Front matter is a few lines of fields; YAML this large is not front matter.
MAX_FRONT_MATTER_BYTES = 64_000
HEADER_FIELD = re.compile(r"^(Article|Product\(s\)|Version\(s\)|Operating System\(s\)|"
                          r"Keyword\(s\)|Last Modified):\s*(.*)$")
FOOTER_FIELD = re.compile(r"^(Keywords|Technology|Version|Issue type)\s*:\s*(.*)$")
RULE = re.compile(r"^\s*(-{10,}|={10,})\s*$")
SECTION_UNDERLINE = re.compile(r"^={3,}\s*$")
JEKYLL_FIELD = re.compile(r"^(\w+):\s*(.*)$")
# Nesting past these is refused before rendering: Markdown handles nested brackets in
# quadratic time and nested lists by recursion (600 levels: RecursionError). Real
# articles nest a few levels.
MAX_NESTING = 64
DEEP_LIST_ITEM = re.compile(r"^[ \t]{256,}(?:[-*+]|\d+[.)])[ \t]", re.M)
BRACKET = re.compile(r"[\[\]]")
MESSAGE_CUE = re.compile(r"error|message|dialog|following|appears|receive|display", re.I)


class ArticleError(Exception):
    """A file that is not a readable article; the message is the reason."""


def display_title(heading: str) -> str:
    """`MORE INFORMATION` reads as `More Information`; mixed case stays as written."""
    if heading.isupper():
        return " ".join(word.capitalize() for word in heading.split())
    return heading.strip()


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ArticleError(f"cannot read: {error.strerror}") from None
    if not data.strip():
        raise ArticleError("empty file")
    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(f"larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if b"\x00" in data:
        raise ArticleError("binary file (NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArticleError(f"not UTF-8 (byte {error.start})") from None


def split_front_matter(text: str, *, archive: bool) -> tuple[dict, str]:
    """The archive's front matter is Jekyll's `key: "value"` lines, not always valid
    YAML (titles hold stray quotes), so it is read line by line; a helpdesk
    article's is real YAML."""
    if not text.startswith("---"):
        raise ArticleError("no front matter (file must start with ---)")
    end = text.find("\n---", 3)
    if end < 0:
        raise ArticleError("front matter is not closed by ---")
    body_start = text.find("\n", end + 1)
    body = text[body_start + 1 :] if body_start >= 0 else ""
    if archive:
        fields = (JEKYLL_FIELD.match(line) for line in text[3:end].splitlines())
        return {m.group(1): _unquote(m.group(2)) for m in fields if m}, body
    if end > MAX_FRONT_MATTER_BYTES:
        raise ArticleError(f"front matter larger than {MAX_FRONT_MATTER_BYTES // 1000} KB")
    try:
        meta = load_untrusted_yaml(text[3:end])
    except UntrustedYamlError as error:
        raise ArticleError(f"front matter refused: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise ArticleError(f"broken front matter{where}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ArticleError("front matter is not a mapping")
    return meta, body


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def load_article(path: Path, renderer: SectionRenderer, kb_dir: Path | None = None) -> Article:
    """Read, parse and render one article file."""
    text = read_text(path)
    archive = "{% raw %}" in text
    meta, body = split_front_matter(text, archive=archive)
    check_nesting(body)
    if archive:
        article = _archive_article(meta, body, renderer)
    else:
        article = _markdown_article(meta, body, renderer, path)
    article.source_path = str(path.relative_to(kb_dir) if kb_dir else path)
    article.codes = _unique([*codes_in(article.title), *article.codes])
    blob = "\n".join(section.text for section in article.sections)
    article.messages = _unique([*article.messages, *_error_messages(article), *pop3_replies(blob)])
    return article


def check_nesting(body: str) -> None:
    """Refuse bodies nested past MAX_NESTING (brackets) or with list items indented
    past 256 columns, with the reason; cheap: only bracket characters are walked."""
    if DEEP_LIST_ITEM.search(body):
        raise ArticleError("nested too deeply (list items indented past 256 columns)")
    if body.count("[") <= MAX_NESTING:
        return
    depth = deepest = 0
    for match in BRACKET.finditer(body):
        if match.group() == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    if deepest > MAX_NESTING:
        raise ArticleError(f"nested too deeply ({deepest} levels of brackets, "
                           f"at most {MAX_NESTING})")


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _archive_article(meta: dict, body: str, renderer: SectionRenderer) -> Article:
    start = body.find("{% raw %}")
    end = body.find("{% endraw %}", start)
    raw = body[start + len("{% raw %}") : end if end >= 0 else len(body)]
    lines = [line[1:] if line.startswith("\t") else line for line in raw.split("\n")]
    lines = [line.rstrip() for line in lines]

    header: dict[str, str] = {}
    position = 0
    while position < len(lines):
        match = HEADER_FIELD.match(lines[position])
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif lines[position].strip():
            break
        position += 1

    title = str(meta.get("title") or "").strip()
    identifier = article_id(header.get("Article", "")) or article_id(title.split(":", 1)[0])
    if identifier is None:
        raise ArticleError("no article id (no 'Article:' line or Qnnn title)")
    prefix = f"{identifier}:"
    title = html.unescape(title)
    if title.upper().startswith(prefix.upper()):
        title = title[len(prefix) :].strip()
    if not title:
        raise ArticleError("no title")

    applies_to, position = _applies_to(lines, position)
    body_lines, footer = _split_footer(lines[position:])
    sections: list[Section] = []
    found_codes: list[str] = []
    taken: set[str] = set()
    for heading, section_lines in _sections(body_lines):
        source = "\n".join(section_lines).strip("\n")
        if not source.strip():
            continue
        section_html, blocks, codes = renderer.render(source, archive=True)
        name = display_title(heading)
        sections.append(Section(name, anchor_for(name, taken), blocks, section_html))
        found_codes.extend(codes)

    return Article(
        id=identifier,
        title=title,
        permalink=permalink_for(identifier),
        products=_split(header.get("Product(s)", ""), ","),
        versions=_split(header.get("Version(s)", "") or footer.get("Version", ""), " "),
        operating_systems=_split(header.get("Operating System(s)", ""), ","),
        keywords=_split(header.get("Keyword(s)", "") or footer.get("Keywords", ""), " "),
        last_modified=_date(header.get("Last Modified", "")),
        applies_to=applies_to,
        query_words=_split(footer.get("Additional query words", ""), " "),
        technology=_split(footer.get("Technology", ""), " "),
        sections=sections,
        codes=found_codes,
    )


def _split(value: str, separator: str) -> list[str]:
    return [part.strip() for part in value.split(separator) if part.strip()]


def _date(value: str) -> date | None:
    for pattern in ("%d-%b-%Y", "%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(value.strip().title(), pattern).date()
        except ValueError:
            continue
    return None


def _applies_to(lines: list[str], position: int) -> tuple[list[str], int]:
    """The boxed "The information in this article applies to:" list, if any.

    Some headers trail a few stray lines (old version and keyword fields) before the
    box; they are dropped with it.
    """
    opener_at = next(
        (
            number
            for number in range(position, min(position + 12, len(lines)))
            if lines[number].strip().lower().endswith("applies to:")
            and number > 0 and RULE.match(lines[number - 1])
        ),
        None,
    )
    if opener_at is None:
        return [], position
    probe = opener_at
    items: list[str] = []
    probe += 1
    while probe < len(lines) and not RULE.match(lines[probe]):
        line = lines[probe].strip()
        if line.startswith(("-", "*")):
            items.append(line.lstrip("-* ").strip())
        elif line and items:
            items[-1] = f"{items[-1]} {line}"
        probe += 1
    if probe >= len(lines):
        return [], position
    return items, probe + 1


def _split_footer(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Cut off "Additional query words" and the Keywords/Technology footer."""
    footer: dict[str, str] = {}
    cut = len(lines)
    for number, line in enumerate(lines):
        if line.startswith("Additional query words:"):
            cut = min(cut, number)
            words = [line.split(":", 1)[1]]
            for following in lines[number + 1 :]:
                if RULE.match(following):
                    break
                words.append(following)
            footer["Additional query words"] = " ".join(" ".join(words).split())
        elif RULE.match(line) and line.strip().startswith("=") and _footer_follows(lines, number):
            cut = min(cut, number)
        elif cut < len(lines):
            match = FOOTER_FIELD.match(line)
            if match:
                footer[match.group(1)] = match.group(2).strip()
    return lines[:cut], footer


def _footer_follows(lines: list[str], rule: int) -> bool:
    """A `====` rule opens the footer only when `Keywords :`-style fields follow;
    application notes use such rules inside their text too."""
    following = [line for line in lines[rule + 1 : rule + 6] if line.strip()]
    return bool(following) and FOOTER_FIELD.match(following[0]) is not None


def _sections(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Split at `====`-underlined headings. Text before the first is "Summary",
    or "Overview" where the article has a SUMMARY heading of its own."""
    sections: list[tuple[str, list[str]]] = [("Summary", [])]
    number = 0
    while number < len(lines):
        line = lines[number]
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if (
            line.strip()
            and not line.startswith(" ")
            and SECTION_UNDERLINE.match(following)
            and len(line.strip()) <= 80
        ):
            sections.append((line.strip(), []))
            number += 2
            continue
        sections[-1][1].append(line)
        number += 1
    if any(title.upper() == "SUMMARY" for title, _ in sections[1:]):
        sections[0] = ("Overview", sections[0][1])
    return sections


def _error_messages(article: Article) -> list[str]:
    """Messages the article quotes: boxed or listed text right after a cue like
    "you receive the following error message:"."""
    messages: list[str] = []
    for section in article.sections:
        previous: Block | None = None
        for block in section.blocks:
            cued = previous is not None and previous.kind == "para" and (
                MESSAGE_CUE.search(previous.text) is not None
                and (previous.text.rstrip().endswith(":") or "following" in previous.text)
            )
            if cued and block.kind == "pre":
                messages.extend(" ".join(box.split()) for box in block.text.split("\n\n"))
            elif cued and block.kind == "bullets":
                messages.extend(block.items)
            if block.kind == "para":
                messages.extend(re.findall(r'"([^"]{12,200})"', block.text)
                                if MESSAGE_CUE.search(block.text) else [])
            previous = block
    return [message[:400] for message in messages if len(message.split()) >= 3]


def _markdown_article(meta: dict, body: str, renderer: SectionRenderer, path: Path) -> Article:
    identifier = article_id(str(meta.get("id", "")))
    if identifier is None:
        raise ArticleError("front matter has no valid 'id' (e.g. id: Q900001)")
    title = str(meta.get("title") or "").strip()
    if not title:
        raise ArticleError("front matter has no 'title'")

    def listed(key: str) -> list[str]:
        value = meta.get(key) or []
        values = value if isinstance(value, list) else [value]
        return [str(item).strip() for item in values if str(item).strip()]

    sections: list[Section] = []
    found_codes: list[str] = []
    taken: set[str] = set()
    heading, chunk = "Summary", []
    for line in [*body.split("\n"), "## "]:
        if line.startswith("## ") or line == "##":
            source = "\n".join(chunk).strip()
            if source:
                section_html, blocks, codes = renderer.render(source, archive=False)
                name = display_title(heading)
                sections.append(Section(name, anchor_for(name, taken), blocks, section_html))
                found_codes.extend(codes)
            heading, chunk = line[3:].strip(), []
        else:
            chunk.append(line)

    modified = meta.get("last_modified")
    return Article(
        id=identifier,
        title=title,
        permalink=permalink_for(identifier),
        products=listed("products"),
        versions=listed("versions"),
        operating_systems=listed("operating_systems"),
        keywords=listed("keywords"),
        last_modified=modified if isinstance(modified, date) else _date(str(modified or "")),
        applies_to=listed("applies_to"),
        query_words=listed("query_words"),
        sections=sections,
        codes=[*(code for code in map(as_code, listed("codes")) if code), *found_codes],
        messages=listed("messages"),
    )
