"""Search as a person notices it: which articles come back, in which order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.index.build import build_index
from app.query.typed import read_query
from app.search.readers import KnowledgeBase
from app.search.results import rank, search
from tests.conftest import archive_article, write_article
from tests.worlds import (
    ASP,
    EVENT,
    HOST,
    IMAP,
    JET,
    KERNEL,
    MENTIONS,
    POOL,
    POP3,
    PRINTER,
    PRINTER_NT,
    SAVE,
    SCATTERED,
    SEARCH_ARTICLES,
    WINSOCK,
)
from tests.worlds import ranked_ids as ids


@pytest.fixture
def kb(make_kb, tmp_path: Path) -> KnowledgeBase:
    """SEARCH_ARTICLES in tmp_path/kb, indexed in tmp_path/index (where a test rebuilds it)."""
    return make_kb(SEARCH_ARTICLES, config={"INDEX_DIR": str(tmp_path / "index")}).kb


@pytest.mark.parametrize("typed", ["800ccc90", "0x800CCC90", "800CCC90", "-2146644848",
                                   "error 0x800ccc90", "Server Error: 0x800CCC90"])
def test_a_code_typed_any_way_finds_the_articles_that_carry_it_first(kb, typed: str) -> None:
    found = ids(kb, typed)
    # The two that carry the code, the one whose title has it first; then the one that
    # only mentions it in a list.
    assert found[:3] == [f"Q{POP3}", f"Q{IMAP}", f"Q{MENTIONS}"]


@pytest.mark.parametrize(("typed", "article"), [
    ("0x2AF9", HOST), ("stop 0xde", POOL), ("STOP: 0x000000DE", POOL), ("event 1020", EVENT),
    ("ASP 0178", ASP), ("asp error 0178", ASP), ("error #10053", WINSOCK),
])
def test_short_and_long_spellings_of_a_code_find_its_article(kb, typed, article) -> None:
    assert ids(kb, typed)[0] == f"Q{article}"


def test_a_code_outranks_articles_that_only_share_the_words(kb) -> None:
    # Every word but the code points at the printer articles.
    assert ids(kb, "printer prints garbage 0x00002AF9")[0] == f"Q{HOST}"


MESSAGE = ("The document could not be saved because the destination folder is read-only "
           "or the network connection was interrupted.")


@pytest.mark.parametrize("pasted", [
    MESSAGE,
    MESSAGE.lower(),
    "The document could not be saved because the destination folder is read only or the "
    "network connection was interrupted",
    MESSAGE.replace("destination", "destinaton"),
    "could not be saved because the destination folder",
])
def test_an_error_message_pasted_finds_the_article_that_quotes_it(kb, pasted) -> None:
    assert ids(kb, pasted)[0] == f"Q{SAVE}"


def test_a_file_name_pasted_without_its_dot_still_matches(kb) -> None:
    assert ids(kb, "MSACCESS caused an invalid page fault in module MSJET35 DLL")[0] == f"Q{JET}"
    assert ids(kb, "msaccess invalid page fault kernel32 dll")[0] == f"Q{KERNEL}"


def test_words_are_stemmed_and_the_title_counts_most(kb) -> None:
    assert ids(kb, "printing garbage character")[0] == f"Q{PRINTER}"


def test_a_phrase_ranks_above_the_same_words_scattered(kb) -> None:
    found = ids(kb, "garbage characters")
    assert found.index(f"Q{PRINTER}") < found.index(f"Q{SCATTERED}")


@pytest.mark.parametrize("hostile", ['AND', '*', 'title:printer', '"printer', 'printer)',
                                     '(printer', 'printer~2', 'printer^10', 'NOT OR AND',
                                     '"', '', '   ', 'a AND (b OR "c'])
def test_query_syntax_typed_by_accident_is_just_text(kb, hostile) -> None:
    results = search(kb, read_query(hostile))
    assert results.query == " ".join(hostile.split())
    if "printer" in hostile:
        assert results.hits[0].id in (f"Q{PRINTER}", f"Q{PRINTER_NT}")


def test_did_you_mean_corrects_a_misspelled_word_and_finds_its_articles(kb) -> None:
    results = search(kb, read_query("printr garbage"))
    assert results.suggestion == "printer garbage"
    assert results.corrections == [("printr", "printer")]
    assert results.hits[0].id == f"Q{PRINTER}"


def test_searching_as_typed_makes_no_correction(kb) -> None:
    assert search(kb, read_query("printr"), correct=False).suggestion is None


@pytest.mark.parametrize("meant", ["0x800ccc90", "Q198704", "1999", "NTFS", "POOL",
                                   "mapi_e_logon_failed", "prntr.dll"])
def test_codes_ids_numbers_and_capitals_are_never_corrected(kb, meant) -> None:
    results = search(kb, read_query(meant))
    assert results.suggestion is None and results.corrections == []


def test_product_filter_narrows_and_facets_count_products(kb) -> None:
    everything = search(kb, read_query("printer"))
    assert {(f.name, f.count) for f in everything.facets} >= {
        ("Microsoft Windows 95", 1), ("Microsoft Windows NT", 1)}
    narrowed = search(kb, read_query("printer"), product="Microsoft Windows NT")
    assert [hit.id for hit in narrowed.hits] == [f"Q{PRINTER_NT}"]
    assert narrowed.total == 1
    # The facets still show what the other products hold.
    assert len(narrowed.facets) == len(everything.facets)


def test_hits_say_why_they_matched_and_mark_the_words(kb) -> None:
    by_code = search(kb, read_query("0x800CCC90")).hits
    assert by_code[0].matched_codes == ["0x800CCC90"]
    assert "error code 0x800CCC90" in by_code[0].reasons[0]
    assert by_code[2].id == f"Q{MENTIONS}" and by_code[2].matched_codes == []
    assert "mentions 0x800CCC90" in by_code[2].reasons[0]
    by_message = search(kb, read_query(MESSAGE)).hits[0]
    assert "It quotes the message you typed." in by_message.reasons
    by_title = search(kb, read_query("printer garbage characters")).hits[0]
    assert any("title" in reason for reason in by_title.reasons)
    assert "<mark" in by_title.snippet and "garbage</mark>" in by_title.snippet


def test_a_snippet_is_escaped_text(make_kb) -> None:
    kb = make_kb({"Q310001": archive_article(310001, "Script Tags in Templates", """\
        SYMPTOMS
        ========

        A template shows <script>alert(1)</script> instead of running it.
        """)}).kb
    hit = search(kb, read_query("template script")).hits[0]
    assert "<script>" not in hit.snippet and "&lt;" in hit.snippet


def test_pages_of_results(kb) -> None:
    first = search(kb, read_query("server"), per_page=2)
    second = search(kb, read_query("server"), per_page=2, page=2)
    assert first.pages >= 2 and second.page == 2
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_nothing_found_is_an_empty_result_not_an_error(kb) -> None:
    results = search(kb, read_query("zzyzx qwxv"))
    assert results.total == 0 and results.hits == [] and results.pages == 0


def test_rank_gives_ids_and_scores_best_first(kb) -> None:
    ranked = rank(kb, read_query("printer garbage"), 3)
    assert len(ranked) <= 3 and ranked[0][0] == f"Q{PRINTER}"
    assert all(isinstance(score, float) for _, score in ranked)
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_codes_only_lists_the_articles_with_the_code(kb) -> None:
    results = search(kb, read_query("0x800CCC90"), codes_only=True)
    assert [hit.id for hit in results.hits] == [f"Q{POP3}", f"Q{IMAP}", f"Q{MENTIONS}"]


def test_an_article_edited_in_place_is_found_by_its_new_words_only(kb, tmp_path: Path) -> None:
    assert f"Q{PRINTER_NT}" in [hit.id for hit in search(kb, read_query("printer")).hits]
    edited = write_article(tmp_path / "kb", PRINTER_NT, archive_article(
        PRINTER_NT, "Plotter Driver Stops Responding", """\
        SYMPTOMS
        ========

        The plotter driver stops responding when you plot a large drawing.
        """))
    os.utime(edited, ns=(1, 1))
    build_index(tmp_path / "kb", tmp_path / "index", procs=1)
    assert f"Q{PRINTER_NT}" not in [hit.id for hit in search(kb, read_query("printer")).hits]
    driver = [hit.id for hit in search(kb, read_query("printer driver")).hits]
    assert driver[0] == f"Q{PRINTER}" and driver.count(f"Q{PRINTER_NT}") == 1
    assert [hit.id for hit in search(kb, read_query("plotter")).hits] == [f"Q{PRINTER_NT}"]


def test_a_slip_some_articles_share_is_corrected_but_not_an_inflection_or_a_stopword(
    make_kb,
) -> None:
    # The archive, too, misspells now and then.
    rules = {f"Q{number}": archive_article(number, f"Mail Rule {number}", """\
            SYMPTOMS
            ========

            A rule runs twice.

            MORE INFORMATION
            ================

            You may recieve the message twice.
            """) for number in range(320001, 320005)}
    stores = {f"Q{number}": archive_article(number, f"Mail Store {number}", """\
            SYMPTOMS
            ========

            Users do not receive new mail in the form or font they expect.

            CAUSE
            =====

            The store cannot receive mail while it is full.
            """) for number in range(320010, 320060)}
    kb = make_kb({**rules, **stores}).kb
    typed = read_query("i dont recieve new mail from")
    assert search(kb, typed).corrections == [("recieve", "receive")]
    assert search(kb, read_query("receives new mail")).corrections == []
