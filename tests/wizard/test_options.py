"""The options the wizard offers are what a person sees: messages as they appear on
screen, sentences saying what happens, versions with their program, programs the
person did not already name; and fix steps whole, with the ones that change the
system handed to an administrator. Articles are written in tmp_path (make_kb) and
read through the real index, as the wizard reads them."""

from __future__ import annotations

import pytest

from app.articles.facts import facts_of, names_in_text, product_line
from app.articles.model import Article, Block, Section
from app.wizard.candidates import Candidate
from app.wizard.engine import next_screen
from app.wizard.fixes import fix_steps
from app.wizard.questions import apply_answer, choose_again, choose_question, question_for
from app.wizard.state import NOT_SURE, State
from tests.conftest import archive_article, helpdesk_article
from tests.worlds import facts_with

MAIL_ERROR = archive_article(200001, "Mail Fails With Error 0x800CCC0F", """\
    SUMMARY
    =======

    IMPORTANT: This article contains information about modifying the registry.
    Before you modify the registry, make sure to back it up.

    SYMPTOMS
    ========

    When you check your mail, Outlook Express stops and you receive the following
    error message:

      The connection to the server was interrupted. Error 0x800CCC0F

    The following event is logged in the application event log:

      Event ID: 1171
      Source: MSExchangeDS
      Type: Error
      Event Category: None

    RESOLUTION
    ==========

    Use Registry Editor to change the following registry value:

      HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Outlook Express\\Timeout = 60

    For more information, see the following article in the Microsoft Knowledge Base:

      Q191014 XGEN: How to Obtain the latest Exchange Server 5.5 Service Pack
    """)
OLYMPICS = archive_article(200002, "Encarta Shows the Wrong Dates for the Olympic Games", """\
    SYMPTOMS
    ========

    The Olympic Games are scheduled to be held during September, 2000 in Sydney
    Australia. In Encarta 2000 you may receive an error message similar to the
    following:

      Cannot find the article. Error 0x800CCC0F

    Type the following line of code:

      filename = SYS(16)
      SET PROCEDURE TO &filename
    """, product="Microsoft Encarta")
LONG_FIRST = archive_article(200003, "Printer Prints Garbage Characters", """\
    SYMPTOMS
    ========

    When you print a document that contains a table with merged cells on a
    PostScript printer that is connected to a computer running a network operating
    system, the printer prints pages of garbage characters. Error 0x800CCC0F may be
    shown.
    """, product="See article")
PRINTER = archive_article(200004, "Printer Prints Garbage Characters", """\
    SYMPTOMS
    ========

    IMPORTANT: This article contains information about modifying the registry.

    When you print, the printer prints pages of garbage characters.

    The Olympic Games are scheduled to be held during September, 2000.
    """, product="Microsoft Windows 95.x Retail Product")


@pytest.fixture
def facts(make_kb):
    world = make_kb({"Q200001": MAIL_ERROR, "Q200002": OLYMPICS, "Q200003": LONG_FIRST,
                     "Q200004": PRINTER})
    found = world.source().facts(["Q200001", "Q200002", "Q200003", "Q200004"])
    return {key: {kind: [v.label for v in values.values()]
                  for kind, values in found[key].values.items()} for key in found}


def test_message_options_are_the_messages_on_screen_whole(facts):
    assert facts["Q200001"]["message"] == [
        "The connection to the server was interrupted. Error 0x800CCC0F"]
    # Not the event-log fields, the registry value, the pointer to another article,
    # nor the line of code "Type the following" introduces.
    assert facts["Q200002"]["message"] == ["Cannot find the article. Error 0x800CCC0F"]


def test_symptom_options_say_what_a_person_sees_never_cut(facts):
    # An opening that leads to the message is offered for what it says happens, without
    # the lead-in to a message that is not on the screen with it.
    assert facts["Q200001"]["symptom"] == ["When you check your mail, Outlook Express stops."]
    # A sentence about the world is no symptom; one too long to read as an option is
    # not offered cut with "…".
    assert facts["Q200002"]["symptom"] == []
    assert facts["Q200003"]["symptom"] == []
    # The opening of the symptoms, after the notice about the registry.
    assert facts["Q200004"]["symptom"] == [
        "When you print, the printer prints pages of garbage characters."]
    assert facts["Q200004"]["product"] == [] and facts["Q200004"]["os"] == ["Windows 95"]


def test_the_placeholder_product_and_unnamed_programs_are_never_offered(facts):
    assert facts["Q200003"]["product"] == []
    # Exchange Server is in the applies-to box, but the article is about Outlook Express.
    assert facts["Q200001"]["product"] == ["Outlook Express"]
    assert "Encarta" in facts["Q200002"]["product"]


def test_the_wizard_asks_for_the_message_with_the_messages_as_options(make_kb):
    source = make_kb({"Q200001": MAIL_ERROR, "Q200002": OLYMPICS}).source()
    result = next_screen(source, State("0x800CCC0F", ask="message"))
    assert result.question is not None and result.question.id == "message"
    assert sorted(o.label for o in result.question.options) == [
        "Cannot find the article. Error 0x800CCC0F", "Not sure",
        "The connection to the server was interrupted. Error 0x800CCC0F"]


def test_something_else_is_offered_where_an_answer_may_not_be_listed():
    found = {"Q1": facts_with("Q1", "os", "Windows 95"), "Q2": facts_with("Q2", "os", "Windows NT"),
             "Q3": facts_with("Q3")}
    candidates = [Candidate(key, "t", "/", 1.0, 1 / 3) for key in found]
    question = question_for("os", State("no sound"), candidates, found, ())
    # A person on Windows 98 says so, rather than "Not sure": the article silent on
    # Windows stays, those about the two listed go.
    assert [(o.label, o.articles) for o in question.options] == [
        ("Windows 95", ("Q1",)), ("Windows NT", ("Q2",)),
        ("Something else", ("Q3",)), ("Not sure", ("Q1", "Q2", "Q3"))]
    assert [c.id for c in apply_answer("os", "something-else", candidates, found)] == ["Q3"]


VERSIONED = {
    f"Q90030{n}": helpdesk_article(
        f"Q90030{n}", f"Outlook Express {version} cannot open attachments",
        applies_to=[f"Microsoft Outlook Express, version {version}",
                    "Microsoft Windows NT Server version 4.0"],
        codes=["0x800CCC0E"], symptoms=f"Outlook Express {version} cannot open attachments.",
        resolution=["Save the attachment first."])
    for n, version in ((1, "4.0"), (2, "5.0"), (3, "5.5"))
}


def test_versions_carry_their_program_and_windows_is_no_program(make_kb):
    source = make_kb(VERSIONED).source()
    found = source.facts(list(VERSIONED))
    assert {k for f in found.values() for k in f.values["product"]} == {"outlook-express"}
    assert {v.label for f in found.values() for v in f.values["os"].values()} == {
        "Windows NT Server"}
    result = next_screen(source, State("outlook express 0x800CCC0E"))
    assert result.question is not None and result.question.id == "version"
    assert result.question.text == "Which version of Outlook Express is it?"
    assert [o.label for o in result.question.options] == [
        "Outlook Express 4.0", "Outlook Express 5.0", "Outlook Express 5.5", "Not sure"]


@pytest.mark.parametrize(("item", "expected"), [
    ("Microsoft Visual Basic Professional Edition for Windows, versions 4.0, 4.0a",
     ("Visual Basic Professional Edition", ["4.0", "4.0a"])),
    ("Microsoft Access 2000 Service Release 1 (SR-1)", ("Access", ["2000"])),
    ("Microsoft Creative Writer for the Macintosh, version 1.1", ("Creative Writer", ["1.1"])),
    # A Windows program "for UNIX" serves UNIX: that is its name, not its platform.
    ("Microsoft Windows Services for UNIX, version 2.0", ("Windows Services for UNIX", ["2.0"])),
    ("Microsoft Video for Windows, version 1.1", ("Video for Windows", ["1.1"])),
    ("Microsoft Windows NT Workstation versions 4.0 SP1, 4.0 SP2",
     ("Windows NT Workstation", ["4.0"])),
    ("The Microsoft Network versions 2.0, 2.5 (OEM Release)",
     ("The Microsoft Network", ["2.0", "2.5"])),
    ("MSPRESS Inside Microsoft Windows 2000, Third Edition ISBN 0-7356-1021-5", ("", [])),
    ("Microsoft Windows Software Development Kit", ("", [])),
    ("See article", ("", [])),
])
def test_a_product_line_reads_as_a_program_and_its_versions(item, expected):
    assert product_line(item) == expected


@pytest.mark.parametrize(("label", "text", "named"), [
    ("Excel", "excel says the file is locked", True),
    ("Access", "access denied when I open the share", False),
    ("Access", "access 97 reports are missing letters", True),
    ("Word", "Word crashes when I print", True),
    ("Outlook Express", "OUTLOOK EXPRESS cannot find the server", True),
    ("MSN", "msn won't connect", True),
    ("Excel", "excellent printing", False),
    ("Video", "Mouse pointer vanishes at high resolution with s3 video card", False),
    ("Phone", "microsoft fax leaves off the last digit of the phone number", False),
])
def test_programs_named_in_what_was_typed(label, text, named):
    assert names_in_text(label, text) is named


def test_a_program_the_person_named_is_not_asked_again(make_kb):
    source = make_kb({
        "Q900401": helpdesk_article(
            "Q900401", "Excel says the file is locked for editing", products=["Excel"],
            symptoms="When you open a workbook, Excel says the file is locked for editing.",
            resolution=["Close the other copy."]),
        "Q900402": helpdesk_article(
            "Q900402", "Word says the file is locked for editing", products=["Word"],
            symptoms="When you open a document, Word says the file is locked for editing.",
            resolution=["Close the other copy."]),
    }).source()
    result = next_screen(source, State("excel says the file is locked"))
    assert result.question is None or result.question.id != "product"
    assert ("Program", "Excel") in result.from_paste


def test_an_everyday_word_in_a_title_names_no_program():
    found = Article(id="Q900601", title="Cannot Access CD-ROM Drive in MS-DOS Mode",
                    permalink="/kb/900/Q900601/")
    assert facts_of(found).values["product"] == {}
    found.title = "Microsoft Access 97 Cannot Open the Database"
    assert [v.label for v in facts_of(found).values["product"].values()] == ["Access"]


def test_one_program_is_asked_as_a_yes_or_no():
    found = {"Q1": facts_with("Q1", "product", "Encarta"), "Q2": facts_with("Q2"),
             "Q3": facts_with("Q3"), "Q4": facts_with("Q4", "product", "Visio")}
    candidates = [Candidate(key, "t", "/", 1.0, weight) for key, weight in
                  (("Q1", 0.5), ("Q2", 0.3), ("Q3", 0.19), ("Q4", 0.01))]
    # Visio, held by the faintest candidate, waits under "Something else"; what is left
    # is one program, asked as a question a person answers with "Yes" or "No".
    assert choose_question(candidates, found, set(), None)[0] == "product"
    question = question_for("product", State("encyclopedia crashes"), candidates, found, ())
    assert question.text == "Does the problem show in this program?"
    assert [o.label for o in question.options] == ["Yes: Encarta", "No", "Not sure"]


def test_one_operating_system_is_not_asked():
    found = {"Q1": facts_with("Q1", "os", "Windows 95"), "Q2": facts_with("Q2")}
    candidates = [Candidate("Q1", "t", "/", 1.0, 0.55), Candidate("Q2", "t", "/", 1.0, 0.45)]
    assert choose_question(candidates, found, set(), None) is None


def test_one_message_is_asked_as_a_yes_or_no_and_no_sets_its_article_aside():
    found = {"Q1": facts_with("Q1"),
             "Q2": facts_with("Q2", "message", "The file is locked for editing.", "m")}
    candidates = [Candidate("Q1", "t", "/", 1.0, 0.55), Candidate("Q2", "t", "/", 1.0, 0.45)]
    assert choose_question(candidates, found, set(), None)[0] == "message"
    question = question_for("message", State("file locked"), candidates, found, ())
    assert question.text == "Do you see this message?"
    assert [(o.label, o.articles) for o in question.options] == [
        ("Yes: The file is locked for editing.", ("Q2",)), ("No", ("Q1",)),
        ("Not sure", ("Q1", "Q2"))]
    # "Yes" puts the article quoting it first; "No" leaves the one that does not.
    assert apply_answer("message", "m", candidates, found)[0].id == "Q2"
    assert [c.id for c in apply_answer("message", "something-else", candidates, found)] == ["Q1"]


def _article(*blocks: Block) -> Article:
    return Article(id="Q900501", title="t", permalink="/kb/900/Q900501/",
                   sections=[Section("Resolution", "resolution", list(blocks))])


def test_a_step_is_whole_with_the_list_its_last_item_introduces():
    steps = fix_steps(_article(
        Block("steps", items=("On the Tools menu, click Accounts.",
                              "Click the Servers tab, and then do the following:")),
        Block("bullets", items=("Type pop3.example.com in the Incoming Mail box.",
                                "Type smtp.example.com in the Outgoing Mail box.")),
        Block("steps", items=("Click OK.",), start=3),
        Block("heading", "Step 2: Configure TCP/IP"),
        Block("steps", items=("Double-click Network.",
                              "On the DNS Configuration tab, click Disable DNS.")),
    ))
    assert [" ".join(s.text.split()) for s in steps] == [
        "On the Tools menu, click Accounts. Click the Servers tab, and then do the "
        "following: Type pop3.example.com in the Incoming Mail box. Type smtp.example.com "
        "in the Outgoing Mail box. Click OK.",
        "Step 2: Configure TCP/IP Double-click Network. On the DNS Configuration tab, "
        "click Disable DNS."]
    assert steps[0].admin_action == ""
    assert steps[1].admin_action == "Step 2: Configure TCP/IP"


@pytest.mark.parametrize(("text", "action"), [
    ("Use Registry Editor to change the Timeout value, and then quit Registry Editor.",
     "Use Registry Editor to change the Timeout value, and then quit Registry Editor."),
    ("Install the latest Windows NT 4.0 service pack.",
     "Install the latest Windows NT 4.0 service pack."),
    ("Remove the program. Then reinstall Internet Explorer from the CD-ROM.",
     "Then reinstall Internet Explorer from the CD-ROM."),
    ("Close the program, and then open the file again.", ""),
])
def test_steps_that_change_the_system_name_the_action_for_an_administrator(text, action):
    step_, = fix_steps(_article(Block("para", text)))
    assert step_.admin_action == action


def test_a_step_that_changes_the_system_goes_to_the_hand_over_with_the_action(make_kb):
    world = make_kb({"Q900801": helpdesk_article(
        "Q900801", "Outlook Express times out when it checks mail",
        products=["Outlook Express"], symptoms="Outlook Express times out when it checks mail.",
        resolution=["Use Registry Editor to set the Timeout value to 60.",
                    "Restart the computer."])})
    page = world.client.get("/troubleshoot", query_string={
        "q": "outlook express times out", "article": "Q900801"}).get_data(as_text=True)
    assert "This needs your administrator." in page
    assert "Needs an administrator: Use Registry Editor to set the Timeout value to 60." in page
    assert "Did this fix it?" not in page


def test_a_question_answered_not_sure_is_asked_again_as_a_yes_or_no_on_one_value():
    found = {"Q1": facts_with("Q1", "doing", "Printing"),
             "Q2": facts_with("Q2", "doing", "Starting the computer"),
             "Q3": facts_with("Q3")}
    candidates = [Candidate(key, "t", "/", 1.0, weight) for key, weight in
                  (("Q1", 0.4), ("Q2", 0.35), ("Q3", 0.25))]
    facet, value = choose_again(candidates, found, {"doing"})
    assert facet == "doing" and value in {"printing", "starting the computer"}
    state = State("it stops", (("doing", NOT_SURE),))
    question = question_for("doing", state, candidates, found, (), again="printing")
    assert question.text == "Is this what you were doing when it happened?"
    assert question.note.startswith("Asked again, as a yes or no: you were not sure before")
    assert [(o.label, o.articles) for o in question.options] == [
        ("Yes: Printing", ("Q1",)), ("No", ("Q2", "Q3")), ("Not sure", ("Q1", "Q2", "Q3"))]
    # The first "Not sure" stays in the link: both count among the questions asked.
    assert question.options[1].state.answers == (("doing", NOT_SURE), ("doing", "not.printing"))
    assert [c.id for c in apply_answer("doing", "not.printing", candidates, found)] == [
        "Q2", "Q3"]
    # "No" to a value no article left holds no longer fits: the engine sets it aside.
    assert apply_answer("doing", "not.faxing", candidates, found) is None


def test_a_question_is_not_asked_again_where_one_value_tells_nothing_apart():
    found = {"Q1": facts_with("Q1", "doing", "Printing"),
             "Q2": facts_with("Q2", "doing", "Printing")}
    candidates = [Candidate("Q1", "t", "/", 1.0, 0.5), Candidate("Q2", "t", "/", 1.0, 0.5)]
    assert choose_again(candidates, found, {"doing"}) is None
