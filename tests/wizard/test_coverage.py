"""What the knowledge base does not cover (app/wizard/coverage.py), read from the index
of an office's own articles: the names a person types that no article speaks of, and
the names the articles use for something else (the Zoom box, sports teams, a
replication Dropbox), against the ordinary words and programs they do speak of."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from app.query.typed import read_query
from app.wizard.coverage import uncovered_names
from tests.conftest import KB, helpdesk_article
from tests.htmltools import parse
from tests.worlds import WithSlips

# Sixty articles about mail, printers and laptops: enough for the person's ordinary
# words to be common, as in the archive, so that a name no article uses stands out.
COMMON_SYMPTOMS = (
    "The laptop is connected to the network but there is no internet, the mailbox keeps "
    "asking for the password, the printer stops, and the program shows a message with a "
    "code when you open a document or start a meeting with sound from the camera. It "
    "says the face recognition has stopped working, another program is used, a text "
    "never arrives, the screen freezes, and the laptop does not charge.")
TOPICS = ["mail", "printer", "laptop", "network", "password", "document"]
ARTICLES = {
    f"Q9100{n:02d}": helpdesk_article(
        f"Q9100{n:02d}", f"Windows {(95, 98)[n % 2]} {TOPICS[n % len(TOPICS)]} problem number {n}",
        products=["Microsoft Windows"], symptoms=COMMON_SYMPTOMS,
        resolution=["Restart the computer."]) for n in range(60)
}
ARTICLES |= {
    "Q910101": helpdesk_article(
        "Q910101", "The Zoom box on the toolbar is unavailable",
        symptoms="The Zoom box on the Standard toolbar is unavailable in a document.",
        resolution=["Switch to Page Layout view."]),
    "Q910102": helpdesk_article(
        "Q910102", "Sports teams are listed twice",
        symptoms="The teams list shows each of the teams twice.", resolution=["Sort again."]),
    "Q910103": helpdesk_article(
        "Q910103", "Replication stops at the shared folder",
        symptoms="Replication stops at the Dropbox folder.", resolution=["Share it again."]),
    "Q910104": helpdesk_article(
        "Q910104", "A sample program shows nothing",
        symptoms="The Windows Hello sample shows nothing on the screen.",
        resolution=["Build the sample again."]),
    "Q910105": helpdesk_article(
        "Q910105", "The Inbox is empty after compacting",
        symptoms="The Outlook Inbox is empty after you compact the folders.",
        resolution=["Repair the folders."]),
    "Q910106": helpdesk_article(
        "Q910106", "MAPI cannot load the information service",
        symptoms='You receive the following error message: "MAPI was unable to load the '
                 'information service EMSMDB.DLL."', resolution=["Add the service again."]),
    "Q910107": helpdesk_article(
        "Q910107", "The 68K Macintosh runs out of memory",
        symptoms="On a 68K Macintosh the program runs out of memory.",
        resolution=["Give the program more memory."]),
    "Q910108": helpdesk_article(
        "Q910108", "USB printer stops at the dock",
        symptoms="A USB printer on the laptop dock stops printing.", resolution=["Unplug it."]),
} | {
    f"Q9103{n:02d}": helpdesk_article(
        f"Q9103{n:02d}", f"The backup report {n} is too long",
        symptoms="The backup report lists everything twice.", resolution=["Run it again."])
    for n in range(10)
} | {
    f"Q9102{n:02d}": helpdesk_article(
        f"Q9102{n:02d}", f"Microsoft Publisher prints page {n} sideways",
        symptoms="Publisher prints the page sideways.", resolution=["Turn the page."])
    for n in range(5)
}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KB]:
    kb = KB.of(tmp_path_factory.mktemp("office"), ARTICLES,
               config={"HELPDESK_CONTACT": "helpdesk@example.com"})
    yield kb
    kb.close()



def names_in(office: KB, text: str, slips: dict[str, str] | None = None) -> list[str]:
    source = office.source() if slips is None else WithSlips(office.source(), slips)
    return uncovered_names(read_query(text), source)


@pytest.mark.parametrize("text, name", [
    ("Zoom says my camera is used by another program", "Zoom"),       # the Zoom box
    ("Teams meeting has no sound", "Teams"),                          # sports teams
    ("Dropbox keeps asking for the password", "Dropbox"),             # a replication folder
])
def test_a_name_the_articles_use_for_something_else_is_said(office, text, name):
    response = office.client.get("/troubleshoot?" + urlencode({"q": text}))
    page = parse(response.get_data(as_text=True))
    assert page.find("h1").text == f"This knowledge base has no articles about {name}"
    assert "open" in page.find("details", id="handover").attrs
    assert "Contact helpdesk@example.com" in page.text
    assert "Did this fix it?" not in page.text


@pytest.mark.parametrize("text", [
    "the Zoom box on the toolbar is unavailable in my document",   # what the articles say
    "Replication stops at the Dropbox folder",
    "Publisher keeps asking for the password",     # the vendor's program, with its name
    "Outlook Inbox keeps asking for the password",  # a rare pair, of a word titles name
    "MAPI was unable to load the information service Emsmdb dll",  # its article writes it
    "my 68K Macintosh runs out of memory",
    # A capital at the start of a sentence says nothing of a name: "Yesterday" is no
    # subject before "the"; the articles write "everything" only in lower case.
    "Yesterday the printer stops",
    "Everything freezes when the camera starts",
])
def test_what_the_articles_speak_of_is_never_said_missing(office, text):
    assert names_in(office, text) == []


def test_a_pair_seen_only_in_a_sample_of_a_word_no_title_names_is_a_name(office):
    assert names_in(office, "Windows Hello face recognition stopped working") == [
        "Windows Hello"]


@pytest.mark.parametrize("text, name", [
    ("the 2FA code never arrives by text message", "2FA"),    # digits and capitals
    ("the USB-C dock does not charge my laptop", "USB-C"),    # USB is known, USB-C not
])
def test_names_with_digits_and_hyphens(office, text, name):
    assert names_in(office, text) == [name]


@pytest.mark.parametrize("text, slips, names", [
    ("my wifi is connected but there is no internet", {"wifi": "wiki"}, ["wifi"]),
    ("the mailbix keeps asking for the password", {"mailbix": "mailbox"}, []),
    ("the printer crackles when it stops", {"crackles": "crackle"}, []),   # a form of it
    ("my iPhone keeps asking for the password", {"iphone": "phone"}, ["iPhone"]),
    ("the FoxUer program keeps asking for the password", {"foxuer": "foxuser"}, []),
])
def test_a_slip_is_told_from_a_name(office, text, slips, names):
    """`wifi` is no slip for a word two articles use; `mailbix` is one for a word they
    all use; a capital inside is typed on purpose unless a letter was left out."""
    assert names_in(office, text, slips) == names
