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
from app.articles.seen import shown_messages
from app.articles.situations import situation_option
from app.articles.symptoms import symptom_key, symptom_option
from app.codes.labels import label as code_label
from app.text.analysis import normal
from app.text.names import OS_NAMES, PORT_WORDS, PORTS, PROTOCOL_WORDS, PROTOCOLS
from app.text.slugs import clip, slug

# The kinds of fact, in the order the wizard considers asking about them.
KINDS = ("code", "protocol", "product", "version", "os", "doing", "situation", "message",
         "symptom")


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


MAX_LABEL = 160         # longer is no option (messages and symptoms are shorter)

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

# The archive's placeholder product ("Product(s): See article") names nothing.
PLACEHOLDER_PRODUCT = re.compile(r"^\s*(microsoft\s+)?see article\b", re.I)
# Names in the product fields that are no program a person runs: kits, books, groups
# of products, technologies ("Open Database Connectivity").
NOT_A_PROGRAM = re.compile(
    r"(\b(kits?|sdk|toolkit|librar(y|ies)|products|product|issues|series|mastering|press|"
    r"mspress|isbn|editor|please|specification|api|miscellaneous|titles|connectivity|"
    r"integrator|components|objects|development|drivers?|utilities|\w+ games|odbc|ole db|"
    r"provider)\b|[*:]|"
    r"^\W)", re.I)
# An operating system is asked by its own question, never as "Which program".
OPERATING_SYSTEM = re.compile(
    r"^(Windows( (95|98|Me|Millennium|NT|2000|XP|Server|Vista|CE|for Workgroups|\d)\b|$)"
    r"|MS-DOS|Disk Operating System|OS/2|Macintosh)", re.I)
# Words of a product's name that do not say which program it is.
GENERIC_NAME_WORDS = frozenset({
    "microsoft", "for", "the", "and", "of", "edition", "standard", "professional",
    "enterprise", "learning", "deluxe", "client", "server", "version", "bit", "32", "16"})
VERSION_TOKEN = re.compile(r"^(\d[\d.]*[a-z]?|v\d[\d.]*)$", re.I)
PLATFORM = re.compile(r"\s+for\s+(the\s+)?(Windows|Power Macintosh|Macintosh|MS-DOS|OS/2|UNIX)"
                      r"\b.*$", re.I)
SERVICE_RELEASE = re.compile(r"\s+(OEM\s+)?(Service (Release|Pack)|SR-?\d|SP\d).*$", re.I)
# Products a person names, found in an article's title and symptoms: they count as its
# products beside the archive's product field (Q198704's field says Exchange, but its
# title and symptoms are about Outlook Express). Longest names first.
KNOWN_PROGRAMS = sorted([
    "Outlook Express", "Outlook", "Internet Explorer", "Exchange Server", "Exchange Client",
    "Windows Messaging", "Microsoft Mail", "Internet Mail and News", "NetMeeting",
    "Word", "Excel", "Access", "PowerPoint", "FrontPage", "Publisher", "Works", "Money",
    "Project", "Visio", "Encarta", "Internet Information Server", "SQL Server",
    "Visual Basic", "Visual C++", "Visual FoxPro", "FoxPro", "Dial-Up Networking",
    "HyperTerminal", "Microsoft Fax", "The Microsoft Network", "MSN", "Proxy Server",
    "Systems Management Server", "Small Business Server", "Terminal Server", "Media Player",
    "DirectX", "Office",
], key=len, reverse=True)
_PROGRAM_IN_TEXT = re.compile(
    r"(?<![\w-])(?:Microsoft\s+)?(" + "|".join(re.escape(n) for n in KNOWN_PROGRAMS)
    + r")(?![\w-])")


def product_line(item: str) -> tuple[str, list[str]]:
    """An applies-to line or product field as (program, versions):
    `Microsoft Visual Basic Professional Edition for Windows, versions 4.0, 4.0a` ->
    ('Visual Basic Professional Edition', ['4.0', '4.0a']); ('', []) when the line
    names no program a person runs."""
    text = re.sub(r"^\s*microsoft\s+", "", item.strip(), flags=re.I)
    text = re.sub(r"(,?\s*used with:?|,?\s*on platform\(s\):?).*$", "", text, flags=re.I)
    said = re.search(r"\bversions?\b\s*(.*)$", text, re.I)
    versions = _versions(said.group(1)) if said else []
    name = (text[:said.start()] if said else text).split(",")[0]
    name = re.sub(r"\s*\([^)]*\)", "", name)
    # "Windows Services for UNIX" runs on Windows, and "Video for Windows" is no video:
    # there "for ..." is part of the name.
    if not re.match(r"(windows\b|video for windows$)", name, re.I):
        name = PLATFORM.sub("", name)
    name = SERVICE_RELEASE.sub("", name)
    tokens = name.split()
    while len(tokens) > 1 and VERSION_TOKEN.match(tokens[-1]):
        versions.insert(0, tokens.pop())
    name = " ".join(tokens).strip(" .-")
    if (not name or len(name) > 40 or NOT_A_PROGRAM.search(name)
            or PLACEHOLDER_PRODUCT.match(name) or not re.search(r"[A-Za-z]{2}", name)):
        return "", []
    return name, list(dict.fromkeys(versions))


def _versions(text: str) -> list[str]:
    """`4.0, 4.0a for Windows 95` -> ['4.0', '4.0a']: service releases and packs, and
    the platform's own version, are not the program's."""
    text = re.sub(r"\b((OEM\s+)?Service (Release|Pack)\s*\d*\w*|SP|SR-?)\s?\d+\w*|\([^)]*\)", " ",
                  PLATFORM.sub("", text), flags=re.I)
    return re.findall(r"(?<![\w.])(\d+(?:\.\d+)*[a-z]?)(?![\w.])", text)


def _named_in(name: str, text: str) -> bool:
    """Whether the article's own words name the program (one of its distinctive words)."""
    words = [w for w in re.findall(r"[a-z][a-z+#]+", name.lower())
             if w not in GENERIC_NAME_WORDS]
    return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", text) for w in words)


# One-word program names that are also everyday words: they name the program only
# capitalised ("Word") or with a version ("word 97", "access 2.0").
ORDINARY_NAMES = frozenset({"word", "access", "works", "money", "project", "publisher",
                            "office", "exchange", "schedule", "mail", "network", "paint",
                            # ...and the archive's one-word titles that are everyday words
                            # ("s3 video card" names no program "Video")
                            "video", "phone", "reader", "links", "link", "select", "query",
                            "graph", "draw", "test", "fun", "delta", "scenes", "com", "xml",
                            "lib", "dogs", "oceans", "arcade", "casino", "readings", "bob"})


def names_in_text(label: str, text: str) -> bool:
    """Whether what a person typed names this program or system: a name of two words or
    more however it is typed ("outlook express"), one word in any case ("excel",
    "msn") unless it is also an everyday word ("access denied" names no program)."""
    label = label.strip()
    if len(label) < 3:
        return False
    name = rf"(?<![\w-]){re.escape(label)}(?![\w-])"
    if " " in label or label.lower() not in ORDINARY_NAMES:
        return bool(re.search(name, text, re.I))
    return bool(re.search(name, text) or re.search(
        rf"{name}\s+(v(ersion)?\s*)?\d", text, re.I))


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


class _Found:
    """The facts of one article as they are read: facet -> {key: Value}."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, Value]] = {kind: {} for kind in KINDS}

    def add(self, facet: str, label: str, source: str, key: str | None = None) -> None:
        label = " ".join(label.split())
        if label and len(label) <= MAX_LABEL:
            self.values[facet].setdefault(key or slug(label), Value(label, source))


def facts_of(article: Article) -> Facts:
    """What the wizard may ask about `article`: only what a person can recognise."""
    found = _Found()
    for code in article.codes[:8]:
        # An event ID is read in a server's event log, not on a person's screen.
        if not code.startswith("EVENT-"):
            found.add("code", code_label(code), "listed among its error codes", code.lower())
    symptoms = symptom_section(article)
    about = " ".join([article.title, _first_para(symptoms)[:1500]])
    _programs(article, about, found)
    lead = " ".join([about, *article.messages[:3]])
    for word in PROTOCOL_WORDS.findall(lead):
        key = word.lower().rstrip("4").replace("https", "http")
        found.add("protocol", PROTOCOLS.get(key, word.upper()), "its title or symptoms", key)
    for port in PORT_WORDS.findall(lead):
        if port in PORTS:
            found.add("protocol", PROTOCOLS[PORTS[port]], f"port {port} in its symptoms",
                      PORTS[port])
    labels = {key: label for key, label, _ in ACTIVITIES}
    for key in activities_in(" ".join([article.title, _first_para(symptoms)[:600]])):
        found.add("doing", labels[key], "its title or symptoms", key)
    situation = situation_option(article.title, " ".join(s.text for s in article.sections))
    if situation:
        found.add("situation", situation, "its title names it")
    where = symptoms.title if symptoms else "the article"
    for message in shown_messages(article):
        found.add("message", message, f"quoted in its {where}")
    sentence = symptom_option(article)
    if sentence:
        found.add("symptom", sentence, f"the first lines of its {where}",
                  slug(symptom_key(sentence), 6))
    return Facts(article.id, article.title, article.permalink,
                 frozenset(code.upper() for code in article.codes), found.values,
                 article_text(article))


def _programs(article: Article, about: str, found: _Found) -> None:
    """Programs, their versions and operating systems: from the applies-to box (else the
    product list) where the article's title or symptoms name the program, and the
    programs its title or symptoms name themselves."""
    said = about.lower()
    lines = [item for item in article.applies_to if item.strip()] or [
        *article.products, *(f"{article.products[0]} {v}" for v in article.versions
                             if len(article.products) == 1 and VERSION_TOKEN.match(v))]
    where = "its applies-to box" if article.applies_to else "its product list"
    for item in lines:
        os_line = re.match(r"^\s*the operating system:?\s*(.*)$", item, re.I)
        item, _, platform = (os_line.group(1), "", "") if os_line else item.partition(" on ")
        for name in OS_NAMES.findall(f"{platform} {item}"):
            found.add("os", name, where)
        name, versions = product_line(item)
        if os_line or not name or OPERATING_SYSTEM.match(name) or not _named_in(name, said):
            continue
        source = f"{where} lists “{clip(item, 70)}”"
        found.add("product", name, source)
        for version in versions:
            found.add("version", f"{name} {version}", source)
    for listed in article.operating_systems:
        for name in listed.split("|"):
            name = re.sub(r"^Microsoft\s+", "", name.strip())
            if OPERATING_SYSTEM.match(name):
                found.add("os", name, "its operating-system list")
    for name in dict.fromkeys(_PROGRAM_IN_TEXT.findall(about[:700])):
        # "Cannot Access CD-ROM Drive" in a title names no program; "Microsoft Access"
        # and "Access 97" do.
        if not OPERATING_SYSTEM.match(name) and (name.lower() not in ORDINARY_NAMES or re.search(
                rf"Microsoft\s+{re.escape(name)}\b|\b{re.escape(name)}\s+(v(ersion)?\s*)?\d",
                about)):
            found.add("product", name, "its title or symptoms name it")


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
