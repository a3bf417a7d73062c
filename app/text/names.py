"""Names a text can carry that say where a problem is: protocols (or the port that
implies one) and operating systems. Read from articles and from what people type."""

from __future__ import annotations

import re

PROTOCOLS = {
    "pop3": "POP3", "imap": "IMAP", "smtp": "SMTP", "nntp": "NNTP", "ldap": "LDAP",
    "http": "HTTP", "ftp": "FTP", "mapi": "MAPI", "ssl": "SSL", "dhcp": "DHCP", "dns": "DNS",
    "tcp/ip": "TCP/IP", "odbc": "ODBC", "dial-up": "Dial-up networking",
}
PROTOCOL_WORDS = re.compile(
    r"\b(pop3|imap4?|smtp|nntp|ldap|https?|ftp|mapi|ssl|dhcp|dns|tcp/ip|odbc|dial-up)\b", re.I
)
PORTS = {"110": "pop3", "995": "pop3", "143": "imap", "993": "imap", "25": "smtp",
         "587": "smtp", "465": "smtp", "119": "nntp", "389": "ldap", "80": "http",
         "443": "http", "21": "ftp", "53": "dns"}
PORT_WORDS = re.compile(r"\bport\s*:?\s*(\d{2,4})\b", re.I)


def protocols_in(text: str) -> set[str]:
    """Protocol keys named in a text, or implied by a port (`Port: 110` is POP3)."""
    found = {name.lower().rstrip("4").replace("https", "http")
             for name in PROTOCOL_WORDS.findall(text)}
    found |= {PORTS[port] for port in PORT_WORDS.findall(text) if port in PORTS}
    return found


OS_NAMES = re.compile(
    r"\b(Windows (?:95|98|Me|NT(?: Server| Workstation)?(?: \d\.\d)?|2000(?: Server| "
    r"Professional)?|XP|Server 2003|Vista|3\.1x?)|MS-DOS|Macintosh|OS/2)\b"
)

# How people type an operating system: "nt 4", "win95", "w2k", "dos". Each names a
# family of the articles' systems (the `os` keys it starts), not one edition: "nt" is
# as true of an article for Windows NT Server as of one for Workstation.
SYSTEMS_TYPED = {
    # ...but not the NT domain a Windows 95 computer logs on to, nor the MS-DOS
    # window or mode a program runs in under Windows.
    "windows-nt": re.compile(r"(?<![\w'-])(?:win(?:dows)?\s*)?nt(?:\s*[34](?:\.\d+)?)?(?![\w'-])"
                             r"(?!\s+(?:domains?|passwords?|accounts?|networks?|users?)\b)", re.I),
    "windows-95": re.compile(r"(?<![\w-])win(?:dows)?\s*95(?![\w-])", re.I),
    "windows-98": re.compile(r"(?<![\w-])win(?:dows)?\s*98(?![\w-])", re.I),
    "windows-2000": re.compile(r"(?<![\w-])(?:win(?:dows)?\s*(?:2000|2k)|w2k)(?![\w-])", re.I),
    "windows-xp": re.compile(r"(?<![\w-])win(?:dows)?\s*xp(?![\w-])", re.I),
    "windows-3.1": re.compile(r"(?<![\w-])(?:win(?:dows)?\s*3\.1x?|windows for workgroups|"
                              r"wfwg?)(?![\w-])", re.I),
    "ms-dos": re.compile(r"(?<![\w-])(?:ms-?)?dos(?![\w-])(?!\s+(?:mode|prompt|window|box|"
                         r"session|programs?|games?|applications?|apps?|commands?)\b)", re.I),
    "macintosh": re.compile(r"(?<![\w-])mac(?:intosh|\s*os)(?![\w-])", re.I),
    "os-2": re.compile(r"(?<![\w-])os/2(?![\w-])", re.I),
}


def systems_in(text: str) -> set[str]:
    """The operating-system families a person's text names (`os` key prefixes)."""
    return {family for family, typed in SYSTEMS_TYPED.items() if typed.search(text)}
