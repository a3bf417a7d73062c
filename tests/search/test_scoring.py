"""BM25 over postings arrays: which articles score, and in which order."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from app.index.build import build_index
from app.search.readers import KnowledgeBase
from app.search.scoring import best, bm25, postings_of
from tests.conftest import archive_article, write_article


@pytest.fixture
def kb(index_dir: Path):
    knowledge = KnowledgeBase(index_dir, refresh_seconds=0)
    yield knowledge
    knowledge.close()


def ids_of(kb: KnowledgeBase, ranked: list[tuple[int, float]]) -> list[str]:
    return [kb.searcher().stored_fields(docnum)["id"] for docnum, _ in ranked]


def test_only_articles_with_the_word_score(kb) -> None:
    scores = bm25(kb, {"symptoms": {"printer": 1.0}})
    assert ids_of(kb, best(scores, 10)) == ["Q100003"]


def test_a_word_in_the_title_outweighs_the_same_word_in_the_body(kb, kb_dir: Path) -> None:
    write_article(kb_dir, 100005, archive_article(100005, "Toner Runs Out", """\
        SYMPTOMS
        ========

        The printer stops; the printer driver says the toner ran out.
        """))
    build_index(kb_dir, kb.index_dir, procs=1)
    scores = bm25(kb, {"title": {"printer": 1.0}, "symptoms": {"printer": 1.0}})
    assert ids_of(kb, best(scores, 10)) == ["Q100003", "Q100005"]


def test_best_orders_by_score_then_docnum_within_the_limit_and_mask() -> None:
    scores = np.array([0.0, 2.0, 5.0, 2.0, 1.0, 0.0])
    assert best(scores, 10) == [(2, 5.0), (1, 2.0), (3, 2.0), (4, 1.0)]
    assert best(scores, 2) == [(2, 5.0), (1, 2.0)]
    only = np.array([True, False, False, True, True, True])
    assert best(scores, 10, only) == [(3, 2.0), (4, 1.0)]


def test_the_old_copy_of_an_article_updated_in_place_is_not_in_the_postings(
    kb, kb_dir: Path
) -> None:
    assert len(postings_of(kb).term(kb.searcher(), "symptoms", "garbag")[0]) == 1
    edited = write_article(kb_dir, 100003, archive_article(100003, "Printer Smudges", """\
        SYMPTOMS
        ========

        Pages come out smudged.
        """))
    os.utime(edited, ns=(1, 1))
    build_index(kb_dir, kb.index_dir, procs=1)
    searcher = kb.searcher()
    ids, parts = postings_of(kb).term(searcher, "symptoms", "garbag")
    assert len(ids) == len(parts) == 0
    assert ids_of(kb, best(bm25(kb, {"symptoms": {"smudg": 1.0}}), 10)) == ["Q100003"]
