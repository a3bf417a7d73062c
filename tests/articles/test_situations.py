"""A situation option is when the problem happens, as the title says it, cased as the
article writes it: never a clause that goes on to say what fails, a cut title, a
cause, or the title of an article that names no problem. Articles are written in
tmp_path and read through the real index, as the wizard reads them."""

from __future__ import annotations

import pytest

from app.articles.situations import situation_option
from app.wizard.candidates import Candidate
from app.wizard.engine import next_screen
from app.wizard.questions import choose_question
from app.wizard.state import State
from tests.conftest import KB, archive_article
from tests.worlds import facts_with

BODY = """\
    SYMPTOMS
    ========

    The program stops responding when you print to an inkjet printer or start
    Microsoft Outlook. Installing the Intel Pro/100 network adapter driver and
    using ODBC to reach the data source do the same, as do special characters. A
    badly encoded X.400 message reaches the drive; print with the ODBC Access 2 driver.

      The operation could not be completed.
    """

TITLES = {
    # When it happens, a thing installed, a thing used: offered, cased as written.
    "Q300201": ("Invalid Page Fault When Printing to Inkjet Printer",
                "When printing to inkjet printer"),
    "Q300202": ("XCLN: Error Message When You Start Microsoft Outlook",
                "When you start Microsoft Outlook"),
    "Q300203": ("Error Message After You Install Intel Pro/100 Network Adapter",
                "After you install Intel Pro/100 network adapter"),
    "Q300204": ("WD97: Cannot Open the Data Source Using ODBC", "Using ODBC"),
    # A clause that goes on to say what fails, a cut title, a cause, no problem: none.
    "Q300211": ("XADM: Opening Folders with Long Names Stops Netscape", ""),
    "Q300212": ("Error Message Appears and Action Menu Is Empty When You Run Outl", ""),
    "Q300213": ("Cluster Server Won't Start If Log Directory Not Created", ""),
    "Q300214": ("HOWTO: Create Pie Charts Using the Circle Method", ""),
    "Q300215": ("WD97: Outline Numbering Wrong with Special Characters", ""),
    # A cause the person cannot see; a title of the archive's cut length, whose last
    # word may be cut where the article writes the whole one ("Drive" of "Driver").
    "Q300216": ("XCON: MTA Stops With Badly Encoded X.400 Message", ""),
    "Q300217": ("Reports Lose Letters When You Print With the ODBC Access 2 Drive", ""),
    # Nothing told: on Windows (as every reader is), a clause left hanging, a status code.
    "Q300218": ("Older MS-DOS Mouse Drivers Incompatible with Windows", ""),
    "Q300219": ("XWEB: Mailbox access through OWA is denied when Proxy server is", ""),
    "Q300220": ("Multiple Default Documents Fail With 403 Access Forbidden", ""),
}


@pytest.fixture(scope="module")
def offered(tmp_path_factory):
    world = KB.of(tmp_path_factory.mktemp("situations"),
                  {key: archive_article(int(key[1:]), title, BODY)
                   for key, (title, _) in TITLES.items()})
    found = world.source().facts(list(TITLES))
    yield {key: [v.label for v in found[key].values["situation"].values()] for key in found}
    world.close()


@pytest.mark.parametrize("article", sorted(TITLES))
def test_a_situation_option_is_when_it_happens_as_the_title_says(offered, article):
    expected = TITLES[article][1]
    assert offered[article] == ([expected] if expected else [])


def test_a_word_the_article_writes_as_a_name_keeps_its_capital_and_a_verb_loses_it():
    text = ("Click Quit on the File menu, then click Save As. Save the file in Word. "
            "Quit the program.")
    assert situation_option("Program Hangs When Using Save As in Word", text) == \
        "When using Save As in Word"
    assert situation_option("Program Hangs When You Quit the Program", text) == \
        "When you quit the program"


def test_articles_told_apart_only_by_their_situation_are_asked_when_it_happens():
    found = {"Q1": facts_with("Q1", "situation", "When you print"),
             "Q2": facts_with("Q2", "situation", "During setup"),
             "Q3": facts_with("Q3", "situation", "After you install Service Pack 4")}
    candidates = [Candidate(key, "t", "/", 1.0, 1 / 3) for key in found]
    assert choose_question(candidates, found, set(), None)[0] == "situation"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """Three articles on one code, told apart only by when it happens."""
    world = KB.of(tmp_path_factory.mktemp("gateway"), {
        f"Q30022{n}": archive_article(300220 + n, f"Mail Gateway Stops {when}", f"""\
            SYMPTOMS
            ========

            The mail gateway stops with error 0x80040154 {said}.
            """)
        for n, when, said in ((1, "When Offline", "when offline"),
                              (2, "With Novell NetWare Client", "with the Novell NetWare client"),
                              (3, "Using Large Fonts", "using large fonts"))})
    yield world.source()
    world.close()


def test_the_wizard_asks_when_it_happens_and_the_answer_leads_to_that_article(gateway):
    first = next_screen(gateway, State("0x80040154"))
    assert first.question is not None and first.question.id == "situation"
    assert first.question.text == "Which of these matches when it happens?"
    option = next(o for o in first.question.options if o.label == "With Novell NetWare client")
    answered = next_screen(gateway, option.state)
    assert answered.fix is not None and answered.fix.article.id == "Q300222"


def test_after_an_article_was_tried_no_question_is_asked_again(gateway):
    # Its steps used the screens; the next article's fix or the hand-over follows.
    after = next_screen(gateway, State("0x80040154", tried=("Q300221",)))
    assert after.question is None
    assert after.fix is not None or after.kind.name == "HANDOVER"
