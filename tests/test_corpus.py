"""The real archive: every one of its 60,335 articles must parse, and every answer the
wizard can offer about it must survive the link a person follows.

Uses ../shared/corpus/mskb.tar.gz (extracted once into /tmp/mskb) or MSKB_DIR;
skipped, with the reason, where the archive is absent.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from app.articles.facts import facts_of
from app.articles.loader import load_article
from app.markup.rendering import SectionRenderer
from app.wizard.facets import FACETS
from app.wizard.state import State, parse_state
from benchmarks.corpus import SKIP_MESSAGE, corpus_dir

ARCHIVE_SIZE = 60_335
pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def archive() -> Path:
    kb = corpus_dir()
    if kb is None:
        pytest.skip(SKIP_MESSAGE)
    return kb


_renderer: SectionRenderer | None = None


def _parse(path: str) -> tuple[str, str, int, int]:
    """(path, problem or "", sections, codes) for one file, in a worker process."""
    global _renderer
    if _renderer is None:
        _renderer = SectionRenderer(code_url=lambda code: f"/codes/{code}")
    try:
        article = load_article(Path(path), _renderer)
    except Exception as error:  # the test reports every failure, not the first
        return path, f"{type(error).__name__}: {error}", 0, 0
    lost = _answers_lost_in_a_link(article)
    problem = "no title" if not article.title else f"answers lost in a link: {lost}" if lost else ""
    return path, problem, len(article.sections), len(article.codes)


def _answers_lost_in_a_link(article) -> list[tuple[str, str]]:
    """The wizard's answers about the article that its step links do not carry: the
    question would be asked again, for ever."""
    lost = []
    for facet, values in facts_of(article).values.items():
        for value in values if facet in FACETS else ():
            state = State("q", ((facet, value),))
            if parse_state(state.params())[0] != state:
                lost.append((facet, value))
    return lost


def test_every_archive_article_parses(archive: Path) -> None:
    paths = sorted(str(path) for path in archive.rglob("README.md"))
    assert len(paths) == ARCHIVE_SIZE
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map(_parse, paths, chunksize=256)
    failures = [(path, problem) for path, problem, _, _ in results if problem]
    assert failures == []
    # A handful of archive articles are metadata only (e.g. Q96620): no body to show.
    empty = [path for path, _, sections, _ in results if sections == 0]
    assert len(empty) < 10, empty
    with_codes = sum(1 for *_, codes in results if codes)
    assert with_codes > 5_000, "error codes must be found across the archive"
