"""Search that reads the whole question: a code and the words beside it, near-miss
codes, true counts, the words marked, suggestions as one types."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.query.typed import read_query
from app.search.nearcodes import near_codes, variants
from app.search.plan import plan_for
from app.search.readers import KnowledgeBase
from app.search.results import _coverage, search
from app.search.scoring import QueryParts, postings_of
from app.search.suggest import suggest
from tests.conftest import archive_article
from tests.worlds import (
    HOST,
    IMAP,
    MENTIONS,
    POP3,
    PRINTER,
    PRINTER_NT,
    SEARCH_ARTICLES,
    ranked_ids,
)


@pytest.fixture
def kb(make_kb) -> KnowledgeBase:
    """SEARCH_ARTICLES (tests/worlds.py)."""
    return make_kb(SEARCH_ARTICLES).kb


def test_the_words_beside_a_code_decide_among_its_articles(kb) -> None:
    assert ranked_ids(kb, "0x800CCC90 cannot retrieve messages")[0] == f"Q{IMAP}"
    assert ranked_ids(kb, "imap4 users 0x800ccc90")[0] == f"Q{IMAP}"
    assert ranked_ids(kb, "0x800CCC90 outlook express pop3")[0] == f"Q{POP3}"


def test_an_article_whose_words_fit_is_not_buried_under_one_carrying_the_code(kb) -> None:
    # MENTIONS only has 0x800ccc90 in its text, but it is the debugger's list asked for.
    assert ranked_ids(kb, "0x800ccc90 debugger value stored")[0] == f"Q{MENTIONS}"
    # Alone, the code still puts its carriers first.
    assert ranked_ids(kb, "0x800ccc90")[:2] == [f"Q{POP3}", f"Q{IMAP}"]


def test_when_the_codes_articles_do_not_fit_the_words_it_says_so(kb) -> None:
    found = search(kb, read_query("0x00002AF9 printer garbage"))
    assert found.hits[0].id == f"Q{HOST}"  # the code is still strong evidence
    assert found.words_misfit and found.words_only == "printer garbage"
    fitting = search(kb, read_query("0x00002AF9 host names"))
    assert not fitting.words_misfit and fitting.words_only == "host names"
    assert search(kb, read_query("0x00002AF9")).words_only == ""


def test_the_total_is_every_match_and_a_product_total_is_its_facet(kb) -> None:
    everything = search(kb, read_query("printer"), per_page=1)
    assert everything.total == sum(f.count for f in everything.facets)  # one product each
    for facet in everything.facets:
        narrowed = search(kb, read_query("printer"), product=facet.name, per_page=1)
        assert narrowed.total == facet.count
    last = search(kb, read_query("printer"), per_page=1, page=everything.total)
    assert len(last.hits) == 1 and last.page == last.pages == everything.total


def test_a_long_paste_marks_only_the_words_that_carried_the_match(kb) -> None:
    pasted = ("The printer prints pages of garbage characters instead of the document, "
              "the driver was reinstalled and the server was restarted, but the error "
              "is the same every time and the problem persists after a restart")
    hit = search(kb, read_query(pasted)).hits[0]
    assert hit.id == f"Q{PRINTER}"
    assert "garbage</mark>" in hit.snippet
    assert hit.snippet.count("<mark") < 8
    short = search(kb, read_query("printer garbage")).hits[0]
    assert "printer</mark>" in short.snippet.lower() and "garbage</mark>" in short.snippet


def test_code_pages_speak_only_of_what_was_typed(kb) -> None:
    found = search(kb, read_query("0x800CCC90"), codes_only=True)
    assert found.hits and not any("of your" in reason
                                  for hit in found.hits for reason in hit.reasons)
    labelled = search(kb, read_query("stop 0xde")).hits[0]
    assert "error code Stop 0x000000DE" in " ".join(labelled.reasons)


def test_one_slip_away_variants_of_a_code() -> None:
    assert "0x800CCC90" in variants("0x0800CCC9")  # a digit dropped
    assert "0x800CCC90" in variants("0x800CC9C0")  # two swapped
    assert "0x800CCC90" in variants("0x0800CCC0")  # ... or changed
    assert "ERROR-1603" in variants("ERROR-16030") and "ERROR-1603" in variants("ERROR-1630")
    assert "STOP-0x0000007B" in variants("STOP-0x000007BB")
    assert variants("WSAECONNRESET") == []


def test_a_code_no_article_carries_gets_the_near_ones_that_are(kb) -> None:
    assert [near.code for near in near_codes(kb, "0x0800CCC9")] == ["0x800CCC90"]
    assert near_codes(kb, "0x0800CCC9")[0].articles == 2
    assert near_codes(kb, "0x800CCC90") == []  # carried: nothing to offer


def test_suggestions_for_a_prefix_codes_ids_and_titles(kb) -> None:
    def shown(typed: str) -> list[tuple[str, str]]:
        return [(s.kind, s.text) for s in suggest(kb, typed, lambda code: f"/codes/{code}")]

    assert shown("0x800cc")[0] == ("code", "0x800CCC90")
    assert shown("800ccc")[0] == ("code", "0x800CCC90")
    assert shown("stop 0xd")[0] == ("code", "Stop 0x000000DE")
    assert ("article", "Printer Prints Garbage Characters") in shown("print")
    assert shown("printer garb") == [("article", "Printer Prints Garbage Characters")]
    assert shown(f"Q{PRINTER}")[0][1].startswith(f"Q{PRINTER}: Printer Prints")
    first = suggest(kb, "printer dr", lambda code: code)[0]
    assert first.url.startswith("/kb/") and first.id.startswith("Q")
    assert shown("p") == [] and shown("zzqx") == []


def test_a_suggestion_takes_well_under_a_millisecond_or_two_once_built(kb) -> None:
    suggest(kb, "pr", str)
    started = time.perf_counter()
    for _ in range(100):
        suggest(kb, "printer dr", str)
    assert (time.perf_counter() - started) / 100 < 0.005


def test_everyday_words_find_the_archives_own_wording(kb) -> None:
    from app.search.phrasing import archive_phrasings, phrasings_by_stem
    assert "stops responding" in archive_phrasings("the printer freezes")
    assert "prompted" in archive_phrasings("outlook keeps asking for my password")
    assert "unavailable" in archive_phrasings("spell check is greyed out")
    assert set(phrasings_by_stem("it froze")) == {"froze"}
    assert archive_phrasings("printer prints garbage") == []
    # "freezes" is nowhere in the articles; "stops responding" is.
    assert ranked_ids(kb, "my printer freezes on a big document")[0] == f"Q{PRINTER_NT}"


def test_a_long_readme_with_every_word_once_does_not_cover_a_description(make_kb) -> None:
    """A word counts toward a description's coverage as much as one occurrence weighs
    for the article's length: the short problem article with the words in its title and
    symptoms ranks above the long readme that has every typed word once, far apart."""
    problem = ("SYMPTOMS\n\nWhen you type in Windows 95, the letters appear on the screen "
               "seconds later. The keyboard response is slow.\n\nCAUSE\n\n"
               "The keyboard controller is slow on some computers.")
    filler = " ".join(f"setupnote{n} applies to drivers and files." for n in range(400))
    readme = (f"SUMMARY\n\nThis is the Windows 95 Setup.txt file. {filler} Typing a path. "
              f"{filler} Letters of drives. {filler} It shows up later. {filler} Wait a "
              f"few seconds. {filler} Slow networks. {filler}")
    others = [(f"Windows 95 note {n}", f"SYMPTOMS\n\nAn unrelated note {n} about drivers.")
              for n in range(8)]
    kb = make_kb({f"Q{number}": archive_article(number, title, body, product="Windows 95")
                  for number, (title, body) in enumerate(
                      [("Slow Keyboard Response on Some Windows 95-Based Computers", problem),
                       ("Windows 95 Setup.txt File", readme), *others], start=700001)}).kb
    text = "typing lags, letters show up seconds later in windows 95"
    assert ranked_ids(kb, text)[0] == "Q700001"
    searcher = kb.searcher()
    problem_doc, readme_doc = (next(searcher.document_numbers(id=f"Q{n}"))
                               for n in (700001, 700002))
    scores = np.zeros(searcher.doc_count_all())
    scores[[problem_doc, readme_doc]] = 1.0  # the same words' score: coverage alone decides
    _coverage(QueryParts(postings_of(kb)), plan_for(kb, read_query(text)), scores)
    assert scores[problem_doc] > scores[readme_doc]
