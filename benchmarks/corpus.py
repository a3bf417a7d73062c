"""Locate and read the raw Microsoft KB archive, independently of the app's own parser.

The evaluation must not reuse app code to read articles, or a parser bug would be
invisible: it would shape both the index and the test cases. So this is a deliberately
naive reading of the raw files.
"""

from __future__ import annotations

import html
import os
import re
import tarfile
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TARBALL = PROJECT_ROOT.parent / "shared" / "corpus" / "mskb.tar.gz"
EXTRACT_ROOT = Path("/tmp/mskb")
SKIP_MESSAGE = "skipped: corpus absent, see ../shared/corpus/README.md"
ID_PREFIX = re.compile(r"^Q\d+:\s*")


def corpus_dir() -> Path | None:
    """Return the kb/ directory of the archive, extracting the tarball once if needed."""
    env = os.environ.get("MSKB_DIR")
    if env:
        return Path(env) if Path(env).is_dir() else None
    kb = EXTRACT_ROOT / "kb"
    if kb.is_dir():
        return kb
    if not TARBALL.is_file():
        return None
    EXTRACT_ROOT.mkdir(parents=True, exist_ok=True)
    with tarfile.open(TARBALL) as tar:
        tar.extractall(EXTRACT_ROOT, filter="data")
    return kb if kb.is_dir() else None


def parse_raw(text: str) -> tuple[str, str]:
    """Split a raw README.md into (title without its "Qnnn:" id, body inside the raw tags)."""
    title = ""
    for line in text.splitlines()[:6]:
        if line.startswith("title:"):
            title = line[len("title:") :].strip().strip('"')
            break
    title = ID_PREFIX.sub("", html.unescape(title))
    start = text.find("{% raw %}")
    end = text.rfind("{% endraw %}")
    inner = text[start + len("{% raw %}") : end] if start >= 0 and end > start else text
    body = "\n".join(line[1:] if line.startswith("\t") else line for line in inner.splitlines())
    return title, body.strip("\n")


def iter_raw_articles(kb: Path) -> Iterator[tuple[str, str, str]]:
    """Yield (article_id, title, body) for every article, in a stable (sorted) order."""
    for bucket in sorted(kb.iterdir()):
        if not bucket.is_dir():
            continue
        for art in sorted(bucket.iterdir()):
            path = art / "README.md"
            if path.is_file():
                title, body = parse_raw(path.read_text(encoding="utf-8", errors="replace"))
                yield art.name, title, body
