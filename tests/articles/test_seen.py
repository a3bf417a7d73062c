"""A message option is the message as it is on screen: the article's own tag and note
around it are not shown, and what is not one message (a trace line, several numbered
messages run together) is not offered at all."""

from __future__ import annotations

import pytest

from app.articles.seen import as_shown


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
