"""A message option is the message as it is on screen: the article's own tag and notes
around it are not shown, and what is not one message on a screen (a trace line, a
server's status line, several numbered messages or log entries run together, a
configuration file's directives, a message cut mid-word) is not offered at all."""

from __future__ import annotations

import pytest

from app.articles.seen import as_shown
from tests.conftest import archive_article


@pytest.mark.parametrize(("written", "shown"), [
    ("Error Msg: Could not start the SMS Remote Control Agent service on \\\\<machine>.",
     "Could not start the SMS Remote Control Agent service on \\\\<machine>."),
    ("ErrMsg: The server could not be found.", "The server could not be found."),
    ("There was no answer at the number you are dialing (MSN 2.5 only).",
     "There was no answer at the number you are dialing."),
    # A bracket that is part of the message stays.
    ("Cannot open file (access denied).", "Cannot open file (access denied)."),
    ("Cannot save the file (read-only).", "Cannot save the file (read-only)."),
    ("Error 51: The remote computer is not available.",
     "Error 51: The remote computer is not available."),
])
def test_the_message_is_shown_without_what_the_article_wrote_around_it(written, shown):
    assert as_shown(written) == shown


@pytest.mark.parametrize("written", [
    "Page: GET /OptionExplicitError.asp",
    "51: The remote computer is not available. 53: The network path was not found.",
    "CDR100: Unknown Error CDR101: Not Ready CDR102: EMS Memory No Longer Valid",
])
def test_what_is_not_one_message_on_screen_is_not_offered(written):
    assert as_shown(written) == ""


@pytest.mark.parametrize("written", [
    "HTTP/1.1 500 Server Error",
    "Error 640 - ERROR_NETBIOS_ERROR Error 650 - ERROR_SERVER_NOT_RESPONDING",
    "Error/Warnings during operation: 1173(11056,2) - \\\\ Unknown error. "
    "1320(13408,3) - \\\\ Warning: This operation has been canceled by the system.",
    "#BEGIN_INCLUDE #INCLUDE d:\\winnt\\system32\\drivers\\etc\\hosts #END_INCLUDE",
    "Error 2191: The requested pause or stop is not valid for this service b.",
    "; mov ah,67h ; mov bx,_NFILE_ ; callos",
    '<PRICE Type="retail">$10.95</PRICE>',
])
def test_status_lines_lists_code_and_cut_words_are_not_offered(written):
    assert as_shown(written) == ""


def test_a_person_is_offered_the_messages_on_screen_without_the_articles_note(make_kb):
    article = archive_article(300201, "Errors When You Run the Project", """\
        SYMPTOMS
        ========

        When you run the project, you receive one of the following error messages:

          HTTP/1.1 500 Server Error

          Error 640 - ERROR_NETBIOS_ERROR Error 650 - ERROR_SERVER_NOT_RESPONDING

          Compile Error : User-defined type not defined This error is for: Private
          Property Set DataBinding_DataFormat(ByVal RHS As StdFormat.DataFormat)

          The page cannot be displayed.
        """)
    found = make_kb({"Q300201": article}).source().facts(["Q300201"])["Q300201"]
    assert [value.label for value in found.values["message"].values()] == [
        "Compile Error : User-defined type not defined", "The page cannot be displayed."]
