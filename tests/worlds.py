"""The test worlds more than one test module searches: articles by id, for `make_kb`
(tests/conftest.py) to write and index.

SEARCH_ARTICLES are fourteen archive articles that tell search's cases apart: a code
two articles carry and one only mentions, codes of every family, a pasted message,
a file name, a phrase and its words scattered, two printer articles.

TWINS are two help desk articles that share a code and differ only in the Windows
they run on: the wizard's question answered "Not sure" comes back as a yes/no.
"""

from __future__ import annotations

from app.articles.facts import KINDS, Facts, Value
from app.query.typed import read_query
from app.search.readers import KnowledgeBase
from app.search.results import rank
from tests.conftest import archive_article, helpdesk_article

POP3 = 300001
IMAP = 300002
PRINTER = 300003
PRINTER_NT = 300004
HOST = 300005
POOL = 300006
EVENT = 300007
ASP = 300008
WINSOCK = 300009
SAVE = 300010
SCATTERED = 300011
MENTIONS = 300012
JET = 300013
KERNEL = 300014

_SEARCH = {
    POP3: ("ErrMsg: 0x800CCC90 When Outlook Express Logs On to POP3", """\
        SYMPTOMS
        ========

        When you log on with POP3 you receive the following error message:

          Server Response: '-ERR The AUTH protocol exchange was canceled by the
          client.', Port: 110, Server Error: 0x800ccc90
        """, "Microsoft Outlook Express"),
    IMAP: ("IMAP4 Users Cannot Retrieve Messages", """\
        SYMPTOMS
        ========

        IMAP4 users receive the following error message:

          Message number 1 could not be retrieved. Server Error: 0x800CCC90

        STATUS
        ======

        This problem was first corrected in Exchange Server 5.5 Service Pack 3.
        """, "Microsoft Exchange"),
    PRINTER: ("Printer Prints Garbage Characters", """\
        SYMPTOMS
        ========

        The printer prints pages of garbage characters instead of the document.

        RESOLUTION
        ==========

        Reinstall the printer driver.
        """, "Microsoft Windows 95"),
    PRINTER_NT: ("Printer Driver Stops Responding on Windows NT", """\
        SYMPTOMS
        ========

        The printer driver stops responding when you print a large document.
        """, "Microsoft Windows NT"),
    HOST: ("Cannot Resolve Host Names on a Dial-Up Connection", """\
        SYMPTOMS
        ========

        Programs cannot connect and report error 0x00002AF9 when the host name
        cannot be resolved.
        """, "Microsoft Windows 95"),
    POOL: ("Blue Screen When a File System Filter Corrupts Pool", """\
        SYMPTOMS
        ========

        The computer stops with STOP 0x000000DE POOL_CORRUPTION_IN_FILE_AREA.
        """, "Microsoft Windows 2000"),
    EVENT: ("Event ID 1020 Is Logged When the Disk Is Nearly Full", """\
        SYMPTOMS
        ========

        The following event is logged in the System log: Event ID: 1020.
        """, "Microsoft Windows NT"),
    ASP: ("Server.CreateObject Fails With an Access Error", """\
        SYMPTOMS
        ========

        A page that creates a component returns the following error:

          Server object error 'ASP 0178 : 80070005'
          Server.CreateObject Access Error
        """, "Microsoft Internet Information Server"),
    WINSOCK: ("Connections to the Server Are Aborted", """\
        SYMPTOMS
        ========

        The program reports error #10053 when the connection is aborted by the
        software on your computer.
        """, "Microsoft Windows 95"),
    SAVE: ("Cannot Save a Document to a Network Share", """\
        SYMPTOMS
        ========

        When you save a document you receive the following error message:

          The document could not be saved because the destination folder is
          read-only or the network connection was interrupted.
        """, "Microsoft Word"),
    SCATTERED: ("Characters Are Missing From Labels", """\
        SYMPTOMS
        ========

        Some characters are missing from labels. Garbage collection of the
        label cache is slow.
        """, "Microsoft Word"),
    MENTIONS: ("List of Known Mail Errors", """\
        MORE INFORMATION
        ================

        A debugger shows the value stored at 0x800ccc90 and others.
        """, "Microsoft Outlook Express"),
    JET: ("Access Stops With a Page Fault in the Jet Engine", """\
        SYMPTOMS
        ========

        When you compact a database you receive the following error message:

          MSACCESS caused an invalid page fault in module MSJET35.DLL at
          0137:1f0c4a3e.
        """, "Microsoft Access"),
    KERNEL: ("Access Stops With a Page Fault When Printing Reports", """\
        SYMPTOMS
        ========

        When you preview a report you receive the following error message:

          MSACCESS caused an invalid page fault in module KERNEL32.DLL at
          0137:bff9a07c.
        """, "Microsoft Access"),
}

SEARCH_ARTICLES = {f"Q{number}": archive_article(number, title, body, product=product)
                   for number, (title, body, product) in _SEARCH.items()}


def ranked_ids(kb: KnowledgeBase, text: str, limit: int = 10) -> list[str]:
    """The ids search ranks for `text`, best first."""
    return [article_id for article_id, _ in rank(kb, read_query(text), limit)]


class WithSlips:
    """A world's wizard source, with did-you-mean's corrections as a test gives them:
    what the coverage rules make of a slip, without an index that has it."""

    def __init__(self, source, slips: dict[str, str]) -> None:
        self.source, self._slips = source, slips

    def __getattr__(self, name):
        return getattr(self.source, name)

    def slips(self, query):
        return self._slips


def facts_with(article_id: str, facet: str = "", label: str = "", key: str = "") -> Facts:
    """An article's facts with at most one value, for the question tests: the wizard's
    arithmetic on a handful of candidates, without an index."""
    values: dict[str, dict[str, Value]] = {kind: {} for kind in KINDS}
    if facet and label:
        values[facet] = {key or label.lower(): Value(label, "its title")}
    return Facts(article_id, "t", "/", frozenset(), values)


TWINS = {
    "Q900301": helpdesk_article(
        "Q900301", "Backup stops with error 0x80070570", products=["Backup"],
        operating_systems=["Windows 98"], codes=["0x80070570"],
        symptoms="Backup stops when it copies the files.", resolution=["Run ScanDisk."]),
    "Q900302": helpdesk_article(
        "Q900302", "Backup stops with error 0x80070570", products=["Backup"],
        operating_systems=["Windows XP"], codes=["0x80070570"],
        symptoms="Backup stops when it copies the files.", resolution=["Run chkdsk /f."]),
}
