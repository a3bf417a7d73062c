"""Per-thread searchers: reused, refreshed, and closed when their thread ends."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

from app.index.build import build_index
from app.search.readers import Answers, KnowledgeBase
from tests.conftest import archive_article, write_article


def test_a_thread_keeps_its_searcher(index_dir: Path) -> None:
    kb = KnowledgeBase(index_dir, refresh_seconds=60)
    assert kb.searcher() is kb.searcher()
    kb.close()


def test_searchers_of_ended_threads_are_closed(index_dir: Path) -> None:
    kb = KnowledgeBase(index_dir)
    opened = []
    thread = threading.Thread(target=lambda: opened.append(kb.searcher()))
    thread.start()
    thread.join()
    gc.collect()
    assert opened[0].is_closed
    kb.close()


def test_an_update_is_seen_without_restarting(kb_dir: Path, index_dir: Path) -> None:
    kb = KnowledgeBase(index_dir, refresh_seconds=0)
    assert kb.store().get("Q100004") is None
    write_article(kb_dir, 100004, archive_article(100004, "New Article", "Body.\n"))
    build_index(kb_dir, index_dir, procs=1)
    assert kb.searcher().document(id="Q100004") is not None
    assert kb.store().get("Q100004").title == "New Article"
    build_index(kb_dir, index_dir, rebuild=True, procs=1)
    assert kb.store().get("Q100004").title == "New Article"
    kb.close()


def test_a_worker_readies_the_postings_before_serving_and_serves_without_an_index(
        index_dir: Path, kb_dir: Path, tmp_path: Path) -> None:
    from app import create_app
    from app.search.scoring import FIELDS, postings_of
    from app.web.knowledge import get_kb, warm_up

    app = create_app({"INDEX_DIR": str(index_dir), "KB_DIR": str(kb_dir),
                      "ACTIVITY_DB": str(tmp_path / "a.sqlite")})
    assert warm_up(app)
    with app.app_context():
        postings = postings_of(get_kb())
        assert set(postings.norms) >= set(FIELDS) and postings.product_docs is not None
    empty = create_app({"INDEX_DIR": str(tmp_path / "none"), "KB_DIR": str(kb_dir),
                        "ACTIVITY_DB": str(tmp_path / "b.sqlite")})
    assert not warm_up(empty)
    assert empty.test_client().get("/healthz").status_code == 503


def test_a_derived_value_is_made_once_per_index_for_every_thread(
        kb_dir: Path, index_dir: Path) -> None:
    kb = KnowledgeBase(index_dir, refresh_seconds=0)
    made: list[str] = []

    def count_articles() -> int:
        made.append(kb.identity())
        return kb.searcher().doc_count()

    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.append(kb.derived("n", count_articles)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [3, 3, 3, 3] and len(made) == 1
    write_article(kb_dir, 100004, archive_article(100004, "New Article", "Body.\n"))
    build_index(kb_dir, index_dir, procs=1)
    assert kb.derived("n", count_articles) == 4   # the index changed: made anew
    assert len(made) == 2 and made[0] != made[1]
    kb.close()


def test_answers_are_remembered_and_the_least_recently_used_dropped() -> None:
    answers = Answers[str | None](2)
    asked: list[str] = []

    def work_out(word: str):
        return lambda: asked.append(word) or (None if word == "ok" else word.upper())

    assert answers.answer("ok", work_out("ok")) is None
    assert answers.answer("ok", work_out("ok")) is None     # None is an answer too
    assert answers.answer("b", work_out("b")) == "B"
    assert answers.answer("ok", work_out("ok")) is None     # "ok" used last: "b" goes
    assert answers.answer("c", work_out("c")) == "C"
    assert answers.answer("b", work_out("b")) == "B"
    assert asked == ["ok", "b", "c", "b"]


def test_a_derived_value_is_made_from_the_index_of_its_identity_even_as_it_changes(
        kb_dir: Path, index_dir: Path) -> None:
    kb = KnowledgeBase(index_dir, refresh_seconds=0)

    def count_while_an_update_lands() -> int:
        write_article(kb_dir, 100004, archive_article(100004, "New Article", "Body.\n"))
        build_index(kb_dir, index_dir, procs=1)
        return kb.searcher().doc_count()

    assert kb.derived("n", count_while_an_update_lands) == 3
    assert kb.derived("n", lambda: kb.searcher().doc_count()) == 4
    kb.close()
