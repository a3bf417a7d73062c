"""app/search/whoosh_postings.py, the one reader of Whoosh's private names: on the
pinned whoosh3 it takes the block-at-a-time path and answers exactly what Whoosh's
public matchers answer, in segments with deletions and over several blocks too."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.matching import ListMatcher

from app.index.generations import WHOOSH_DIR
from app.index.schema import make_schema
from app.search import whoosh_postings
from app.search.whoosh_postings import term_postings

BLOCK = 128  # postings per block in whoosh3's on-disk format


def public_postings(leaf, fieldname: str, text: str) -> tuple[list[int], list[float]]:
    """What Whoosh's public matcher walks: (docnums, term frequencies)."""
    matcher = leaf.postings(fieldname, text)
    docnums, frequencies = [], []
    while matcher.is_active():
        docnums.append(matcher.id())
        frequencies.append(matcher.weight())
        matcher.next()
    assert docnums == list(leaf.postings(fieldname, text).all_ids())
    return docnums, frequencies


def assert_same_as_public(leaf, fieldname: str, text: str) -> None:
    found = term_postings(leaf, fieldname, text)
    docnums, frequencies = public_postings(leaf, fieldname, text)
    assert found.fast, (fieldname, text)
    assert found.docnums.tolist() == docnums, (fieldname, text)
    assert found.frequencies.tolist() == frequencies, (fieldname, text)


@pytest.fixture
def big_index(tmp_path: Path):
    """Two segments of the app's schema: the first with 450 articles, two in three
    saying "printer" one to four times (so "printer" is over two blocks even after
    deletions) and with articles deleted but not merged away; the second small."""
    (tmp_path / "whoosh").mkdir()
    storage = FileStorage(str(tmp_path / "whoosh"))
    ix = storage.create_index(make_schema())
    writer = ix.writer()
    for number in range(450):
        words = ["printer"] * (number % 4 + 1) if number % 3 else ["scanner"]
        writer.add_document(id=f"Q{100000 + number}", title=f"Article {number}",
                            body=" ".join([*words, "driver", f"page{number % 7}"]))
    writer.commit()
    writer = ix.writer()
    for number in (0, 1, 2, 5, 130, 131, 200, 299):
        writer.delete_by_term("id", f"Q{100000 + number}")
    writer.commit(merge=False)
    writer = ix.writer()
    for number in range(450, 470):
        writer.add_document(id=f"Q{100000 + number}", title=f"Late article {number}",
                            body="printer printer driver")
    writer.commit(merge=False)
    yield ix
    ix.close()


def test_several_blocks_and_deletions_read_a_block_at_a_time(big_index):
    before = whoosh_postings.slow_reads
    with big_index.searcher() as searcher:
        leaves = [leaf for leaf, _ in searcher.reader().leaf_readers()]
        assert len(leaves) == 2
        first, second = leaves
        assert first.has_deletions() and not second.has_deletions()
        assert first.doc_frequency("body", "printer") > 2 * BLOCK
        for leaf in leaves:
            for fieldname in ("body", "title", "id"):
                for text in leaf.lexicon(fieldname):
                    assert_same_as_public(leaf, fieldname, text.decode("utf-8"))
        found = term_postings(first, "body", "printer")
        assert len(found.docnums) > 2 * BLOCK
        assert 1 not in found.docnums and 130 not in found.docnums  # deleted
        assert sorted(set(found.frequencies.tolist())) == [1.0, 2.0, 3.0, 4.0]
    assert whoosh_postings.slow_reads == before


def test_a_built_index_reads_every_term_a_block_at_a_time(index_dir):
    before = whoosh_postings.slow_reads
    ix = FileStorage(str(index_dir / WHOOSH_DIR)).open_index()
    with ix.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            for fieldname in ("title", "symptoms", "body", "messages", "codes", "pairs"):
                for text in leaf.lexicon(fieldname):
                    assert_same_as_public(leaf, fieldname, text.decode("utf-8"))
    ix.close()
    assert whoosh_postings.slow_reads == before


def test_a_term_the_segment_lacks_has_no_postings(big_index):
    with big_index.searcher() as searcher:
        found = term_postings(searcher.reader().leaf_readers()[0][0], "body", "nowhere")
    assert found.fast and found.docnums.tolist() == [] and found.frequencies.tolist() == []


def test_without_the_private_names_it_reads_one_posting_at_a_time(big_index, monkeypatch,
                                                                  caplog):
    """Another codec's matcher: the same answer the slow way, counted and logged."""
    with big_index.searcher() as searcher:
        leaf = searcher.reader().leaf_readers()[0][0]
        docnums, frequencies = public_postings(leaf, "body", "printer")
        monkeypatch.setattr(leaf, "postings", lambda fieldname, text: ListMatcher(
            docnums, frequencies))
        monkeypatch.setattr(whoosh_postings, "slow_reads", 0)
        with caplog.at_level(logging.WARNING, logger=whoosh_postings.__name__):
            found = term_postings(leaf, "body", "printer")
            term_postings(leaf, "body", "printer")
    assert not found.fast
    assert found.docnums.tolist() == docnums
    assert found.frequencies.tolist() == frequencies
    assert whoosh_postings.slow_reads == 2
    assert len(caplog.records) == 1  # logged once a process, not once a term
    assert "one at a time" in caplog.records[0].getMessage()
