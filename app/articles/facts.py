"""What an article says about itself that tells it apart from similar ones: other
error codes, products and versions, operating systems, protocols, what the person
was doing, the messages it quotes, its symptom in a sentence.

Computed once per article at index time and stored, so a wizard step reads them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from app.articles.model import Article, Section
from app.articles.sections import symptom_section
from app.codes.labels import label as code_label
from app.text.analysis import normal
from app.text.names import OS_NAMES, PORT_WORDS, PORTS, PROTOCOL_WORDS, PROTOCOLS
from app.text.slugs import clip, slug

# The kinds of fact, in the order the wizard considers asking about them.
KINDS = ("code", "protocol", "product", "version", "os", "doing", "message", "symptom")


@dataclass(frozen=True)
class Value:
    label: str
    source: str          # in plain words, where the article says so


@dataclass(frozen=True)
class Facts:
    """The compact facets of one article: facet id -> {slug: Value}."""

    id: str
    title: str
    url: str
    codes: frozenset[str]
    values: dict[str, dict[str, Value]]
    text: str = ""       # its title, messages and symptoms, normalised (see `normal`)


# What a person may have been doing, found in an article's title and first lines as
# word beginnings (" install" matches "installing"); a trailing space ends a word.
ACTIVITIES = [
    ("installing", "Installing or setting up", (" install", " setup", " set up")),
    ("upgrading", "Upgrading or applying a service pack",
     (" upgrad", " service pack", " update")),
    ("starting", "Starting the computer or a program", (" start", " boot", " launch", " load")),
    ("shutting-down", "Shutting down or logging off",
     (" shut down", " shutdown", " log off", " logoff", " restart")),
    ("logging-on", "Logging on or entering a password",
     (" log on", " logon", " log in", " login", " authenticat", " password", " credential")),
    ("sending", "Sending mail", (" send ", " sending ", " sent ", " outgoing")),
    ("receiving", "Receiving or downloading mail or files",
     (" receiv", " download", " retriev", " incoming")),
    ("connecting", "Connecting to a server or network",
     (" connect", " dial", " network", " remote access", " ras ", " modem")),
    ("printing", "Printing", (" print",)),
    ("opening", "Opening a file or document", (" open ", " opening ")),
    ("saving", "Saving a file", (" save ", " saving ")),
    ("copying", "Copying or moving files", (" copy ", " copying ", " move ", " moving ")),
    ("browsing", "Browsing web pages", (" brows", " web page", " internet explorer", " url")),
    ("replicating", "Replicating or synchronising", (" replicat", " synchroni")),
    ("backing-up", "Backing up or restoring", (" backup", " back up", " restor")),
    ("compiling", "Compiling, building or debugging code",
     (" compil", " build", " debug", " linker", " linking")),
    ("querying", "Running a query or report", (" query ", " queries ", " report ")),
    ("configuring", "Changing settings or an account",
     (" configur", " setting", " propert", " account", " option")),
]

# An opening that describes the article, not what a person sees.
NOT_A_SYMPTOM = re.compile(
    r"^(this (step-by-step )?article|microsoft has (released|confirmed)|the information in "
    r"this|for (more )?information|you can (now )?(use|download)|summary\b)", re.I)
OPTION_CHARS = 90        # an option longer than this is not offered (never cut)
SYMPTOM_CHARS = 110
VERSION_TOKEN = re.compile(r"^(\d[\d.]*|v\d[\d.]*|sp\d|sr-?\d|\(sr-?\d\))$", re.I)
NOT_A_MESSAGE = re.compile(r"^(Q\d{5,7}\b|https?:|for more information|see\b)", re.I)


# The archive's placeholder product ("Product(s): See article") names nothing.
PLACEHOLDER_PRODUCT = re.compile(r"^\s*(microsoft\s+)?see article\b", re.I)
# Products a person names, found in an article's title and symptoms: they count as its
# products beside the archive's product field (Q198704's field says Exchange, but its
# title and symptoms are about Outlook Express). Longest names first.
KNOWN_PROGRAMS = sorted([
    "Outlook Express", "Outlook", "Internet Explorer", "Exchange Server", "Exchange Client",
    "Windows Messaging", "Microsoft Mail", "Internet Mail and News", "NetMeeting",
    "Word", "Excel", "Access", "PowerPoint", "FrontPage", "Publisher", "Works", "Money",
    "Project", "Visio", "Encarta", "Internet Information Server", "SQL Server",
    "Visual Basic", "Visual C++", "Visual FoxPro", "FoxPro", "MS-DOS", "Windows 95",
    "Windows 98", "Windows Me", "Windows NT", "Windows 2000", "Windows XP", "Windows 3.1",
    "Windows for Workgroups", "Dial-Up Networking", "HyperTerminal", "Microsoft Fax",
    "The Microsoft Network", "MSN", "Proxy Server", "Systems Management Server",
    "Small Business Server", "Terminal Server", "Media Player", "DirectX", "Office",
], key=len, reverse=True)
_PROGRAM_IN_TEXT = re.compile(
    r"(?<![\w-])(?:Microsoft\s+)?(" + "|".join(re.escape(n) for n in KNOWN_PROGRAMS)
    + r")(?![\w-])")
# Platforms written after a product: "Internet Explorer version 4.0 for Windows 95".
_FOR_PLATFORM = re.compile(r"\s+for\s+((?:Windows|Macintosh|MS-DOS|OS/2|UNIX)\b.*)$", re.I)


def _product_line(name: str) -> tuple[str, str]:
    """`Microsoft Exchange Server, versions 5.0, 5.5` -> ('Exchange Server', '5.0, 5.5')."""
    name = re.sub(r"^\s*microsoft\s+", "", name.strip(), flags=re.I)
    name = _FOR_PLATFORM.sub("", name)
    head, _, tail = name.partition(",")
    tokens = head.split()
    versions = []
    while len(tokens) > 1 and (VERSION_TOKEN.match(tokens[-1]) or tokens[-1].lower() in (
            "version", "versions", "for")):
        token = tokens.pop()
        if VERSION_TOKEN.match(token):
            versions.insert(0, token)
    line = " ".join(tokens).strip(" .-")
    tail = re.sub(r"^\s*versions?\s*", "", tail.strip(), flags=re.I)
    tail = re.sub(r"\s*on platform\(s\):?.*$", "", tail, flags=re.I)
    more = [v for v in re.split(r"[,\s]+|\band\b", tail) if re.fullmatch(r"\d[\d.]*[a-z]?", v)]
    return line, ", ".join([*versions, *more])


def activities_in(text: str) -> list[str]:
    """The keys of what a person was doing that a text names (its words' beginnings),
    read the same way from an article and from what a person typed."""
    words = f" {normal(text)} "
    return [key for key, _, beginnings in ACTIVITIES
            if any(beginning in words for beginning in beginnings)]


def first_sentences(text: str, limit: int) -> str:
    text = " ".join(text.split())
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    out = ""
    for sentence in sentences:
        if out and len(out) + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    return clip(out, limit)


def _first_para(section: Section | None) -> str:
    if section is None:
        return ""
    for block in section.blocks:
        if block.kind == "para" and block.text.strip():
            return block.text
    return section.text


def article_text(article: Article) -> str:
    symptoms = symptom_section(article)
    return normal(" ".join([article.title, *article.messages,
                            symptoms.text[:6000] if symptoms else ""]))


def facts_of(article: Article) -> Facts:
    values: dict[str, dict[str, Value]] = {kind: {} for kind in KINDS}

    def add(facet: str, label: str, source: str, key: str | None = None) -> None:
        label = clip(label, 90)
        if label:
            values[facet].setdefault(key or slug(label), Value(label, source))

    for code in article.codes[:8]:
        # An event ID is read in a server's event log, not on a person's screen.
        if not code.startswith("EVENT-"):
            add("code", code_label(code), "listed among its error codes", code.lower())

    lines = [item for item in article.applies_to if item.strip()]
    product_lines = []
    for item in lines:
        os_line = re.match(r"^\s*the operating system:?\s*(.*)$", item, re.I)
        if os_line:
            for name in OS_NAMES.findall(os_line.group(1)) or [os_line.group(1)]:
                add("os", name, "its applies-to box")
            continue
        item, _, platform = item.partition(" on ")
        for name in OS_NAMES.findall(platform):
            add("os", name, "its applies-to box")
        for_platform = _FOR_PLATFORM.search(item)
        if for_platform:
            for name in OS_NAMES.findall(for_platform.group(1)):
                add("os", name, "its applies-to box")
        line, versions = _product_line(item)
        if not line or len(line) > 60 or PLACEHOLDER_PRODUCT.match(line):
            continue
        product_lines.append(line)
        add("product", line, f"its applies-to box lists “{clip(item, 70)}”")
        for version in versions.split(", ") if versions else []:
            add("version", f"{line} {version}", f"its applies-to box lists “{clip(item, 70)}”")
    if not product_lines:
        named = [p for p in article.products if not PLACEHOLDER_PRODUCT.match(p)]
        for product in named:
            line, _ = _product_line(product)
            if line:
                add("product", line, "its product list")
        for version in article.versions:
            if re.fullmatch(r"\d[\d.]*", version) and len(named) == 1:
                line, _ = _product_line(named[0])
                add("version", f"{line} {version}", "its version list")
    for name in article.operating_systems:
        add("os", re.sub(r"^Microsoft\s+", "", name), "its operating-system list")

    symptoms = symptom_section(article)
    about = " ".join([article.title, _first_para(symptoms)[:600]])
    for name in dict.fromkeys(_PROGRAM_IN_TEXT.findall(about)):
        if not name.startswith(("Windows", "MS-DOS")):
            add("product", name, "its title or symptoms name it")
    lead = " ".join([article.title, _first_para(symptoms)[:1500], *article.messages[:3]])
    for found in PROTOCOL_WORDS.findall(lead):
        key = found.lower().rstrip("4").replace("https", "http")
        add("protocol", PROTOCOLS.get(key, found.upper()), "its title or symptoms", key)
    for port in PORT_WORDS.findall(lead):
        if port in PORTS:
            add("protocol", PROTOCOLS[PORTS[port]], f"port {port} in its symptoms", PORTS[port])
    labels = {key: label for key, label, _ in ACTIVITIES}
    for key in activities_in(" ".join([article.title, _first_para(symptoms)[:600]])):
        add("doing", labels[key], "its title or symptoms", key)
    where = symptoms.title if symptoms else "the article"
    for message in [m for m in article.messages if not NOT_A_MESSAGE.match(m)][:3]:
        # Offered whole or not at all: a message cut mid-way is not what anyone sees.
        if (len(re.findall(r"[A-Za-z]{3,}", message)) >= 3
                and len(" ".join(message.split())) <= OPTION_CHARS):
            add("message", message, f"quoted in its {where}")
    summary = first_sentences(_first_para(symptoms), SYMPTOM_CHARS)
    if (summary and not summary.endswith(("…", ":"))
            and not NOT_A_SYMPTOM.match(summary)):
        add("symptom", summary, f"the first lines of its {where}", slug(summary, 6))
    said = article_text(article)
    return Facts(article.id, article.title, article.permalink,
                 frozenset(code.upper() for code in article.codes), values, said)


def facts_to_json(facts: Facts) -> str:
    """The stored form (id, title, url and text are stored beside it)."""
    return json.dumps({
        "codes": sorted(facts.codes),
        "values": {kind: {key: [value.label, value.source] for key, value in found.items()}
                   for kind, found in facts.values.items() if found},
    }, separators=(",", ":"), ensure_ascii=False)


def facts_from_json(article_id: str, title: str, url: str, data: str, text: str) -> Facts:
    stored = json.loads(data)
    values = {kind: {key: Value(*pair) for key, pair in stored["values"].get(kind, {}).items()}
              for kind in KINDS}
    return Facts(article_id, title, url, frozenset(stored["codes"]), values, text)
