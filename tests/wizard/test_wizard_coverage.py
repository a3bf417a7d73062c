"""What the wizard says first (issue 18): the fix where search is as sure, "no articles
about" what the knowledge base never mentions, codes one digit away, reasons that
say what matched; read as a person reads the page (tests/htmltools.py)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from app.query.typed import read_query
from app.wizard.coverage import uncovered_names
from app.wizard.engine import next_screen
from app.wizard.state import Screen, State
from tests.conftest import helpdesk_article
from tests.htmltools import Element, parse, walkless
from tests.worlds import WithSlips

# A help desk's own articles about mail and printing, in the words people use, so
# that the ordinary words of a problem are known and a name that is not stands out.
MAIL = ["Microsoft Outlook"]
ARTICLES = {
    "Q900201": helpdesk_article(
        "Q900201", "Outlook keeps signing me out of my mailbox", products=MAIL,
        symptoms="Outlook keeps signing you out of the mailbox every few minutes and asks "
                 "for the password again.",
        resolution=["Remove the saved password.", "Sign in again."]),
    "Q900202": helpdesk_article(
        "Q900202", "Outlook calendar does not sync with the phone", products=MAIL,
        symptoms="The calendar on the phone does not show new meetings from Outlook.",
        resolution=["Turn calendar sync off and on again."]),
    "Q900203": helpdesk_article(
        "Q900203", "The printer prints pages of strange characters",
        products=["Microsoft Windows"],
        symptoms="The printer prints pages of strange characters instead of the document.",
        resolution=["Install the printer driver again."],
        then="If it still prints strange characters, print a test page from its own menu."),
    "Q900204": helpdesk_article(
        "Q900204", "Outlook cannot send mail: error 0x800CCC90", products=MAIL,
        codes=["0x800CCC90"], symptoms="Sending mail fails with 0x800CCC90.",
        resolution=["Check the outgoing server name."]),
    "Q900205": helpdesk_article(
        "Q900205", "Outlook asks for the password when it starts", products=MAIL,
        symptoms="Outlook asks for the password every time it starts.",
        resolution=["Save the password in the account settings."]),
}


@pytest.fixture
def world(make_kb):
    return make_kb(ARTICLES, config={"HELPDESK_CONTACT": "helpdesk@example.com"})


def page_of(world, text: str) -> Element:
    response = world.client.get("/troubleshoot?" + urlencode({"q": text}))
    assert response.status_code == 200
    return parse(response.get_data(as_text=True))


@pytest.mark.parametrize("text, name", [
    ("Microsoft Teams keeps signing me out", "Microsoft Teams"),
    ("my iPhone calendar does not sync with Outlook", "iPhone"),
])
def test_a_name_no_article_speaks_of_is_said_on_the_first_screen(world, text, name):
    page = page_of(world, text)
    assert page.find("h1").text == f"This knowledge base has no articles about {name}"
    handover = page.find("details", id="handover")
    assert "open" in handover.attrs and "Contact helpdesk@example.com" in handover.text
    assert f"Nothing here is about {name}, so a person" in page.text
    # The summary a person sends says what the knowledge base has nothing about.
    assert f"This knowledge base has no articles about: {name}" in handover.text
    # Weak matches are offered as such, and no fix is shown unless one is picked.
    assert "Weak matches" in page.text and f"none is about {name}" in page.text
    assert "Did this fix it?" not in page.text and "Try this" not in page.text


def test_weak_matches_are_walked_only_when_picked(world):
    result = next_screen(world.source(), State("Microsoft Teams keeps signing me out"))
    assert result.kind is Screen.HANDOVER and result.fix is None
    assert result.fits[0].id == "Q900201"
    picked = next_screen(world.source(), result.fits[0].state)
    assert picked.kind is Screen.FIX and picked.fix.article.id == "Q900201"


@pytest.mark.parametrize("text", [
    "Outlook keeps signing me out",               # every word known
    "Outlook asks for the pasword",               # a slip, not a name
    "Outlook Express Inbox",                      # too few ordinary words to judge by
    "Outlook keeps signing me out FROM the mailbox",   # capitals, but a word search leaves out
])
def test_ordinary_problems_are_never_told_they_are_not_covered(world, text):
    assert uncovered_names(read_query(text), world.source()) == []


def test_where_search_is_as_sure_the_first_screen_is_the_fix(world):
    page = page_of(world, "the printer prints pages of strange characters")
    assert page.find("p", **{"class": "kb-id"}).text == "Fix from Q900203"
    assert page.find("h1").text == "The printer prints pages of strange characters"
    assert "Which program" not in page.text


def test_a_code_one_digit_away_is_offered_instead_of_no_article(world):
    page = page_of(world, "0x800CCC9")
    assert page.find("h1").text == "No article carries 0x800CCC9"
    assert walkless(page.link("0x800CCC90")) == "/troubleshoot?q=0x800CCC90"
    data = world.client.get("/api/troubleshoot?q=0x800CCC9").get_json()
    assert data["near_codes"][0]["code"] == "0x800CCC9"
    assert data["near_codes"][0]["near"][0]["code"] == "0x800CCC90"
    assert data["near_codes"][0]["near"][0]["next"] == "/api/troubleshoot?q=0x800CCC90"


def test_reasons_say_what_matched_never_what_did_not_exclude(world):
    state = State("Outlook asks for the password", (("symptom", "something-else"),))
    result = next_screen(world.source(), state)
    assert not any("stays in the running" in reason for reason in result.reasons)


def test_the_json_of_these_might_fit_has_the_none_of_these_link(make_kb):
    source_world = make_kb({
        f"Q90030{n}": helpdesk_article(
            f"Q90030{n}", f"Mail {kind} fails", symptoms=f"Mail {kind} fails sometimes.",
            resolution=["Try again."]) for n, kind in enumerate(["sending", "receiving"], 1)})
    url = "/api/troubleshoot?q=mail+fails"
    for _ in range(5):          # "Not sure" until the list
        data = source_world.client.get(url).get_json()
        if data["question"] is None:
            break
        url = data["question"]["options"][-1]["next"]
    # No article stands out: the likeliest one's fix, the other beside it.
    assert data["screen"] == "fix" and data["fits"] and data["fix"]
    assert data["none_fit"] == url.replace("?", "?", 1) + "&end=no-match"
    assert source_world.client.get(data["none_fit"]).get_json()["dead_end"]


def test_no_next_thing_to_try_is_a_button(world):
    page = page_of(world, "the printer prints pages of strange characters")
    assert walkless(page.form("No, next thing to try").url) == (
        "/troubleshoot?q=the+printer+prints+pages+of+strange+characters"
        "&article=Q900203&step=2")
    assert not any(text.startswith("No, next") for text, _ in page.links)


def test_the_page_tries_the_likeliest_fix_and_lists_the_others_beside_it(make_kb):
    world = make_kb({
        f"Q90030{n}": helpdesk_article(
            f"Q90030{n}", f"Mail {kind} fails", symptoms=f"Mail {kind} fails sometimes.",
            resolution=[f"Restart the {kind} service."])
        for n, kind in enumerate(["sending", "receiving"], 1)})
    url = "/troubleshoot?q=mail+fails"
    for _ in range(5):          # "Not sure" until the questions run out
        page = parse(world.client.get(url).get_data(as_text=True))
        unsure = page.find_all("a", class_="option unsure")
        if page.find_all("h2", id="others-heading") or not unsure:
            break
        url = unsure[-1].attrs["href"]
    kb_id = page.find("p", class_="kb-id")
    assert kb_id.text.startswith("Something to try, from")
    # On a phone the list is below the fold: the top of the fix says it is there.
    assert ("Not this? 1 other article might fit", "#others-heading") in kb_id.links
    assert not page.find_all("h2", id="why-heading")      # not called "the fix"
    shown = page.find("h1", id="fix-title").text
    others = page.find("section", class_="panel fits others")
    listed = [a.find("strong").text for a in others.find_all("a", class_="option fit")]
    assert listed and shown not in listed
    assert {shown, *listed} == {"Mail sending fails", "Mail receiving fails"}
    none = others.find("a", class_="option unsure")
    assert none.text == "None of these" and "end=no-match" in none.attrs["href"]


@pytest.mark.parametrize("text, name", [
    ("my Outlook Printer keeps signing me out", "Outlook Printer"),  # known, never side by side
    ("MFA keeps signing me out", "MFA"),                         # capitals no article uses
])
def test_names_read_from_the_index_not_a_list(world, text, name):
    assert uncovered_names(read_query(text), world.source()) == [name]



@pytest.mark.parametrize("text, slips, names", [
    ("Slack keeps signing me out", {"slack": "stack"}, ["Slack"]),    # one letter changed
    ("Outlok keeps signing me out", {"outlok": "outlook"}, []),       # a letter left out
    ("keeps signing me out of my mailbix", {"mailbix": "mailbox"}, []),  # lower case: a slip
])
def test_a_capitalised_name_is_not_taken_for_a_slip_of_the_fingers(world, text, slips, names):
    assert uncovered_names(read_query(text), WithSlips(world.source(), slips)) == names


def test_a_rare_word_is_a_name_unless_its_articles_write_it_so(make_kb):
    articles = dict(ARTICLES)
    articles["Q900206"] = helpdesk_article(
        "Q900206", "Sports teams are listed twice", symptoms="The teams list shows each "
        "of the teams twice.", resolution=["Sort the list again."])
    articles["Q900207"] = helpdesk_article(
        "Q900207", "Replication stops", symptoms="Replication stops at the Dropbox folder.",
        resolution=["Share the Dropbox folder again."])
    source = make_kb(articles).source()
    assert uncovered_names(read_query("Teams keeps signing me out"), source) == ["Teams"]
    # The articles' Dropbox is a replication folder: the person's signs them out.
    assert uncovered_names(read_query("Replication stops at the Dropbox folder"), source) == []
    assert uncovered_names(read_query("the Dropbox keeps signing me out"), source) == [
        "Dropbox"]
