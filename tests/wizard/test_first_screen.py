"""What the first screen shows for a pasted message or a code with its words: the fix
where the evidence is as strong as search's, a question where it is not; and, where
several articles quote the message, the question that tells them apart by when the
message appears. Articles are written in tmp_path (make_kb) and read through the
real index, as the wizard reads them."""

from __future__ import annotations

import pytest

from app.articles.facts import KINDS, Facts
from app.query.typed import read_query
from app.wizard.candidates import Candidate
from app.wizard.engine import next_screen
from app.wizard.evidence import search_evidence
from app.wizard.state import NOT_SURE, Screen, State
from tests.conftest import archive_article, helpdesk_article


def _quoting(number: int, title: str, opening: str) -> str:
    return archive_article(number, title, f"""\
    SYMPTOMS
    ========

    {opening}

      The RPC server is unavailable.

    RESOLUTION
    ==========

    Restart the {title.split()[0]} service on the server, and then try again.
    """)


# Three articles quote the same message; only their openings say when it appears.
RPC = {
    "Q300001": _quoting(300001, "Sorting Fails in the Sales Sheet",
                        "When you sort the Sales column by date, you receive the following "
                        "error message:"),
    "Q300002": _quoting(300002, "Zooming Fails in Drawings",
                        "When you zoom a drawing to 400 percent, you may receive the "
                        "following error message:"),
    "Q300003": _quoting(300003, "Dragging Shapes Fails",
                        "When you drag a shape onto the page, you receive an error message "
                        "similar to the following:"),
}


@pytest.fixture
def rpc(make_kb):
    return make_kb(RPC).source()


def test_an_opening_that_leads_to_the_message_is_offered_as_when_it_appears(rpc):
    found = rpc.facts(list(RPC))
    assert [v.label for v in found["Q300001"].values["symptom"].values()] == [
        "An error message appears when you sort the Sales column by date."]
    assert [v.label for v in found["Q300003"].values["symptom"].values()] == [
        "An error message appears when you drag a shape onto the page."]


@pytest.mark.parametrize("target", list(RPC))
def test_a_message_several_articles_quote_is_told_apart_by_when_it_appears(rpc, target):
    """The person pasted the message and knows what they were doing: the first fix
    they see is their article's, not one picked from a list."""
    state = State("The RPC server is unavailable.")
    asked = []
    for _ in range(6):
        result = next_screen(rpc, state)
        if result.question is None:
            break
        options = result.question.options
        chosen = next((o for o in options if o.value != NOT_SURE and target in o.articles),
                      options[-1])
        asked.append((result.question.text, chosen.label))
        state = chosen.state
    assert ("Which of these sounds most like what happens?",
            next(iter(rpc.facts([target])[target].values["symptom"].values())).label) in asked
    assert result.kind == Screen.FIX and result.fix.article.id == target


# Two articles carry the same code; the words typed beside it say what happens in
# one article's symptoms, and only in the other's resolution, so search's scores are
# close: the words the leader's symptoms hold are the evidence.
CODE_WORLD = {
    "Q900201": helpdesk_article(
        "Q900201", "Synchronisation stops with 0x8004010F",
        products=["Outlook"], codes=["0x8004010F"],
        symptoms="The offline address book cannot be downloaded (8004010F).",
        resolution=["Ask the administrator to rebuild it on the server."]),
    "Q900202": helpdesk_article(
        "Q900202", "Address book: send and receive fails with 0x8004010F",
        products=["Outlook"], codes=["0x8004010F"],
        symptoms="The data file cannot be found when you send and receive.",
        resolution=["Delete the offline address book.",
                    "Download the offline address book again."]),
}


@pytest.fixture
def codes(make_kb):
    return make_kb(CODE_WORLD).source()


def test_a_code_with_its_distinctive_words_goes_straight_to_the_fix(codes):
    result = next_screen(codes, State("0x8004010F offline address book"))
    assert result.kind == Screen.FIX and result.evidence == "search"
    assert result.fix.article.id == "Q900201"


@pytest.mark.parametrize("typed", ["0x8004010F", "8004010f"])
def test_a_bare_code_two_articles_carry_asks_first(codes, typed):
    # Typed without its 0x, the code is still no word beside the code.
    result = next_screen(codes, State(typed))
    assert result.kind == Screen.QUESTION and result.fix is None


def _facts(article_id: str, text: str) -> Facts:
    return Facts(article_id, article_id, f"/kb/{article_id}/", frozenset(),
                 {kind: {} for kind in KINDS}, text)


def test_a_message_only_search_first_holds_every_word_of_is_the_fix_without_a_lead():
    """Search's scores are close (a lead of 1.05, no message quoted word for word), but
    only its first has every word of the five-word paste: that is evidence enough."""
    query = read_query("Error: the folder conversion process was halted")
    facts = {
        "Q1": _facts("Q1", "move stops the folder conversion process was halted by an error"),
        "Q2": _facts("Q2", "folder conversion process error after an upgrade"),
        "Q3": _facts("Q3", "public folder conversion process stops with an error"),
    }
    candidates = [Candidate(key, key, "", score, weight) for key, score, weight in
                  (("Q1", 10.5, 0.4), ("Q2", 10.0, 0.35), ("Q3", 9.0, 0.25))]
    ranked = [(c.id, c.score) for c in candidates]
    assert search_evidence(query, candidates, facts, ranked) == "search"
    # One of the next two holding every word too: no evidence, a question comes first.
    facts["Q3"] = _facts("Q3", "the folder conversion process was halted by an error")
    assert search_evidence(query, candidates, facts, ranked) == ""
