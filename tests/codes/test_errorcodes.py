"""Error-code recognition: every spelling in the archive maps to one canonical form, and
numbers that are not codes stay plain text. Snippets are quoted from archive articles."""

from __future__ import annotations

import pytest

from app.codes.decode import decode
from app.codes.recognise import (
    CodeMention,
    as_code,
    codes_in,
    codes_in_query,
    find_codes,
    pop3_replies,
)

ARTICLE_FORMS = [
    # HRESULTs, any case, with or without 0x, signed decimal, C suffix
    ("Server Error: 0x800ccc90, Error Number:", "0x800CCC90"),  # Q198704
    ("Secure(SSL): No, Error Number: 0x800CCCD2", "0x800CCCD2"),  # Q237961
    ("#define MAPI_E_LOGON_FAILED 0x80040111L", "MAPI_E_LOGON_FAILED"),
    ("returns 0x80040111L", "0x80040111"),
    ("Last Status Error Code = 80093005", "0x80093005"),
    ("Unable to Install Mailbox Agent,(80004005)", "0x80004005"),
    ("PRB: Error 800a01ad When You Run a WebClass", "0x800A01AD"),
    ("Number: -2147217900 (0x80040E14)", "0x80040E14"),
    ("the status code in one of the error messages is -1073741819.", "0xC0000005"),
    ("Exception number: c0000005 (access violation)", "0xC0000005"),
    ("Microsoft Exchange Administrator    ID no: c1031d9c", "0xC1031D9C"),
    ("error 0xfffffbfa occurred", "0xFFFFFBFA"),
    ("Sockets error 0x2AF9", "0x00002AF9"),
    ("Err = &H800A01A8", "0x800A01A8"),
    # STOP codes
    ("STOP 0x0000007B: Inaccessible Boot Device", "STOP-0x0000007B"),
    ('"STOP: 0x00000093" with Security Dongle Adapter', "STOP-0x00000093"),
    ("Vinca Drivers May Cause Stop 0x24", "STOP-0x00000024"),
    ("Blue Screen STOP 1E", "STOP-0x0000001E"),
    ("Stop C000021a after Applying Windows NT 4.0 Service Pack", "STOP-0xC000021A"),
    ("Stop error 0x7b", "STOP-0x0000007B"),
    ("prodnt stop 0x19 ntfs", "STOP-0x00000019"),
    ("the computer stops with INACCESSIBLE_BOOT_DEVICE", "STOP-0x0000007B"),
    # numbered errors
    ("Error 1603", "ERROR-1603"),
    ('Error #109 "Record is in use by another user"', "ERROR-109"),
    ("Error 1069: The service did not start due to a logon failure.", "ERROR-1069"),
    ("Error: 1603", "ERROR-1603"),
    ("an error number 1582:", "ERROR-1582"),
    ("due to error 10256. DSMN", "ERROR-10256"),
    ("Jet error -1018", "ERROR--1018"),
    ("Run-time error '429': ActiveX component can't create object", "RUNTIME-429"),
    ("Runtime Error 1426", "RUNTIME-1426"),
    ('Run-time error "6" Overflow', "RUNTIME-6"),
    ("Run-time error '-2147417848 (80010108)'", "0x80010108"),
    ("Event ID: 8074    Source: MSExchangeMig", "EVENT-8074"),
    ("Debugging WINS Event ID 4288", "EVENT-4288"),
    ("XCON: DRAS Fails with Event 9322", "EVENT-9322"),
    ("event id 7000", "EVENT-7000"),
    ("Server object error 'ASP 0178 : 80070005'", "ASP-0178"),
    ("HTTP Error 401", "HTTP-401"),
    ("http/1.0 500 server error", "HTTP-500"),
    ("error C2065: 'x' : undeclared identifier", "C2065"),
    ("LNK2001: unresolved external symbol", "LNK2001"),
    ("runtime error R6025 - pure virtual function call", "R6025"),
    # symbolic names
    ("returns E_ACCESSDENIED", "E_ACCESSDENIED"),
    ("fails with ERROR_ACCESS_DENIED", "ERROR_ACCESS_DENIED"),
    ("connect() fails with WSAECONNREFUSED", "WSAECONNREFUSED"),
    ("RPC_S_SERVER_UNAVAILABLE", "RPC_S_SERVER_UNAVAILABLE"),
    ("status code 0xC000006D,  STATUS_LOGON_FAILURE.", "STATUS_LOGON_FAILURE"),
    ("returns JET_errRecordNotFound", "JET_ERRRECORDNOTFOUND"),
]


@pytest.mark.parametrize(("text", "canonical"), ARTICLE_FORMS)
def test_article_forms_are_recognised(text: str, canonical: str) -> None:
    assert canonical in codes_in(text)


NOT_CODES = [
    "Microsoft Exchange Server, versions 5.0, 5.5",
    "Last Modified: 21-FEB-1999",
    "Windows 2000 and Windows 98",
    "640K of conventional memory, 1999 and 2000",
    "Article: Q198704",
    "Logon attempt by NTDomian\\User from 157.57.148.24 to NtDomain/User has failed",
    "Protocol: POP3, Port: 110",
    "stop a version 3.1 of Microsoft Mail",
    "stop 3 services",
    "For signed four-byte integers, the allowable range is  -2147483648 to 2147483647.",
    "#DEFINE HKEY_LOCAL_MACHINE          -2147483646",
    "REG_DWORD:0x00000001",
    "fe4a3928 fe35d331 80455448 8046abc8 00000000  rdr!RdrDereferenceTransport+0x1e",
    "kd> !trap 8014068c",
    "0x80137989  8910             mov          dword ptr [eax],edx",
    '"0x77f64bab" referenced memory at "0x0067006f"',
    "*** Address 80140a8b has base at 80100000 - ntoskrnl.exe",
    "ERROR_SUCCESS",
    "STATUS_SUCCESS",
    "PR_RESOURCE_FLAGS=STATUS_PRIMARY_IDENTITY|STATUS_DEFAULT_STORE",
    "READ EVENTS    2. In FoxPro",
    "IF ERRORLEVEL 1 GOTO END",
    "Any of the following actions will resolve this error:\n\n    1. Use -P2.",
    "NOTE: A factor of 0 generates a run-time error: 1/factor = 1/0.",
    "Server Response: '-ERR The requested item could not be found.'",
]


@pytest.mark.parametrize("text", NOT_CODES)
def test_non_codes_are_not_recognised(text: str) -> None:
    assert find_codes(text) == []


def test_stop_parameters_are_not_codes() -> None:
    text = "STOP 0x0000000A (0x00000000, 0x00000002, 0x00000000, 0x8013a2c0)"
    assert codes_in(text) == ["STOP-0x0000000A"]
    bare = "Stop 0x00000024 (0x00190201, 0xf1525364, 0xf15251a0, 0x80135f6c)"
    assert codes_in(bare) == ["STOP-0x00000024"]


def test_mentions_carry_offsets_for_linking() -> None:
    text = "Server Error: 0x800ccc90, Error Number: 0x800ccc18"
    mentions = find_codes(text)
    assert mentions == [
        CodeMention(14, 24, "0x800CCC90"),
        CodeMention(40, 50, "0x800CCC18"),
    ]
    assert [text[m.start : m.end] for m in mentions] == ["0x800ccc90", "0x800ccc18"]


def test_codes_in_is_unique_in_order_of_first_mention() -> None:
    text = "Error 0x800CCC18, then 0x800ccc90, then 0x800CCC18 again; STOP 0xA"
    assert codes_in(text) == ["0x800CCC18", "0x800CCC90", "STOP-0x0000000A"]


def test_event_id_lists_give_every_event() -> None:
    text = "MTA Terminates Unexpectedly with Event ID 2051 and 9405"
    assert codes_in(text) == ["EVENT-2051", "EVENT-9405"]


QUERY_FORMS = [
    ("800ccc90", ["0x800CCC90"]),
    ("0x2AF9", ["0x00002AF9"]),
    ("stop 0xde", ["STOP-0x000000DE"]),
    ("stop 7b windows 2000", ["STOP-0x0000007B"]),
    ("error #10053", ["ERROR-10053"]),
    ("event 1020", ["EVENT-1020"]),
    ("asp 0178", ["ASP-0178"]),
    ("-2146644848", ["0x800CCC90"]),
    ("mapi_e_logon_failed outlook", ["MAPI_E_LOGON_FAILED"]),
    ("c2065 lnk2001", ["C2065", "LNK2001"]),
    ("outlook express 0x800ccc0e 80004005", ["0x800CCC0E", "0x80004005"]),
    ("STOP-0x0000007B", ["STOP-0x0000007B"]),
    ("error-1603", ["ERROR-1603"]),
    ("2000", []),
    ("98", []),
    ("outlook express cannot connect", []),
    ("windows 98 setup 5.5", []),
]


@pytest.mark.parametrize(("query", "expected"), QUERY_FORMS)
def test_query_forms(query: str, expected: list[str]) -> None:
    assert codes_in_query(query) == expected


def test_query_is_more_liberal_than_article_text() -> None:
    assert find_codes("event 20") == []
    assert codes_in_query("event 20") == ["EVENT-20"]


NORMALISE = [
    ("0x800ccc90", "0x800CCC90"),
    ("800CCC90", "0x800CCC90"),
    ("-2146644848", "0x800CCC90"),
    ("0x800CCC90L", "0x800CCC90"),
    ("stop 7b", "STOP-0x0000007B"),
    ("STOP-0x0000007B", "STOP-0x0000007B"),
    ("stop-0x0000007b", "STOP-0x0000007B"),
    ("error-1603", "ERROR-1603"),
    ("Event ID 13005", "EVENT-13005"),
    ("event-13005", "EVENT-13005"),
    ("asp-0178", "ASP-0178"),
    ("e_accessdenied", "E_ACCESSDENIED"),
    ("inaccessible_boot_device", "STOP-0x0000007B"),
    ("0x2AF9", "0x00002AF9"),
]


@pytest.mark.parametrize(("typed", "canonical"), NORMALISE)
def test_as_code_reads_a_code_typed_any_way(typed: str, canonical: str) -> None:
    assert as_code(typed) == canonical


@pytest.mark.parametrize("typed", ["hello", "2000", "Q198704", "", "error 1603 and error 1604"])
def test_as_code_rejects_non_codes(typed: str) -> None:
    assert as_code(typed) is None


def test_decode_hresult_internet_facility() -> None:
    decoded = decode("0x800CCC90")
    assert decoded.kind == "hresult"
    assert decoded.label == "HRESULT 0x800CCC90"
    details = dict(decoded.details)
    assert details["Severity"] == "Error (1)"
    assert details["Facility"] == "INTERNET (12)"
    assert details["Code"] == "0xCC90 (52368)"
    assert details["Decimal"] == "-2146644848"


def test_decode_itf_warns_that_meaning_depends_on_the_interface() -> None:
    details = dict(decode("0x80040111").details)
    assert details["Facility"] == "ITF (4)"
    assert "Name" not in details
    assert "interface" in details["Note"]


def test_decode_hresult_from_win32() -> None:
    details = dict(decode("0x80070005").details)
    assert details["Facility"] == "WIN32 (7)"
    assert details["Win32 error"] == "5"
    assert details["Win32 name"] == "ERROR_ACCESS_DENIED"
    assert details["Name"] == "E_ACCESSDENIED"


def test_decode_ntstatus() -> None:
    decoded = decode("0xC0000005")
    assert decoded.kind == "ntstatus"
    details = dict(decoded.details)
    assert details["Severity"] == "Error (3)"
    assert details["Name"] == "STATUS_ACCESS_VIOLATION"


def test_decode_stop() -> None:
    decoded = decode("STOP-0x0000007B")
    assert decoded.kind == "stop"
    assert decoded.label == "Stop error 0x0000007B"
    assert dict(decoded.details)["Name"] == "INACCESSIBLE_BOOT_DEVICE"


def test_decode_small_value_is_win32() -> None:
    decoded = decode("0x00002AF9")
    assert decoded.kind == "win32"
    assert dict(decoded.details)["Win32 name"] == "WSAHOST_NOT_FOUND"


@pytest.mark.parametrize(
    ("canonical", "kind", "label"),
    [
        ("ERROR-1603", "error", "Error 1603"),
        ("RUNTIME-429", "runtime", "Run-time error 429"),
        ("EVENT-13005", "event", "Event ID 13005"),
        ("ASP-0178", "asp", "ASP error 0178"),
        ("MAPI_E_LOGON_FAILED", "symbol", "MAPI_E_LOGON_FAILED"),
        ("not a code", "unknown", "not a code"),
    ],
)
def test_decode_labels(canonical: str, kind: str, label: str) -> None:
    decoded = decode(canonical)
    assert (decoded.kind, decoded.label) == (kind, label)


def test_pop3_replies_unwrap_and_stop_at_the_quote() -> None:
    text = (
        "  Server Response: '-ERR The AUTH protocol exchange was canceled by the\n"
        "  client.',Port: 110, Secure(SSL): NO, Server Error: 0x800ccc90\n"
    )
    assert pop3_replies(text) == ["The AUTH protocol exchange was canceled by the client"]


def test_pop3_replies_stop_at_a_blank_line() -> None:
    text = "error message:\n\n      -ERR Ambiguous Alias\n\n    This error message is"
    assert pop3_replies(text) == ["Ambiguous Alias"]
    assert pop3_replies("RETR-ERR-MSG        PIC X(55).") == []


@pytest.mark.parametrize(("canonical", "written"), [
    ("ERROR-1603", "Error 1603"), ("STOP-0x0000007B", "Stop 0x0000007B"),
    ("EVENT-11310", "Event ID 11310"), ("RUNTIME-429", "Run-time error 429"),
    ("ASP-0113", "ASP error 0113"), ("HTTP-404", "HTTP 404"), ("0x800CCC90", "0x800CCC90"),
    ("WSAECONNRESET", "WSAECONNRESET"),
])
def test_a_code_is_shown_as_people_write_it(canonical: str, written: str) -> None:
    from app.codes.labels import label

    assert label(canonical) == written


# --- codes written as two words, found at index time ------------------------------------

MENTION_TEXTS = [
    "Setup failed with Error code: 1603 while copying files.",
    "The error in the log file shows 1603.",  # three kept words between: too far
    "error occurred 1603",  # one word between
    "Errors 1603 and 1605",  # stemmed, `errors` is `error`
    "see file.error 1603",  # `file.error` is one word
    "error.1603 is a file name",
    "STOP 0x0000007B INACCESSIBLE_BOOT_DEVICE",
    "a Stop error 7b on startup",
    "stop the service 0xde",  # `the` is a stop word: not counted
    "Event ID: 1020 was logged",
    "ASP 0178 Server.CreateObject access error",
    "HTTP 404 Not Found",
    "Run-time error '13': Type mismatch",
    "error 4 in the messages field only",
    "error " + "x" * 450 + " 1603",  # a long word: the text read widens
    "1603 error",  # the number before the word
]
MENTION_CODES = ["ERROR-1603", "RUNTIME-13", "STOP-0x0000007B", "STOP-0x000000DE",
                 "EVENT-1020", "ASP-0178", "HTTP-404", "ERROR-4", "ERROR-1605"]


@pytest.mark.parametrize("fieldname", ["body", "messages"])
def test_codes_written_as_words_are_found_as_a_phrase_query_finds_them(fieldname) -> None:
    """The index-time mentions against Whoosh's own phrase query with the slop they
    replace, over a positional index of the same texts with the same analyzer."""
    from whoosh import query
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import RamStorage

    from app.codes.labels import MENTION_REACH, mention_key, written_forms, written_mentions
    from app.index.schema import make_schema

    analyzer = make_schema()[fieldname].analyzer
    index = RamStorage().create_index(
        Schema(n=ID(stored=True), text=TEXT(analyzer=analyzer, phrase=True)))
    with index.writer() as writer:
        for number, text in enumerate(MENTION_TEXTS):
            writer.add_document(n=str(number), text=text)
    words = lambda part: (token.text for token in analyzer(part))  # noqa: E731
    found = {number: written_mentions(text, words) for number, text in enumerate(MENTION_TEXTS)}
    compared = 0
    with index.searcher() as searcher:
        for code in MENTION_CODES:
            for form in written_forms(code):
                tokens = [token for part in form for token in words(part)]
                if len(tokens) != 2 or len([*words(form[1])]) != 1:
                    continue
                phrase = query.Phrase("text", tokens, slop=MENTION_REACH)
                expected = {int(hit["n"]) for hit in searcher.search(phrase, limit=None)}
                got = {n for n, keys in found.items() if mention_key(tokens) in keys}
                assert got == expected, (code, form)
                compared += len(expected)
    assert compared >= 10  # the texts do hold codes, in both fields


def test_every_two_word_form_is_a_code_word_and_one_number() -> None:
    from app.codes.labels import written_forms, written_mentions

    for code in MENTION_CODES:
        for form in written_forms(code):
            if len(form) == 2:
                assert written_mentions(" ".join(form), lambda t: iter(t.lower().split())) == {
                    "~".join(form)}
