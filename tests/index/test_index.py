"""Building, updating and swapping the index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import TEXT
from whoosh.query import Term

from app.index import build as indexing
from app.index import segments
from app.index.build import build_index
from app.index.generations import WHOOSH_DIR, live_generation
from app.index.segments import SegmentBuild
from app.index.store import ArticleStore
from tests.conftest import FIXTURE_ARTICLES, archive_article, write_article


def ids_for_code(index_dir: Path, code: str) -> list[str]:
    ix = whoosh_index.open_dir(str(live_generation(index_dir) / WHOOSH_DIR))
    with ix.searcher() as searcher:
        return sorted(hit["id"] for hit in searcher.search(Term("codes", code.lower())))


def test_full_build_indexes_every_article(kb_dir: Path, tmp_path: Path) -> None:
    report = build_index(kb_dir, tmp_path / "index", procs=1)
    assert (report.indexed, report.skipped) == (len(FIXTURE_ARTICLES), [])
    assert ids_for_code(tmp_path / "index", "0x800CCC90") == ["Q100001", "Q100002"]
    store = ArticleStore(live_generation(tmp_path / "index"))
    assert store.get("Q100003").title == "Printer Prints Garbage Characters"


def test_second_run_with_nothing_changed_touches_nothing(kb_dir: Path, index_dir: Path) -> None:
    report = build_index(kb_dir, index_dir, procs=1)
    assert (report.indexed, report.updated, report.deleted) == (0, 0, 0)
    assert report.unchanged == len(FIXTURE_ARTICLES)


def test_update_changed_added_and_deleted(kb_dir: Path, index_dir: Path) -> None:
    changed = write_article(kb_dir, 100003, archive_article(
        100003, "Printer Prints Garbage", "SYMPTOMS\n========\n\nError 0x80070005 now.\n"))
    os.utime(changed, ns=(1, 1))
    write_article(kb_dir, 100004, archive_article(100004, "New One", "Error 0x80070005.\n"))
    (kb_dir / "100" / "Q100002" / "README.md").unlink()
    report = build_index(kb_dir, index_dir, procs=1)
    assert (report.indexed, report.updated, report.deleted) == (1, 1, 1)
    assert ids_for_code(index_dir, "0x80070005") == ["Q100003", "Q100004"]
    assert ids_for_code(index_dir, "0x800CCC90") == ["Q100001"]


def test_broken_files_are_skipped_with_a_reason_and_the_rest_indexed(
    kb_dir: Path, tmp_path: Path
) -> None:
    (kb_dir / "empty.md").write_bytes(b"")
    (kb_dir / "binary.md").write_bytes(b"\x00\x01")
    (kb_dir / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    write_article(kb_dir, 100009, FIXTURE_ARTICLES[100001].replace("Q100001", "Q100009")
                  .replace("Article: Q100009", "Article: Q100001"))
    report = build_index(kb_dir, tmp_path / "index", procs=1)
    reasons = dict(report.skipped)
    assert report.indexed == len(FIXTURE_ARTICLES)
    assert reasons["empty.md"] == "empty file"
    assert reasons["binary.md"] == "binary file (NUL bytes)"
    assert reasons["latin1.md"].startswith("not UTF-8")
    assert reasons["100/Q100009/README.md"].startswith("duplicate id Q100001")


def test_rebuild_swaps_a_new_generation_in(kb_dir: Path, index_dir: Path) -> None:
    before = live_generation(index_dir)
    report = build_index(kb_dir, index_dir, rebuild=True, procs=1)
    after = live_generation(index_dir)
    assert report.indexed == len(FIXTURE_ARTICLES)
    assert after != before and index_dir.is_symlink()
    assert before.exists(), "the previous generation stays for servers still reading it"


def test_crash_mid_build_leaves_the_old_index_serving(
    kb_dir: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = live_generation(index_dir)

    def explode(*args, **kwargs):
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr(SegmentBuild, "parse", explode)
    with pytest.raises(KeyboardInterrupt):
        build_index(kb_dir, index_dir, rebuild=True, procs=1)
    assert live_generation(index_dir) == before
    assert ids_for_code(index_dir, "0x800CCC90") == ["Q100001", "Q100002"]


def test_a_failing_worker_fails_the_rebuild_and_leaves_the_old_index_serving(
    kb_dir: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = live_generation(index_dir)
    monkeypatch.setattr(segments, "MIN_PARALLEL_FILES", 1)

    def explode(self):
        raise OSError("disk full")

    monkeypatch.setattr(segments.SegmentMaker, "finish", explode)   # in the forked workers
    with pytest.raises(RuntimeError, match="disk full"):
        build_index(kb_dir, index_dir, rebuild=True, procs=2)
    assert live_generation(index_dir) == before
    assert [path.name for path in index_dir.parent.iterdir()
            if path.name.startswith(index_dir.name + ".gen")] == [before.name]
    assert ids_for_code(index_dir, "0x800CCC90") == ["Q100001", "Q100002"]


def stored_articles(index_dir: Path) -> dict[str, str]:
    store = ArticleStore(live_generation(index_dir))
    try:
        return {row[0]: row[1] for row in store.db.execute("SELECT id, data FROM articles")}
    finally:
        store.close()


def test_parallel_build_matches_serial(kb_dir: Path, tmp_path: Path) -> None:
    for number in range(200100, 200400):
        write_article(kb_dir, number, archive_article(number, f"Article {number}",
                                                      f"Error 0x8007{number % 9999:04X}.\n"))
    parallel = build_index(kb_dir, tmp_path / "parallel", procs=2)
    serial = build_index(kb_dir, tmp_path / "serial", procs=1)
    assert parallel.indexed == serial.indexed == len(FIXTURE_ARTICLES) + 300
    assert stored_articles(tmp_path / "parallel") == stored_articles(tmp_path / "serial")
    for code in ("0x800CCC90", "0x80070100", "0x800702A5"):
        assert (ids_for_code(tmp_path / "parallel", code)
                == ids_for_code(tmp_path / "serial", code))
    assert ids_for_code(tmp_path / "parallel", "0x800CCC90") == ["Q100001", "Q100002"]


def test_an_index_of_another_format_is_rebuilt_and_never_misread(
    kb_dir: Path, index_dir: Path
) -> None:
    from app.index.generations import FORMAT_FILE
    from app.index.schema import FORMAT_VERSION
    from app.search.readers import IndexMissingError, KnowledgeBase

    old = live_generation(index_dir)
    (old / FORMAT_FILE).write_text("1\n")      # as written before formats were recorded
    kb = KnowledgeBase(index_dir)
    with pytest.raises(IndexMissingError, match="another version of this program"):
        kb.store()
    report = build_index(kb_dir, index_dir)      # an incremental run...
    assert report.indexed == len(FIXTURE_ARTICLES)   # ...builds it anew
    fresh = live_generation(index_dir)
    assert fresh != old and (fresh / FORMAT_FILE).read_text().strip() == str(FORMAT_VERSION)
    assert ids_for_code(index_dir, "0x800CCC90") == ["Q100001", "Q100002"]


def test_missing_kb_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="knowledge base folder not found"):
        build_index(tmp_path / "nope", tmp_path / "index")


def words_in_articles(index_dir: Path, *words: str) -> dict[str, int]:
    store = ArticleStore(live_generation(index_dir))
    try:
        return store.word_frequencies(words)
    finally:
        store.close()


def test_did_you_mean_words_follow_edits_deletions_and_broken_files(
    kb_dir: Path, index_dir: Path
) -> None:
    assert words_in_articles(index_dir, "receive", "garbage", "printer", "smudged") == {
        "receive": 2, "garbage": 1, "printer": 1}
    changed = write_article(kb_dir, 100003, archive_article(
        100003, "Printer Prints Smudged Pages", "SYMPTOMS\n========\n\nPages come out smudged.\n"))
    os.utime(changed, ns=(1, 1))
    (kb_dir / "100" / "Q100002" / "README.md").unlink()
    build_index(kb_dir, index_dir, procs=1)
    assert words_in_articles(index_dir, "receive", "garbage", "printer", "smudged") == {
        "receive": 1, "printer": 1, "smudged": 1}
    changed.write_bytes(b"")
    build_index(kb_dir, index_dir, procs=1)
    assert words_in_articles(index_dir, "printer", "smudged", "receive") == {"receive": 1}


def test_an_index_built_with_other_fields_is_built_anew(
    kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = indexing.make_schema

    def earlier_schema():
        schema = current()
        schema.add("spelling", TEXT())
        return schema

    monkeypatch.setattr(indexing, "make_schema", earlier_schema)
    build_index(kb_dir, tmp_path / "index", procs=1)
    earlier = live_generation(tmp_path / "index")
    monkeypatch.setattr(indexing, "make_schema", current)
    report = build_index(kb_dir, tmp_path / "index", procs=1)
    assert report.indexed == len(FIXTURE_ARTICLES)
    assert live_generation(tmp_path / "index") != earlier
    assert ids_for_code(tmp_path / "index", "0x800CCC90") == ["Q100001", "Q100002"]
