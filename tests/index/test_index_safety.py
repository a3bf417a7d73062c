"""Index runs that cannot take the site down or leave it wrong, and article files
that cannot hurt it: crashes, concurrent runs, duplicate ids, hostile files."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from app.articles.loader import load_article
from app.articles.trees import TREE_FILE
from app.index import parsing, segments, update, upkeep
from app.index.build import build_index
from app.index.generations import IndexBusyError, live_generation, lock_path, run_lock
from app.index.segments import SegmentBuild
from app.index.store import STORE_FILE, ArticleStore
from app.index.upkeep import APPLYING_FILE
from app.markup.rendering import SectionRenderer
from app.search.readers import KnowledgeBase
from tests.conftest import FIXTURE_ARTICLES, archive_article, write_article


def helpdesk(path: Path, article_id: str, title: str, body: str = "## Symptoms\n\nIt fails.\n",
             extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nid: {article_id}\ntitle: {title}\n{extra}---\n{body}",
                    encoding="utf-8")
    return path


def titles_in_search(index_dir: Path) -> dict[str, str]:
    kb = KnowledgeBase(index_dir, refresh_seconds=0)
    try:
        return {fields["id"]: fields["title"] for fields in kb.searcher().all_stored_fields()}
    finally:
        kb.close()


def touch_all(kb_dir: Path) -> None:
    for path in kb_dir.rglob("*.md"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


# -- crash safety ----------------------------------------------------------------


def test_a_writer_killed_mid_transaction_leaves_readers_reading(index_dir: Path) -> None:
    generation = live_generation(index_dir)
    pid = os.fork()
    if pid == 0:   # a writer that dies holding an uncommitted transaction
        store = ArticleStore(generation)
        store.db.execute("DELETE FROM articles")
        store.db.execute("UPDATE files SET size = -1")
        os._exit(0)
    os.waitpid(pid, 0)
    assert not (generation / f"{STORE_FILE}-journal").exists()
    reader = ArticleStore(generation, readonly=True)
    assert reader.get("Q100001").title.startswith("XCLN: ErrMsg")
    assert reader.count() == len(FIXTURE_ARTICLES)
    report = build_index(index_dir.parent.parent / "kb", index_dir, procs=1)
    assert report.unchanged == len(FIXTURE_ARTICLES)


def test_killed_between_the_two_commits_the_next_run_repairs(
    kb_dir: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_article(kb_dir, 100003, archive_article(100003, "Printer Prints Nothing",
                                                  "SYMPTOMS\n========\n\nNothing.\n"))
    os.utime(kb_dir / "100" / "Q100003" / "README.md", ns=(1, 1))

    def killed(self) -> None:
        raise KeyboardInterrupt   # as if the process died after Whoosh committed

    monkeypatch.setattr(ArticleStore, "commit", killed)
    with pytest.raises(KeyboardInterrupt):
        build_index(kb_dir, index_dir, procs=1)
    monkeypatch.undo()
    generation = live_generation(index_dir)
    assert (generation / APPLYING_FILE).exists()
    assert titles_in_search(index_dir)["Q100003"] == "Printer Prints Nothing"
    assert ArticleStore(generation, readonly=True).get("Q100003").title == \
        "Printer Prints Garbage Characters"     # the two disagree until the next run

    report = build_index(kb_dir, index_dir, procs=1)
    assert report.repaired == 1 and report.updated == 1
    assert not (generation / APPLYING_FILE).exists()
    store = ArticleStore(generation, readonly=True)
    searched = titles_in_search(index_dir)
    assert all(store.get(article_id).title == title for article_id, title in searched.items())
    assert searched["Q100003"] == "Printer Prints Nothing"


def test_killed_before_whoosh_commits_nothing_changes_and_the_next_run_applies(
    kb_dir: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch_all(kb_dir)
    monkeypatch.setattr(update, "write_applying",
                        lambda *args: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        build_index(kb_dir, index_dir, procs=1)
    monkeypatch.undo()
    assert len(titles_in_search(index_dir)) == len(FIXTURE_ARTICLES)
    report = build_index(kb_dir, index_dir, procs=1)
    assert report.updated == len(FIXTURE_ARTICLES)


# -- one run at a time, leftovers, compaction ------------------------------------------


def test_a_second_run_says_another_is_in_progress(kb_dir: Path, index_dir: Path, runner) -> None:
    with run_lock(index_dir):
        with pytest.raises(IndexBusyError, match=rf"another index run is in progress \(pid "
                                                 rf"{os.getpid()}, since \d\d:\d\d\); try again"):
            build_index(kb_dir, index_dir, procs=1)
        result = runner.invoke(args=["index"])
        assert result.exit_code != 0
        assert "another index run is in progress" in result.output
    assert build_index(kb_dir, index_dir, procs=1).unchanged == len(FIXTURE_ARTICLES)


def test_the_lock_of_a_dead_run_is_taken_over(kb_dir: Path, index_dir: Path) -> None:
    lock_path(index_dir).write_text("999999 03:00\n")
    assert build_index(kb_dir, index_dir, procs=1).unchanged == len(FIXTURE_ARTICLES)


def test_leftovers_of_crashed_rebuilds_go_and_the_previous_generation_stays(
    kb_dir: Path, index_dir: Path
) -> None:
    first = live_generation(index_dir)
    build_index(kb_dir, index_dir, rebuild=True, procs=1)
    second = live_generation(index_dir)
    crashed = index_dir.parent / f"{index_dir.name}.gen-20000101-000000-000000"
    (crashed / "whoosh").mkdir(parents=True)
    report = build_index(kb_dir, index_dir, procs=1)
    assert report.leftovers == 1 and not crashed.exists()
    assert first.exists() and second.exists()     # the previous one serves old readers


def test_a_fragmented_generation_is_compacted(
    kb_dir: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upkeep, "MAX_SEGMENTS", 1)
    touch_all(kb_dir)
    report = build_index(kb_dir, index_dir, procs=1)
    assert report.compacted
    kb = KnowledgeBase(index_dir, refresh_seconds=0)
    reader = kb.searcher().reader()
    assert len(list(reader.leaf_readers())) == 1
    assert reader.doc_count_all() == reader.doc_count() == len(FIXTURE_ARTICLES)
    kb.close()


# -- readers ---------------------------------------------------------------------


def test_a_request_keeps_its_readers_across_an_update(app, kb_dir: Path) -> None:
    from flask import g, has_request_context

    kb = KnowledgeBase(Path(app.config["INDEX_DIR"]), refresh_seconds=0,
                       scope=lambda: g if has_request_context() else None)
    with app.test_request_context("/"):
        searcher, identity = kb.searcher(), kb.identity()
        (kb_dir / "100" / "Q100002" / "README.md").unlink()
        build_index(kb_dir, Path(app.config["INDEX_DIR"]), procs=1)
        assert kb.searcher() is searcher and kb.identity() == identity
        assert searcher.document(id="Q100002") is not None   # still open, still readable
    with app.test_request_context("/"):
        assert kb.identity() != identity                     # a delete changes it
        assert kb.searcher().document(id="Q100002") is None
    assert not searcher.is_closed   # replaced, but closed only after the grace period
    kb.close()


def test_related_links_follow_a_delete_only_update(app, kb_dir: Path) -> None:
    from app.search.related import related_articles

    kb = app.extensions["knowledge_base"]
    with app.test_request_context("/"):
        article = kb.store().get("Q100001")
        assert "Q100002" in [r.id for r in related_articles(kb, article, similar=False)]
    (kb_dir / "100" / "Q100002" / "README.md").unlink()
    build_index(kb_dir, Path(app.config["INDEX_DIR"]), procs=1)
    with app.test_request_context("/"):
        assert "Q100002" not in [r.id for r in related_articles(kb, article, similar=False)]


# -- duplicate ids ---------------------------------------------------------------


@pytest.mark.parametrize("procs", [1, 2])
def test_the_earliest_path_holds_a_duplicate_id_in_every_build(
    tmp_path: Path, procs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = tmp_path / "kb"
    helpdesk(kb / "helpdesk" / "Q900001.md", "Q900001", "Winner")
    helpdesk(kb / "zzz" / "copy.md", "Q900001", "Loser")
    helpdesk(kb / "aaa" / "early.md", "Q900002", "Other")
    monkeypatch.setattr(segments, "MIN_PARALLEL_FILES", 1)   # procs 2: the workers' order
    monkeypatch.setattr(SegmentBuild, "parse", _reversed(SegmentBuild.parse))
    monkeypatch.setattr(update, "parse_all", _reversed(parsing.parse_all))
    report = build_index(kb, tmp_path / "index", procs=procs)
    assert dict(report.skipped) == {
        "zzz/copy.md": "duplicate id Q900001 (also in helpdesk/Q900001.md)"}
    assert titles_in_search(tmp_path / "index") == {"Q900001": "Winner", "Q900002": "Other"}

    (kb / "helpdesk" / "Q900001.md").unlink()      # the holder goes: the other gets in
    report = build_index(kb, tmp_path / "index", procs=1)
    assert report.skipped == []
    assert titles_in_search(tmp_path / "index")["Q900001"] == "Loser"
    store = ArticleStore(live_generation(tmp_path / "index"), readonly=True)
    assert store.get("Q900001").title == "Loser"

    helpdesk(kb / "aaa" / "first.md", "Q900001", "Earlier")   # an earlier path takes it
    report = build_index(kb, tmp_path / "index", procs=1)
    assert dict(report.skipped) == {"zzz/copy.md": "duplicate id Q900001 (also in aaa/first.md)"}
    assert titles_in_search(tmp_path / "index")["Q900001"] == "Earlier"
    kb = KnowledgeBase(tmp_path / "index")
    assert len(list(kb.searcher().documents(id="Q900001"))) == 1
    kb.close()


def _reversed(parse_all):
    """Results in reverse path order: the rule must not depend on arrival order."""
    def parse(*args):
        return list(reversed(list(parse_all(*args))))
    return parse


# -- hostile files ---------------------------------------------------------------

ALIAS_BOMB = "".join(
    ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    + [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 9)])


def test_hostile_files_cost_only_their_own_skip(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    for number, text in FIXTURE_ARTICLES.items():
        write_article(kb, number, text)
    clean = build_index(kb, tmp_path / "clean", procs=1)
    assert clean.skipped == []
    helpdesk(kb / "bad" / "alias.md", "Q900010", "Bomb", extra=ALIAS_BOMB)
    helpdesk(kb / "bad" / "brackets.md", "Q900011", "Brackets",
             body="## Symptoms\n\n" + "[" * 8000 + "x" + "]" * 8000 + "\n")
    helpdesk(kb / "bad" / "lists.md", "Q900012", "Lists", body="## Symptoms\n\n" + "\n".join(
        "  " * depth + "- item" for depth in range(600)) + "\n")
    helpdesk(kb / "helpdesk" / "Q900013.md", "Q900013", "Has a bomb of a tree")
    (kb / "helpdesk" / f"Q900013.{TREE_FILE}").write_text("start: a\n" + ALIAS_BOMB)
    started = time.perf_counter()
    report = build_index(kb, tmp_path / "hostile", procs=1)
    assert time.perf_counter() - started < 10
    reasons = dict(report.skipped)
    assert reasons["bad/alias.md"] == \
        "front matter refused: YAML aliases (*name) are not allowed"
    assert reasons["bad/brackets.md"].startswith("nested too deeply (8000 levels of brackets")
    assert reasons["bad/lists.md"].startswith("nested too deeply (list items indented")
    hostile = ArticleStore(live_generation(tmp_path / "hostile"), readonly=True)
    tree = hostile.tree_of("helpdesk/Q900013.md")
    assert tree.tree is None and "aliases" in tree.problems[0]
    before = ArticleStore(live_generation(tmp_path / "clean"), readonly=True)
    for article_id in (f"Q{number}" for number in FIXTURE_ARTICLES):
        assert _stored(hostile, article_id) == _stored(before, article_id)


def _stored(store: ArticleStore, article_id: str) -> str:
    return store.db.execute("SELECT data FROM articles WHERE id = ?",
                            (article_id,)).fetchone()[0]


def test_a_renderer_that_raised_renders_the_next_article_as_a_fresh_one(tmp_path: Path) -> None:
    good = helpdesk(tmp_path / "good.md", "Q900020", "Good",
                    body="## Resolution\n\n1. Click [Start](http://example.com).\n"
                         "2. Type **cmd**.\n\nThen it works.\n")
    fresh = load_article(good, SectionRenderer())
    renderer = SectionRenderer()
    deep = "\n".join("  " * depth + "- item" for depth in range(600))
    with pytest.raises(RecursionError):
        renderer.render(deep, archive=False)
    after = load_article(good, renderer)
    assert [s.html for s in after.sections] == [s.html for s in fresh.sections]
    assert after.sections[0].blocks == fresh.sections[0].blocks


def test_a_parse_past_its_time_is_skipped_and_the_worker_renderer_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helpdesk(tmp_path / "slow.md", "Q900030", "Slow")
    parsing.init_worker(str(tmp_path))
    first = parsing.worker_renderer

    def spin(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(parsing, "load_article", spin)
    monkeypatch.setattr(parsing, "FILE_SECONDS", 0.2)
    parsed = parsing.parse(("slow.md", 0, 0))
    assert parsed.reason == "too slow to read (over 0.2 s)"
    assert parsing.worker_renderer is not first


def test_trees_are_read_at_index_time_and_served_from_the_store(app, kb_dir: Path) -> None:
    from app.wizard.source import KnowledgeSource

    tree_file = kb_dir / "100" / "Q100001" / TREE_FILE
    tree_file.write_text("start: a\nnodes:\n  - id: a\n    text: Try Clear Text.\n"
                         "    options:\n      - answer: 'Yes'\n        next: done\n")
    kb = app.extensions["knowledge_base"]
    with app.test_request_context("/"):
        source = KnowledgeSource(kb)
        assert source.tree(kb.store().get("Q100001")) is None    # not indexed yet
    build_index(kb_dir, Path(app.config["INDEX_DIR"]), procs=1)
    tree_file.unlink()                                          # never read in a request
    with app.test_request_context("/"):
        source = KnowledgeSource(kb)
        tree = source.tree(kb.store().get("Q100001"))
        assert tree.start == "a" and tree.nodes["a"].text == "Try Clear Text."
    build_index(kb_dir, Path(app.config["INDEX_DIR"]), procs=1)
    with app.test_request_context("/"):
        assert KnowledgeSource(kb).tree(kb.store().get("Q100001")) is None


def test_the_store_is_in_wal_mode(index_dir: Path) -> None:
    db = sqlite3.connect(live_generation(index_dir) / STORE_FILE)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_search_and_store_agree_after_updates(kb_dir: Path, index_dir: Path) -> None:
    for round_ in range(3):
        for number in FIXTURE_ARTICLES:
            write_article(kb_dir, number, archive_article(number, f"Title {round_} {number}",
                                                          "SYMPTOMS\n========\n\nText.\n"))
            os.utime(kb_dir / f"{number // 1000:03d}" / f"Q{number}" / "README.md",
                     ns=(round_ + 1, round_ + 1))
        build_index(kb_dir, index_dir, procs=1)
        store = ArticleStore(live_generation(index_dir), readonly=True)
        for article_id, title in titles_in_search(index_dir).items():
            assert store.get(article_id).title == title == f"Title {round_} {article_id[1:]}"
