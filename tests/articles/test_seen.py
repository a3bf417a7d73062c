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
    ('"Error Msg: The server could not be found."', "The server could not be found."),
    ('Error Msg: "The server could not be found."', "The server could not be found."),
    ("There was no answer at the number you are dialing (MSN 2.5 only).",
     "There was no answer at the number you are dialing."),
    # A bracket that is part of the message stays.
    ("Cannot open file (access denied).", "Cannot open file (access denied)."),
    ("Cannot save the file (read-only).", "Cannot save the file (read-only)."),
    ("Error 51: The remote computer is not available.",
     "Error 51: The remote computer is not available."),
    # The platform the article says it is seen on, its note on a placeholder.
    ("Windows 3.x: The Wrong Disc is in the CD-ROM drive. Please insert the Beethoven CD.",
     "The Wrong Disc is in the CD-ROM drive. Please insert the Beethoven CD."),
    ("A required .dll file <filename> was not found. where <filename> is the name of the "
     ".dll file not found.", "A required .dll file <filename> was not found."),
    ("Setup has encountered a problem. Please report Line='253' (number may vary) to "
     "Microsoft Product Support Services.",
     "Setup has encountered a problem. Please report Line='253' to Microsoft Product "
     "Support Services."),
    ('Error Text: "Program Error OLE error code 0x80020006: Unknown Name"',
     "Program Error OLE error code 0x80020006: Unknown Name"),
    # A message whose placeholder is named is a message.
    ("<servername> is not a Windows NT Server", "<servername> is not a Windows NT Server"),
    # Where the article says it shows, and its note on which version shows it.
    ("From Windows 95 The Domain password you supplied is not correct.",
     "The Domain password you supplied is not correct."),
    ("From Windows NT: Logon failure: unknown user name or bad password.",
     "Logon failure: unknown user name or bad password."),
    ('A Windows for Workgroups 3.11 client: "The password you specified is incorrect."',
     "The password you specified is incorrect."),
    ("Directory Listing Denied This Virtual Directory does not allow contents to be "
     "listed. (IIS 4.0 Error Message)",
     "Directory Listing Denied This Virtual Directory does not allow contents to be listed."),
    # Two messages the article joins with "Or": the first.
    ("System Error: DOS error 31 occurred. Or The password you specified is incorrect.",
     "System Error: DOS error 31 occurred."),
    # A system named by the message itself stays.
    ("Windows NT Setup has failed.", "Windows NT Setup has failed."),
    ("From address is not valid.", "From address is not valid."),
])
def test_the_message_is_shown_without_what_the_article_wrote_around_it(written, shown):
    assert as_shown(written) == shown


@pytest.mark.parametrize("written", [
    "Page: GET /OptionExplicitError.asp",
    "51: The remote computer is not available. 53: The network path was not found.",
    "CDR100: Unknown Error CDR101: Not Ready CDR102: EMS Memory No Longer Valid",
    # A template: the screen shows the address and the stack in place of %2 and %1.
    "The message transfer gateway that uses the network address %2 and the transport "
    "stack %1 could not be found.",
    # An INI file's lines, a formula, the article's note of whom it is for.
    "[mci] CDAudio=mcicda.drv CDAudio1=mcicda.drv1",
    "[(NETPO.GLB file size) - 4]/43",
    'If a Windows 95 client: "The domain password you supplied is not correct."',
    # Cut where the article's line ended ("... by another", "... because").
    "File is in use by another",
    "The Microsoft Mail Server could not be loaded because",
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
    # What the article says about a message, or tells the reader to do.
    '"File not found" error on a file you know exists',
    "While the exception number may vary, 0E is the most common.",
    '80070003 "Path not found error"',
    "If your hard disk controller is WD1003 compatible, enable 32-bit disk access.",
    "In the Install From Disk dialog box, click the Browse button, and then type the path.",
    "<Project Name> is the name of the project in the Visual SourceSafe interface.",
    "Hewlett-Packard (HP) DeskJet 660C version 6.1d",
    # An event-log entry, by its source or its trailing tags.
    "9322: MSExchangeMTA An interface error has occurred. An MtaBindBack over RPC has failed.",
    "A fatal MTA error has occurred. An illegal buffer request has been made. "
    "[BASE TCP/IP DRVR 8] (16)",
    "NETLOGON Event 3210 Failed to authenticate with \\\\DOMAINPDC.",
])
def test_what_no_screen_shows_is_not_offered(written):
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


def test_what_makes_a_message_appear_is_not_offered_as_a_message(make_kb):
    article = archive_article(300202, "Permission Denied on Localstart.asp", """\
        SYMPTOMS
        ========

        If all of the following conditions are true, you receive the following error
        message:

          Permission denied: 'GetObject'

        CAUSE
        =====

        The error messages occur under both of the following conditions:

        - Anonymous authentication is enabled for the Default Web Site.

        - The user is logged on locally and is not a member of the local Administrators
          group.

        MORE INFORMATION
        ================

        These error messages may be caused by issues with any of the following features:

        - DNS name resolution

        - Proxy Server configuration

        This message usually appears after changing the system by doing one of the
        following:

        - Applying a Service Pack to the Windows NT 3.1 system
        """)
    found = make_kb({"Q300202": article}).source().facts(["Q300202"])["Q300202"]
    assert [value.label for value in found.values["message"].values()] == [
        "Permission denied: 'GetObject'"]
