"""The postings arrays written beside Whoosh say exactly what Whoosh says: the same
docnums and frequencies for every term of every field, the same field lengths and
deleted articles, after a full build, an in-place update with deletions, and a
compaction; and a new worker reads none of it through Whoosh."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from app.index import layout, segments
from app.index.arrays import remove_folder, write_folder
from app.index.build import build_index
from app.index.layout import ARRAY_FIELDS, ARRAYS_DIR, PACK_PREFIX, SegmentArrays
from app.index.packs import write_pack
from app.index.upkeep import compact
from app.search.readers import KnowledgeBase
from app.search.scoring import FIELDS, postings_of
from tests.conftest import archive_article, write_article


@pytest.fixture
def kb(index_dir: Path):
    knowledge = KnowledgeBase(index_dir, refresh_seconds=0)
    yield knowledge
    knowledge.close()


def assert_same_as_whoosh(kb: KnowledgeBase) -> None:
    searcher = kb.searcher()
    reader = searcher.reader()
    postings = postings_of(kb)
    assert postings.size == reader.doc_count_all()
    assert postings.deleted.tolist() == [reader.is_deleted(d) for d in range(postings.size)]
    assert postings.ids == [searcher.stored_fields(d)["id"] for d in range(postings.size)]
    checked = 0
    for fieldname in ARRAY_FIELDS:
        for term in reader.lexicon(fieldname):
            text = term.decode("utf-8")
            expected = reader.postings(fieldname, text)
            ids, weights = [], []
            while expected.is_active():
                ids.append(expected.id())
                weights.append(expected.weight())
                expected.next()
            found, frequencies = postings.docs(fieldname, text)
            assert found.tolist() == ids, (fieldname, text)
            assert frequencies.tolist() == weights, (fieldname, text)
            assert postings.frequency(searcher, fieldname, text) == reader.doc_frequency(
                fieldname, text)
            checked += 1
        assert postings.frequency(searcher, fieldname, "nosuchword") == 0
        if fieldname in FIELDS:
            lengths = np.array([reader.doc_field_length(d, fieldname, 0) or 0
                                for d in range(postings.size)], dtype=np.float32)
            b = FIELDS[fieldname][1]
            average = reader.field_length(fieldname) / postings.size
            expected_norms = (1.2 * (1 - b + b * lengths / average)).astype(np.float32)
            assert np.allclose(postings.norm(searcher, fieldname), expected_norms)
    assert checked > 50
    for docnum in range(postings.size):
        if not reader.is_deleted(docnum):
            stored = searcher.stored_fields(docnum).get("products", "")
            assert postings.products_of(searcher, docnum) == tuple(
                sorted(p for p in stored.split(",") if p))


def assert_packed(kb: KnowledgeBase) -> None:
    """The reader scores from one pack over the index's segments, not from each."""
    leaves = list(kb.searcher().reader().leaf_readers())
    assert len(leaves) > 1
    postings = postings_of(kb)
    assert len(postings.segments) == 1
    assert postings.segments[0][0].documents == kb.searcher().reader().doc_count_all()
    packs = [p for p in (kb.index_dir.resolve() / ARRAYS_DIR).iterdir()
             if p.name.startswith(PACK_PREFIX)]
    assert len(packs) == 1


def test_the_arrays_of_a_full_build_are_whoosh_s_postings(kb) -> None:
    folder = kb.index_dir.resolve() / ARRAYS_DIR
    segments = {leaf.segment().segment_id() for leaf, _ in kb.searcher().reader().leaf_readers()}
    assert {path.name for path in folder.iterdir()} == segments
    assert_same_as_whoosh(kb)


def test_so_are_those_of_a_parallel_build_with_a_duplicate_id_marked_deleted(
    kb_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(segments, "MIN_PARALLEL_FILES", 1)
    for number in range(200100, 200140):
        write_article(kb_dir, number, archive_article(number, f"Article {number}",
                                                      f"Error 0x8007{number:04X}, pop3 server.\n"))
    copy = kb_dir / "zzz" / "copy" / "README.md"
    copy.parent.mkdir(parents=True)
    copy.write_text((kb_dir / "200" / "Q200100" / "README.md").read_text().replace(
        "Article 200100", "Another copy"))
    report = build_index(kb_dir, tmp_path / "index", procs=2)
    assert [path for path, _ in report.skipped] == ["zzz/copy/README.md"]
    knowledge = KnowledgeBase(tmp_path / "index", refresh_seconds=0)
    try:
        leaves = [leaf for leaf, _ in knowledge.searcher().reader().leaf_readers()]
        assert len(leaves) == 2   # one segment a worker
        assert knowledge.searcher().reader().has_deletions()
        assert_packed(knowledge)
        assert_same_as_whoosh(knowledge)
    finally:
        knowledge.close()


def test_so_are_those_of_a_build_whose_postings_filled_several_segments(
    kb_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(segments, "POOL_MB", 0.001)   # a segment an article
    build_index(kb_dir, tmp_path / "index", procs=1)
    knowledge = KnowledgeBase(tmp_path / "index", refresh_seconds=0)
    try:
        assert len(list(knowledge.searcher().reader().leaf_readers())) > 1
        assert_packed(knowledge)
        assert_same_as_whoosh(knowledge)
    finally:
        knowledge.close()


def test_after_an_update_with_deletions_and_a_compaction_they_still_are(
    kb, kb_dir: Path, monkeypatch
) -> None:
    from app.index import upkeep

    monkeypatch.setattr(upkeep, "MAX_DELETED_SHARE", 1.0)  # keep the deletions
    edited = write_article(kb_dir, 100003, archive_article(100003, "Printer Smudges", """\
        SYMPTOMS
        ========

        Pages come out smudged, error 0x800CCC90.
        """))
    os.utime(edited, ns=(1, 1))
    write_article(kb_dir, 100009, archive_article(100009, "Modem Hangs Up", """\
        SYMPTOMS
        ========

        The modem hangs up after a minute.
        """, product="Windows 95"))
    build_index(kb_dir, kb.index_dir, procs=1)
    assert kb.searcher().reader().has_deletions()
    assert_packed(kb)   # the first run's segment and the update's
    assert_same_as_whoosh(kb)
    monkeypatch.setattr(upkeep, "MAX_SEGMENTS", 0)
    generation = kb.index_dir.resolve()
    old_pack = postings_of(kb).segments[0][0]
    assert compact(generation)
    write_pack(generation)
    assert not kb.searcher().reader().has_deletions()
    assert postings_of(kb).segments[0][0] is not old_pack
    assert_same_as_whoosh(kb)


def test_an_update_s_new_segment_is_read_beside_the_pack(kb, kb_dir: Path) -> None:
    write_article(kb_dir, 100009, archive_article(100009, "Modem Hangs Up", """\
        SYMPTOMS
        ========

        The modem hangs up after a minute.
        """))
    build_index(kb_dir, kb.index_dir, procs=1)
    assert_packed(kb)
    write_article(kb_dir, 100010, archive_article(100010, "Modem Dials Twice", """\
        SYMPTOMS
        ========

        The modem dials the number twice.
        """))
    build_index(kb_dir, kb.index_dir, procs=1)
    postings = postings_of(kb)
    assert [arrays.documents for arrays, _ in postings.segments][1:] == [1]
    assert_same_as_whoosh(kb)
    assert kb.searcher().stored_fields(int(postings.docs("title", "dial")[0][0]))["id"] == (
        "Q100010")


def test_terms_whose_keys_collide_are_not_packed_and_still_found(
    kb_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(layout, "term_key", lambda text: len(text) % 5)
    monkeypatch.setattr(segments, "POOL_MB", 0.001)   # a segment an article
    build_index(kb_dir, tmp_path / "index", procs=1)
    knowledge = KnowledgeBase(tmp_path / "index", refresh_seconds=0)
    try:
        assert not [p for p in (tmp_path / "index" / ARRAYS_DIR).iterdir()
                    if p.name.startswith(PACK_PREFIX)]
        assert len(postings_of(knowledge).segments) > 1
        assert_same_as_whoosh(knowledge)
    finally:
        knowledge.close()


def test_a_segment_without_arrays_is_derived_by_the_reader_until_a_run_writes_them(
    kb, kb_dir: Path
) -> None:
    folder = kb.index_dir.resolve() / ARRAYS_DIR
    shutil.rmtree(folder)
    assert_same_as_whoosh(kb)
    build_index(kb_dir, kb.index_dir, procs=1)   # nothing changed: writes them back
    assert any(folder.iterdir())


def test_a_new_worker_reads_no_postings_through_whoosh(kb, monkeypatch) -> None:
    searcher = kb.searcher()
    for leaf, _ in searcher.reader().leaf_readers():
        monkeypatch.setattr(leaf, "postings", _refuse)
        monkeypatch.setattr(leaf, "doc_field_length", _refuse)
    monkeypatch.setattr(layout, "segment_arrays", _refuse)
    postings = postings_of(kb)
    ids, parts = postings.term(searcher, "symptoms", "printer")
    assert len(ids) == 1 and parts[0] > 0
    opened = postings.segments[0][0].fields["pairs"]["docs"]
    # Mapped, not read: a plain array over the file's mapping.
    assert type(opened) is np.ndarray and isinstance(opened.base, np.memmap)


def _refuse(*args, **kwargs):
    raise AssertionError("read through Whoosh")


def test_a_segment_folder_is_all_or_nothing(kb) -> None:
    generation = kb.index_dir.resolve()
    leaf = next(iter(kb.searcher().reader().leaf_readers()))[0]
    arrays = SegmentArrays.of_leaf(generation, leaf)
    assert arrays.documents == leaf.doc_count_all()
    leftovers = [p for p in (generation / ARRAYS_DIR).iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_damaged_pack_is_passed_over_and_the_next_run_writes_it_anew(
    kb, kb_dir: Path
) -> None:
    write_article(kb_dir, 100009, archive_article(100009, "Modem Hangs Up", """\
        SYMPTOMS
        ========

        The modem hangs up after a minute.
        """))
    build_index(kb_dir, kb.index_dir, procs=1)
    generation = kb.index_dir.resolve()
    [pack] = [p for p in (generation / ARRAYS_DIR).iterdir() if p.name.startswith(PACK_PREFIX)]
    (pack / "title.docs.npy").unlink()
    # What a pack write killed with -9 leaves: its temporary folder, half written.
    killed = generation / ARRAYS_DIR / f".{pack.name}.99999"
    killed.mkdir()
    (killed / "title.keys.npy").write_bytes(b"\x93NUMPY")
    fresh = KnowledgeBase(kb.index_dir, refresh_seconds=0)
    try:
        assert len(postings_of(fresh).segments) == 2   # the segments' own
        assert_same_as_whoosh(fresh)
    finally:
        fresh.close()
    build_index(kb_dir, kb.index_dir, procs=1)   # nothing changed in the articles
    assert not killed.exists() and (pack / "title.docs.npy").is_file()
    # A worker keeps the postings it opened until the index changes or it restarts:
    # a restarted one (a new KnowledgeBase) opens the pack written again.
    again = KnowledgeBase(kb.index_dir, refresh_seconds=0)
    try:
        assert_packed(again)
        assert_same_as_whoosh(again)
    finally:
        again.close()


def test_a_segment_whose_arrays_go_while_a_reader_opens_them_is_read_from_whoosh(
    kb, kb_dir: Path
) -> None:
    """A publish's run merges small segments away and removes their arrays; a reader
    whose searcher still holds such a segment derives its postings from Whoosh
    rather than fail the search (a 500 under load, before)."""
    for number in (100009, 100010):   # the second run's segment is read on its own
        write_article(kb_dir, number, archive_article(number, f"Modem Hangs Up {number}", """\
            SYMPTOMS
            ========

            The modem hangs up after a minute.
            """))
        build_index(kb_dir, kb.index_dir, procs=1)
    segment = kb.searcher().reader().leaf_readers()[-1][0].segment().segment_id()
    folder = kb.index_dir.resolve() / ARRAYS_DIR / segment
    (folder / "body.docs.npy").unlink()   # meta.json still there: removed halfway
    assert_same_as_whoosh(kb)
    assert postings_of(kb).ids[-1] == "Q100010"


def test_a_folder_of_arrays_is_removed_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    """While an index run removes a merged segment's arrays, a server process starting
    up (gunicorn restarts its workers) checks the generation: at every moment it must
    find the folder whole or gone, or it calls the index damaged and answers 503."""
    folder = tmp_path / ARRAYS_DIR / "MAIN_segment"
    write_folder(folder, {"docs": 3}, {"title": {"docs": np.arange(3), "tf": np.ones(3)},
                                       "body": {"docs": np.arange(3), "tf": np.ones(3)}})
    whole = sorted(path.name for path in folder.iterdir())
    seen = []
    unlink = os.unlink

    def watched(path, *args, **kwargs):
        unlink(path, *args, **kwargs)
        seen.append(sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None)

    monkeypatch.setattr(os, "unlink", watched)
    remove_folder(folder)
    monkeypatch.undo()
    assert len(seen) == len(whole)
    assert all(names in (None, whole) for names in seen), seen
    assert not any((tmp_path / ARRAYS_DIR).iterdir())   # nothing left aside either
