"""The troubleshooting wizard: from what a person pasted to the fix, one question at a time.

Pure domain, no Flask. The whole state of a session is a `State` (what was typed, the
answers so far as readable words, which article and step of its fix): it round-trips
through a URL's query string, so every step is a plain GET link and nothing is kept on
the server. `step(source, state)` computes one screen:

1. Candidates: `source.rank(query)` (codes first, then messages, then words), re-weighted
   so that an article carrying more of the pasted codes outranks one carrying fewer, and
   by what the paste already says (protocol, port, product, operating system).
2. Answers filter them: an article keeps its place when its facet holds the chosen value,
   stays at half weight when it says nothing about that facet, and drops out otherwise.
   "Not sure" keeps everyone.
3. While no candidate stands out, the next question is the facet whose answer is expected
   to tell the remaining candidates apart best (information gain over their weights).
   Facets come from the articles themselves: other error codes, product lines and
   versions from the applies-to box, operating systems, protocols, what the person was
   doing, quoted messages, and as a last resort the first line of the symptoms.
4. Once one stands out: its fix, step by step (an authored tree when the article has
   one), then the next candidate, then a way out to the help desk.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from app.articles.model import Article, Block, Section, article_from_dict
from app.articles.trees import Tree, TreeCache, TreeNode, check_trees
from app.codes.recognise import codes_in, codes_in_query

MAX_CANDIDATES = 40      # articles the questions choose between
RECALL = 200             # ranked articles checked for quoting a paste word for word
MAX_OPTIONS = 7          # shown values; the rest become "Something else"
STANDS_OUT = 0.7         # share of the weight at which the leader needs no more questions
LEAD_RATIO = 6.0         # ...or this many times the weight of the runner-up
MIN_GAIN = 0.12          # bits: a question that separates less is not worth asking
MAX_QUESTIONS = 8
CODE_PENALTY = 20.0      # weight divided by this per pasted code an article lacks
UNKNOWN_KEEP = 0.5       # weight kept by an article that says nothing about an answer
# ...except where silence says something: an article quoting its error dialog usually
# quotes every code in it, so one that lists no second code is a weak match for one.
UNKNOWN_KEEP_BY_FACET = {"code": 0.1, "message": 0.3}
PASTE_MISMATCH = 0.2     # weight kept by an article contradicting what the paste says
MESSAGE_MATCH = 10.0     # weight multiplied for an article quoting the pasted text as is
CODE_WORDS = frozenset({"error", "event", "id", "stop", "run", "time", "runtime", "code",
                        "number", "no", "0x"})
MAX_QUERY = 1000

NOT_SURE = "not-sure"
OTHER = "something-else"


@dataclass(frozen=True)
class Facet:
    id: str
    name: str            # for breadcrumbs and summaries: "Product"
    text: str            # the question
    factor: float        # preference among questions of similar gain (1 = best)


FACETS = {
    facet.id: facet
    for facet in [
        Facet("code", "Other code", "Which other error code or number does the message show?",
              1.0),
        Facet("protocol", "Protocol", "Which protocol or connection is involved?", 1.0),
        Facet("product", "Product", "Which product is involved?", 0.95),
        Facet("version", "Version", "Which version is it?", 0.9),
        Facet("os", "Operating system", "Which operating system is the computer running?",
              0.9),
        Facet("doing", "Doing", "What were you doing when it happened?", 0.9),
        Facet("message", "Message", "Which of these messages do you see?", 0.85),
        Facet("symptom", "Symptom", "Which of these best describes what happens?", 0.6),
    ]
}
# Facets the paste can answer by itself (a protocol name, a port, a product named).
PASTE_FACETS = ("protocol", "product", "os")


# --- what an article says about itself ---------------------------------------------------

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


def normal(text: str) -> str:
    """Lower-case words only: how a pasted message is compared with an article's text."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def slug(text: str, words: int = 8) -> str:
    parts = re.findall(r"[a-z0-9]+(?:\.[0-9]+)*", text.lower())
    return "-".join(parts[:words]) or "x"


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


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

OS_NAMES = re.compile(
    r"\b(Windows (?:95|98|Me|NT(?: Server| Workstation)?(?: \d\.\d)?|2000(?: Server| "
    r"Professional)?|XP|Server 2003|Vista|3\.1x?)|MS-DOS|Macintosh|OS/2)\b"
)
VERSION_TOKEN = re.compile(r"^(\d[\d.]*|v\d[\d.]*|sp\d|sr-?\d|\(sr-?\d\))$", re.I)
SYMPTOM_SECTIONS = ("SYMPTOMS", "SUMMARY", "SYMPTOM")
NOT_A_MESSAGE = re.compile(r"^(Q\d{5,7}\b|https?:|for more information|see\b)", re.I)


def _product_line(name: str) -> tuple[str, str]:
    """`Microsoft Exchange Server, versions 5.0, 5.5` -> ('Exchange Server', '5.0, 5.5')."""
    name = re.sub(r"^\s*microsoft\s+", "", name.strip(), flags=re.I)
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


def symptom_section(article: Article) -> Section | None:
    for name in SYMPTOM_SECTIONS:
        found = article.section(name)
        if found is not None:
            return found
    return article.sections[0] if article.sections else None


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


CODE_LABELS = {"EVENT": "Event ID", "ERROR": "Error", "STOP": "STOP", "RUNTIME": "Run-time error",
               "ASP": "ASP", "HTTP": "HTTP"}


def code_label(code: str) -> str:
    """A canonical code as a person reads it: `EVENT-11310` is "Event ID 11310"."""
    family, dash, rest = code.partition("-")
    return f"{CODE_LABELS[family]} {rest}" if dash and family in CODE_LABELS else code


def article_text(article: Article) -> str:
    symptoms = symptom_section(article)
    return normal(" ".join([article.title, *article.messages,
                            symptoms.text[:6000] if symptoms else ""]))


def facts_of(article: Article) -> Facts:
    values: dict[str, dict[str, Value]] = {name: {} for name in FACETS}

    def add(facet: str, label: str, source: str, key: str | None = None) -> None:
        label = clip(label, 90)
        if label:
            values[facet].setdefault(key or slug(label), Value(label, source))

    for code in article.codes[:8]:
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
        line, versions = _product_line(item)
        if not line or len(line) > 60:
            continue
        product_lines.append(line)
        add("product", line, f"its applies-to box lists “{clip(item, 70)}”")
        for version in versions.split(", ") if versions else []:
            add("version", f"{line} {version}", f"its applies-to box lists “{clip(item, 70)}”")
    if not product_lines:
        for product in article.products:
            line, _ = _product_line(product)
            if line:
                add("product", line, "its product list")
        for version in article.versions:
            if re.fullmatch(r"\d[\d.]*", version) and len(article.products) == 1:
                line, _ = _product_line(article.products[0])
                add("version", f"{line} {version}", "its version list")
    for name in article.operating_systems:
        add("os", re.sub(r"^Microsoft\s+", "", name), "its operating-system list")

    symptoms = symptom_section(article)
    lead = " ".join([article.title, _first_para(symptoms)[:1500], *article.messages[:3]])
    for found in PROTOCOL_WORDS.findall(lead):
        key = found.lower().rstrip("4").replace("https", "http")
        add("protocol", PROTOCOLS.get(key, found.upper()), "its title or symptoms", key)
    for port in PORT_WORDS.findall(lead):
        if port in PORTS:
            add("protocol", PROTOCOLS[PORTS[port]], f"port {port} in its symptoms", PORTS[port])
    doing_text = " ".join([article.title, _first_para(symptoms)[:600]])
    words = f" {normal(doing_text)} "
    for key, label, stems in ACTIVITIES:
        if any(stem in words for stem in stems):
            add("doing", label, "its title or symptoms", key)
    where = symptoms.title if symptoms else "the article"
    for message in [m for m in article.messages if not NOT_A_MESSAGE.match(m)][:3]:
        if len(message.split()) >= 3:
            add("message", message, f"quoted in its {where}")
    summary = first_sentences(_first_para(symptoms), 110)
    if summary:
        add("symptom", summary, f"the first lines of its {where}", slug(summary, 6))
    said = article_text(article)
    return Facts(article.id, article.title, article.permalink,
                 frozenset(code.upper() for code in article.codes), values, said)


# --- where the wizard gets articles from ---------------------------------------------------

class Source(Protocol):
    """What the wizard reads: ranked ids for a text, articles, authored trees."""

    def rank(self, text: str, limit: int) -> list[tuple[str, float]]: ...

    def article(self, article_id: str) -> Article | None: ...

    def facts(self, article_id: str) -> Facts | None: ...

    def tree(self, article: Article) -> Tree | None: ...


# --- the state, as it travels in a URL -------------------------------------------------

STATE_KEYS = ("q", "article", "step", "at", "section", "tried", "ask", "end")


@dataclass(frozen=True)
class State:
    query: str = ""
    answers: tuple[tuple[str, str], ...] = ()
    article: str | None = None
    step: int = 1
    at: str | None = None            # node of an authored tree
    section: str | None = None       # a tree sent the walk to this section's steps
    tried: tuple[str, ...] = ()
    ask: str | None = None           # re-ask this question (changing an answer)
    end: str | None = None           # "fixed" or "dead-end", after the outcome was posted

    def params(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [("q", self.query)]
        out.extend(self.answers)
        out.extend(("tried", t) for t in self.tried)
        if self.ask:
            out.append(("ask", self.ask))
        if self.article:
            out.append(("article", self.article))
            if self.section:
                out.append(("section", self.section))
            if self.at:
                out.append(("at", self.at))
            elif self.step != 1 or self.section:
                out.append(("step", str(self.step)))
        if self.end:
            out.append(("end", self.end))
        return out

    def answered(self, facet: str, value: str) -> State:
        kept = tuple((k, v) for k, v in self.answers if k != facet)
        return State(self.query, (*kept, (facet, value)), tried=self.tried)

    def without(self, facet: str) -> State:
        """The same answers without `facet`, which is asked again next."""
        kept = tuple((k, v) for k, v in self.answers if k != facet)
        return State(self.query, kept, tried=self.tried, ask=facet)

    def at_fix(self, article: str, *, step: int = 1, at: str | None = None,
               section: str | None = None) -> State:
        return State(self.query, self.answers, article, step, at, section, self.tried)

    def trying_next(self, article: str) -> State:
        tried = self.tried if article in self.tried else (*self.tried, article)
        return State(self.query, self.answers, tried=tried)

    def ended(self, how: str) -> State:
        return replace(self, end=how)


ARTICLE_ID = re.compile(r"^Q\d{5,7}$")


def parse_state(pairs: Iterable[tuple[str, str]]) -> tuple[State, list[str]]:
    """A State from a query string's pairs, and notices for what had to be dropped.

    Nothing here raises: unknown keys, garbled numbers or ids are dropped with a notice,
    so an old or hand-edited link lands on the last step that still makes sense.
    """
    notices: list[str] = []
    query, answers, tried = "", [], []
    article = at = section = ask = end = None
    step_number = 1
    for key, raw in pairs:
        value = " ".join(str(raw).split())[:MAX_QUERY]
        if key == "q":
            query = value
        elif key in FACETS:
            if re.fullmatch(r"[a-z0-9][a-z0-9.\-]{0,80}", value):
                answers = [(k, v) for k, v in answers if k != key] + [(key, value)]
            else:
                notices.append(f"The answer “{clip(value, 40)}” could not be read; "
                               "that question is asked again.")
        elif key == "tried":
            if ARTICLE_ID.match(value.upper()) and value.upper() not in tried:
                tried.append(value.upper())
        elif key == "article":
            if ARTICLE_ID.match(value.upper()):
                article = value.upper()
            else:
                notices.append(f"“{clip(value, 40)}” is not an article number.")
        elif key == "step":
            if value.isdigit() and 1 <= int(value) <= 200:
                step_number = int(value)
            else:
                notices.append("That step number could not be read; back to the first step.")
        elif key == "at":
            at = value[:80] or None
        elif key == "section":
            section = value[:80] or None
        elif key == "ask":
            ask = value if value in FACETS else None
        elif key == "end":
            end = value if value in ("fixed", "dead-end") else None
        elif key in ("page",):
            continue
        # Other keys (tracking parameters and the like) are ignored silently.
    return State(query, tuple(answers), article, step_number, at, section, tuple(tried), ask,
                 end), notices


# --- one screen ---------------------------------------------------------------------------

@dataclass
class Candidate:
    id: str
    title: str
    url: str
    score: float
    weight: float = 0.0
    codes_matched: int = 0


@dataclass(frozen=True)
class Option:
    label: str
    value: str
    articles: tuple[str, ...]
    state: State


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    options: tuple[Option, ...]
    why: str


@dataclass(frozen=True)
class Answer:
    facet: str
    name: str
    value: str
    label: str
    change: State                    # the same path with this answer asked again


@dataclass(frozen=True)
class FixStep:
    number: int
    blocks: tuple[Block, ...]
    section: str                     # title of the section it comes from
    anchor: str


@dataclass(frozen=True)
class TreeChoice:
    label: str
    kind: str                        # "node", "done", "escalate", "article", "section"
    state: State


@dataclass
class Fix:
    article: Article
    symptom: str
    cause: str
    steps: list[FixStep]
    current: FixStep | None
    next_state: State | None         # "No, still broken": next step or next article
    next_is_article: bool = False
    node: TreeNode | None = None
    node_steps: tuple[Block, ...] = ()
    node_anchor: str = ""
    choices: tuple[TreeChoice, ...] = ()
    state: State = field(default_factory=State)   # this fix's own state (for outcomes)


@dataclass
class Step:
    state: State
    candidates: list[Candidate]
    question: Question | None = None
    answers: list[Answer] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    from_paste: list[tuple[str, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    fix: Fix | None = None
    dead_end: bool = False
    tried: list[tuple[str, str]] = field(default_factory=list)   # (id, title)

    @property
    def leader(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def _entropy(weights: Sequence[float]) -> float:
    total = sum(weights)
    if total <= 0:
        return 0.0
    return -sum(w / total * math.log2(w / total) for w in weights if w > 0)


def _normalise(candidates: list[Candidate]) -> None:
    total = sum(c.weight for c in candidates) or 1.0
    for candidate in candidates:
        candidate.weight /= total
    candidates.sort(key=lambda c: (-c.weight, -c.score, c.id))


def _shown_values(facet: str, candidates: list[Candidate], facts: dict[str, Facts]
                  ) -> list[tuple[str, Value, float]]:
    """The facet's values among candidates, heaviest first: (slug, value, weight)."""
    mass: dict[str, float] = {}
    labels: dict[str, Value] = {}
    for candidate in candidates:
        for key, value in facts[candidate.id].values[facet].items():
            mass[key] = mass.get(key, 0.0) + candidate.weight
            labels.setdefault(key, value)
    ordered = sorted(mass, key=lambda key: (-mass[key], labels[key].label.lower()))
    return [(key, labels[key], mass[key]) for key in ordered]


def _option_sets(facet: str, candidates: list[Candidate], facts: dict[str, Facts]
                 ) -> list[tuple[str, str, list[tuple[Candidate, float]]]]:
    """(slug, label, [(candidate, kept weight factor)]) per option, "Something else" too."""
    values = _shown_values(facet, candidates, facts)
    shown = values if len(values) <= MAX_OPTIONS + 1 else values[:MAX_OPTIONS]
    rest = len(values) > len(shown)
    shown_keys = {key for key, _, _ in shown}
    unknown = UNKNOWN_KEEP_BY_FACET.get(facet, UNKNOWN_KEEP)
    options = []
    for key, value, _ in shown:
        kept = []
        for candidate in candidates:
            own = facts[candidate.id].values[facet]
            if key in own:
                kept.append((candidate, 1.0))
            elif not own:
                kept.append((candidate, unknown))
        options.append((key, value.label, kept))
    if rest:
        kept = []
        for candidate in candidates:
            own = facts[candidate.id].values[facet]
            if not own:
                kept.append((candidate, unknown))
            elif not shown_keys & own.keys():
                kept.append((candidate, 1.0))
        if kept:
            options.append((OTHER, "Something else", kept))
    return options


def _gain(facet: str, candidates: list[Candidate], facts: dict[str, Facts]) -> float:
    """Expected information gain (bits) of asking `facet`, over candidates' weights."""
    options = _option_sets(facet, candidates, facts)
    if len(options) < 2:
        return 0.0
    known = sum(1 for c in candidates if facts[c.id].values[facet])
    if known == 0:
        return 0.0
    before = _entropy([c.weight for c in candidates])
    after, total = 0.0, 0.0
    for _, _, kept in options:
        # How likely this answer is: each candidate answers one of its own values.
        likelihood = 0.0
        for candidate, _factor in kept:
            own = len(facts[candidate.id].values[facet]) or len(options)
            likelihood += candidate.weight / own
        weights = [candidate.weight * factor for candidate, factor in kept]
        after += likelihood * _entropy(weights)
        total += likelihood
    if total <= 0:
        return 0.0
    return before - after / total


def _apply(facet: str, value: str, candidates: list[Candidate], facts: dict[str, Facts]
           ) -> list[Candidate] | None:
    """Candidates left by an answer; None when the value is not an option here."""
    if value == NOT_SURE:
        return candidates
    options = _option_sets(facet, candidates, facts)
    for key, _, kept in options:
        if key == value:
            out = []
            for candidate, factor in kept:
                out.append(replace(candidate, weight=candidate.weight * factor))
            _normalise(out)
            return out
    # A value not shown among the options but held by some candidate still counts.
    held = [c for c in candidates if value in facts[c.id].values[facet]]
    if held:
        out = [replace(c, weight=c.weight) for c in held]
        unknown = UNKNOWN_KEEP_BY_FACET.get(facet, UNKNOWN_KEEP)
        out += [replace(c, weight=c.weight * unknown) for c in candidates
                if not facts[c.id].values[facet]]
        _normalise(out)
        return out
    return None


def _label_of(facet: str, value: str, candidates: list[Candidate], facts: dict[str, Facts]
              ) -> str:
    if value == NOT_SURE:
        return "Not sure"
    if value == OTHER:
        return "Something else"
    for candidate in candidates:
        found = facts[candidate.id].values[facet].get(value)
        if found:
            return found.label
    return value


def _paste_facts(query: str, candidates: list[Candidate], facts: dict[str, Facts]
                 ) -> dict[str, set[str]]:
    """Facet values the paste states: a protocol named or implied by its port, a
    product or operating system named in it."""
    said: dict[str, set[str]] = {}
    for found in PROTOCOL_WORDS.findall(query):
        key = found.lower().rstrip("4").replace("https", "http")
        if key != "ssl":    # "Secure(SSL): NO" is in every Outlook Express error
            said.setdefault("protocol", set()).add(key)
    for port in PORT_WORDS.findall(query):
        if port in PORTS:
            said.setdefault("protocol", set()).add(PORTS[port])
    for facet in ("product", "os"):
        for candidate in candidates:
            for key, value in facts[candidate.id].values[facet].items():
                # Case matters: "Exchange" names a product, "exchange" is a word.
                label = value.label
                if len(label) >= 4 and re.search(rf"(?<!\w){re.escape(label)}(?!\w)", query):
                    said.setdefault(facet, set()).add(key)
    # A product named in the paste that is a prefix of a longer one named too
    # ("Outlook" inside "Outlook Express") is not separate evidence.
    if "product" in said:
        labels = {k: _label_of("product", k, candidates, facts).lower() for k in said["product"]}
        said["product"] = {k for k in said["product"]
                           if not any(o != k and labels[k] in labels[o] for o in labels)}
    return said


def _weigh(ranked: list[tuple[str, float]], query: str, facts: dict[str, Facts]
           ) -> tuple[list[Candidate], list[tuple[str, str]], set[str]]:
    pasted = {code.upper() for code in codes_in_query(query)}
    candidates = []
    for article_id, score in ranked:
        found = facts.get(article_id)
        if found is None:
            continue
        candidates.append(Candidate(article_id, found.title, found.url, round(score, 3),
                                    codes_matched=len(pasted & found.codes)))
    if not candidates:
        return [], [], set()
    top = max(c.score for c in candidates) or 1.0
    most = max(c.codes_matched for c in candidates)
    # Then messages: an article quoting the pasted words as they are (in its title,
    # messages or symptoms) outranks one that merely shares some of them.
    phrase = normal(query)
    quoting = set()
    if len(set(phrase.split()) - CODE_WORDS - {c.lower() for c in pasted}) >= 3:
        quoting = {c.id for c in candidates if phrase in facts[c.id].text}
    for candidate in candidates:
        if candidate.id in quoting:      # quoting the whole paste covers its codes too
            candidate.codes_matched = max(candidate.codes_matched, most)
        candidate.weight = (max(candidate.score, 0.0) / top) * (
            CODE_PENALTY ** (candidate.codes_matched - most)) * (
            MESSAGE_MATCH if candidate.id in quoting else 1.0)
    said = _paste_facts(query, candidates, facts)
    shown: list[tuple[str, str]] = []
    for facet, keys in said.items():
        for candidate in candidates:
            own = facts[candidate.id].values[facet]
            if own and not keys & own.keys():
                candidate.weight *= PASTE_MISMATCH
        labels = sorted({_label_of(facet, k, candidates, facts) if facet != "protocol"
                         else PROTOCOLS.get(k, k.upper()) for k in keys})
        shown.append((FACETS[facet].name, ", ".join(labels)))
    _normalise(candidates)
    floor = candidates[0].weight * 0.01
    candidates = [c for c in candidates if c.weight >= floor][:MAX_CANDIDATES]
    _normalise(candidates)
    return candidates, shown, set(said)


def _stands_out(candidates: list[Candidate]) -> bool:
    if len(candidates) <= 1:
        return True
    first, second = candidates[0].weight, candidates[1].weight
    return first >= STANDS_OUT or first >= LEAD_RATIO * second


def _choose_question(candidates: list[Candidate], facts: dict[str, Facts], asked: set[str],
                     ask: str | None, pasted_codes: set[str]) -> tuple[str, float] | None:
    best: tuple[str, float] | None = None
    for facet in FACETS.values():
        if facet.id in asked:
            continue
        gain = _gain(facet.id, candidates, facts)
        if facet.id == ask and gain > 0:
            return facet.id, gain
        if gain < MIN_GAIN:
            continue
        score = gain * facet.factor
        if best is None or score > best[1]:
            best = (facet.id, score)
    return best


def _question(facet_id: str, state: State, candidates: list[Candidate], facts: dict[str, Facts],
              pasted: list[str]) -> Question:
    facet = FACETS[facet_id]
    text = facet.text
    if facet_id == "code" and not pasted:
        text = "Which error code or number does the message show?"
    options = []
    for key, label, kept in _option_sets(facet_id, candidates, facts):
        # `articles`: the candidates this answer is true of. Those that say nothing on the
        # matter stay too, further down; "Something else" and "Not sure" list them.
        matching = tuple(c.id for c, factor in kept if factor == 1.0 or key == OTHER)
        options.append(Option(label, key, matching, state.answered(facet_id, key)))
    options.append(Option("Not sure", NOT_SURE, tuple(c.id for c in candidates),
                          state.answered(facet_id, NOT_SURE)))
    counts = ", ".join(f"{o.label}: {len(o.articles)}" for o in options[:3])
    why = (f"{len(candidates)} articles still fit; this answer tells them apart best "
           f"({counts}…).")
    return Question(facet_id, text, tuple(options), why)


def _section_with(article: Article, needle: str) -> str | None:
    needle = needle.lower()
    for section in article.sections:
        if needle in section.text.lower():
            return section.title
    return None


def _code_core(code: str) -> str:
    return code.split("-")[-1].lower().removeprefix("0x").lstrip("0") or code.lower()


def reasons_for(article: Article, facts: Facts, query: str, answers: list[Answer]) -> list[str]:
    """Plain words: why the leading article matches (code, message, answers, where)."""
    out = []
    for code in codes_in_query(query):
        if code.upper() in facts.codes:
            where = _section_with(article, _code_core(code)) or _section_with(article, code)
            if where is None:
                where = next((s.title for s in article.sections if code in codes_in(s.text)),
                             None)
            out.append(f"It carries the error code {code} you entered"
                       + (f", in its {where} section." if where else " (in its title)."))
    phrase = normal(query)
    quoted = False
    if len(set(phrase.split()) - CODE_WORDS) >= 3 and phrase in facts.text:
        where = next((s.title for s in article.sections if phrase in normal(s.text)), None)
        out.append("It quotes what you entered word for word"
                   + (f", in its {where} section." if where else " (in its title or messages)."))
        quoted = True
    for message in [] if quoted else article.messages:
        short = " ".join(message.split()[:6]).lower()
        if len(short) > 15 and short in " ".join(query.split()).lower():
            out.append(f"It quotes the message “{clip(message, 80)}” in its "
                       f"{_section_with(article, message.split()[0]) or 'text'}.")
            break
    for answer in answers:
        if answer.value in (NOT_SURE,):
            continue
        value = facts.values[answer.facet].get(answer.value)
        if value:
            out.append(f"You answered {answer.name.lower()} “{answer.label}”: {value.source}.")
        elif answer.value != OTHER:
            out.append(f"It does not say which {answer.name.lower()}, so it stays in the running.")
    if not out and query:
        out.append("Its title and symptoms share the most words with what you entered.")
    return out


# --- the fix ---------------------------------------------------------------------------

FIX_SECTIONS = ("RESOLUTION", "WORKAROUND", "SOLUTION", "HOW TO FIX", "FIX", "STATUS")
METHOD_CUE = re.compile(r"(following (methods|steps|ways)|one of the following|methods?:)", re.I)


def fix_steps(article: Article, only: str | None = None) -> list[FixStep]:
    """The article's resolution and workaround as steps a person tries one at a time.

    A numbered procedure with the paragraphs that introduce it is one step (one thing to
    try, then "Did this fix it?"); each item of a list of alternative methods is a step;
    a paragraph that stands alone after a procedure is a step of its own.
    """
    sections = [s for s in article.sections if (only and s.anchor == only) or (
        not only and s.title.upper() in FIX_SECTIONS)]
    if not only and any(s.title.upper() != "STATUS" for s in sections):
        sections = [s for s in sections if s.title.upper() != "STATUS"]
    steps: list[FixStep] = []
    for section in sections:
        chunk: list[Block] = []

        def close(section: Section = section, chunk: list[Block] = chunk) -> None:
            if chunk and any(b.text.strip() or b.items for b in chunk):
                steps.append(FixStep(len(steps) + 1, tuple(chunk), section.title, section.anchor))
            chunk.clear()

        for index, block in enumerate(section.blocks):
            if block.kind == "heading":
                close()
                chunk.append(block)
            elif block.kind == "steps":
                chunk.append(block)
                following = section.blocks[index + 1] if index + 1 < len(section.blocks) else None
                if following is None or following.kind != "pre":
                    close()
            elif block.kind == "bullets" and chunk and chunk[-1].kind == "para" and (
                METHOD_CUE.search(chunk[-1].text)
            ):
                intro = chunk.pop()
                close()
                for item in block.items:
                    steps.append(FixStep(len(steps) + 1, (Block("para", intro.text), Block(
                        "para", item)), section.title, section.anchor))
            elif block.kind == "para" and chunk and any(b.kind == "steps" for b in chunk):
                close()
                chunk.append(block)
            else:
                chunk.append(block)
                if block.kind == "pre" and any(b.kind == "steps" for b in chunk):
                    close()
        close()
    return [replace(s, number=n) for n, s in enumerate(steps, 1)]


def _lead_text(section: Section | None, limit: int) -> str:
    """The section's first sentences; a sentence that introduces a quoted message
    ("... the Details show:") is followed by the start of that message."""
    if section is None:
        return ""
    blocks = [b for b in section.blocks if b.text.strip() or b.items]
    for index, block in enumerate(blocks):
        if block.kind != "para":
            continue
        text = first_sentences(block.text, limit)
        if text.rstrip().endswith(":") and index + 1 < len(blocks):
            following = blocks[index + 1]
            quoted = following.text or " ".join(following.items)
            text = f"{text} “{clip(quoted, max(40, limit - len(text)))}”"
        return text
    return first_sentences(section.text, limit)


def _summary(article: Article) -> tuple[str, str]:
    return (_lead_text(symptom_section(article), 200),
            _lead_text(article.section("CAUSE"), 200))


def _fix(source: Source, state: State, article: Article, remaining: list[Candidate]) -> Fix:
    fix = _fix_of(source, state, article, remaining)
    fix.state = replace(state, end=None) if state.article else state.at_fix(article.id)
    return fix


def _fix_of(source: Source, state: State, article: Article, remaining: list[Candidate]) -> Fix:
    symptom, cause = _summary(article)
    after = [c for c in remaining if c.id != article.id and c.id not in state.tried]
    next_article = state.trying_next(article.id)
    tree = source.tree(article) if not state.section else None
    if tree is not None:
        node = tree.nodes.get(state.at or tree.start) or tree.nodes[tree.start]
        section = next((s for s in article.sections if s.anchor == node.section), None)
        blocks = tuple(b for b in section.blocks if b.kind == "steps") if section else ()
        choices = []
        for option in node.options:
            if option.kind == "node":
                target = state.at_fix(article.id, at=option.target)
            elif option.kind == "article":
                target = next_article.at_fix(option.target)
            elif option.kind == "section":
                target = state.at_fix(article.id, section=option.target)
            elif option.kind == "escalate":
                target = next_article
            else:
                target = state.at_fix(article.id, at=node.id)
            choices.append(TreeChoice(option.label, option.kind, target))
        return Fix(article, symptom, cause, [], None, next_article, bool(after), node=node,
                   node_steps=blocks, node_anchor=section.anchor if section else "",
                   choices=tuple(choices))
    steps = fix_steps(article, state.section)
    number = min(state.step, len(steps)) if steps else 0
    current = steps[number - 1] if steps else None
    if current is not None and number < len(steps):
        following = state.at_fix(article.id, step=number + 1, section=state.section)
        return Fix(article, symptom, cause, steps, current, following)
    return Fix(article, symptom, cause, steps, current, next_article, True)


WORD = re.compile(r"[a-z][a-z']{2,}")
STOPWORDS = frozenset({
    "the", "and", "for", "you", "your", "this", "that", "with", "was", "were", "are", "not",
    "has", "have", "from", "can", "cannot", "could", "did", "does", "error", "server", "number",
})


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOPWORDS}


def candidates_for(source: Source, query: str) -> list[tuple[str, float]]:
    """Error codes first: when articles carry a pasted code, they are the candidates,
    ordered by the code match and then by how many of the pasted words their title,
    symptoms and messages share; otherwise the ranking of the whole text."""
    if not query.strip():
        return []
    codes = codes_in_query(query)
    if codes:
        ranked = source.rank(" ".join(codes), MAX_CANDIDATES)
        words = _words(re.sub(r"0x[0-9a-f]+", " ", query, flags=re.I))
        if ranked and words:
            boosted = []
            for article_id, score in ranked:
                facts = source.facts(article_id)
                own = _words(" ".join([facts.title, *(v.label for v in facts.values["message"]
                                                      .values()),
                                       *(v.label for v in facts.values["symptom"].values())])
                             ) if facts else set()
                boosted.append((article_id, score * (1 + len(words & own) / len(words))))
            ranked = sorted(boosted, key=lambda pair: -pair[1])
        if len(words - CODE_WORDS) >= 3:
            # A message with a code in it ("Run-time error '5': Invalid procedure call"):
            # articles quoting the message count too, whether or not they carry the code.
            known = {article_id for article_id, _ in ranked}
            ranked = ranked + [pair for pair in _with_quoting(source, query,
                                                              source.rank(query, RECALL))
                               if pair[0] not in known]
        if ranked:
            return ranked
    # Words only: look further down the ranking, where an article quoting the message
    # word for word may sit below ones that share its common words in their titles.
    return _with_quoting(source, query, source.rank(query, RECALL))


def _with_quoting(source: Source, query: str, ranked: list[tuple[str, float]]
                  ) -> list[tuple[str, float]]:
    """The first MAX_CANDIDATES of a ranking, then those further down that quote the
    pasted text word for word (a cheap text check, no facets)."""
    head, tail = ranked[:MAX_CANDIDATES], ranked[MAX_CANDIDATES:]
    phrase = normal(query)
    if not tail or len(set(phrase.split()) - CODE_WORDS) < 3:
        return head
    quoting = getattr(source, "quoting", None)
    if quoting is not None:
        found = quoting([article_id for article_id, _ in tail], phrase)
    else:
        found = {article_id for article_id, _ in tail
                 if phrase in getattr(source.facts(article_id), "text", "")}
    return head + [pair for pair in tail if pair[0] in found]


def step(source: Source, state: State, notices: Sequence[str] = ()) -> Step:
    """One screen of the wizard for `state` (see the module docstring)."""
    notices = list(notices)
    query = state.query[:MAX_QUERY]
    ranked = candidates_for(source, query)
    facts: dict[str, Facts] = {}
    for article_id, _ in ranked:
        found = source.facts(article_id)
        if found is not None:
            facts[article_id] = found
    pasted = codes_in_query(query)
    if pasted:
        # The code everyone pasted cannot tell the candidates apart: ask about the others.
        drop = {code.lower() for code in pasted}
        facts = {key: replace(found, values={**found.values, "code": {
            k: v for k, v in found.values["code"].items() if k not in drop}})
            for key, found in facts.items()}
    candidates, from_paste, paste_facets = _weigh(ranked, query, facts)

    answers: list[Answer] = []
    kept_answers: list[tuple[str, str]] = []
    for facet, value in state.answers:
        applied = _apply(facet, value, candidates, facts)
        if applied is None or (not applied and value != NOT_SURE):
            notices.append(f"The answer “{value.replace('-', ' ')}” to “{FACETS[facet].text}” "
                           "no longer fits what is left, so it was set aside.")
            continue
        label = _label_of(facet, value, candidates, facts)
        candidates = applied
        kept_answers.append((facet, value))
        answers.append(Answer(facet, FACETS[facet].name, value, label, State()))
    state = replace(state, answers=tuple(kept_answers))
    answers = [replace(a, change=state.without(a.facet)) for a in answers]

    tried_titles = []
    for article_id in state.tried:
        found = facts.get(article_id)
        tried_titles.append((article_id, found.title if found else article_id))
    remaining = [c for c in candidates if c.id not in state.tried]
    if state.tried and remaining:
        _normalise(remaining)
    result = Step(state, remaining, answers=answers, notices=notices, from_paste=from_paste,
                  tried=tried_titles)
    if state.end == "fixed" and state.article:
        article = source.article(state.article)
        if article is not None:
            result.fix = _fix(source, state, article, remaining)
            return result
    if not query.strip():
        return result

    if state.article:
        article = source.article(state.article)
        if article is None:
            notices.append(f"There is no article {state.article} any more; "
                           "here is the best match instead.")
            state = replace(state, article=None, step=1, at=None, section=None)
            result.state = state
        else:
            tree = source.tree(article)
            if state.section and state.section not in {s.anchor for s in article.sections}:
                notices.append("That section of the article no longer exists; "
                               "here is the article's fix from the start.")
                state = replace(state, section=None, step=1)
                result.state = state
            if state.at and (tree is None or state.at not in tree.nodes):
                notices.append("That step of the fix no longer exists; "
                               "starting the fix from its first step.")
                state = replace(state, at=None)
                result.state = state
            steps = fix_steps(article, state.section) if tree is None or state.section else []
            if steps and state.step > len(steps):
                notices.append(f"The article has {len(steps)} steps; showing the last one.")
                state = replace(state, step=len(steps))
                result.state = state
            result.fix = _fix(source, state, article, remaining)
            lead = facts.get(article.id) or facts_of(article)
            result.reasons = reasons_for(article, lead, query, answers)
            if state.end == "dead-end":
                result.dead_end = True
            return result

    if not remaining or state.end == "dead-end":
        result.dead_end = True
        return result

    asked = {facet for facet, _ in state.answers} | paste_facets
    asked.discard(state.ask or "")
    if not _stands_out(remaining) and len(answers) < MAX_QUESTIONS:
        chosen = _choose_question(remaining, facts, asked, state.ask,
                                  {c.upper() for c in pasted})
        if chosen is not None:
            result.question = _question(chosen[0], state, remaining, facts, pasted)
    leader = source.article(remaining[0].id)
    if leader is not None:
        result.reasons = reasons_for(leader, facts[leader.id], query, answers)
        if result.question is None:
            result.fix = _fix(source, state.at_fix(leader.id), leader, remaining)
    return result


def summary_text(result: Step, step_label: str = "") -> str:
    """The path so far as plain text a person pastes into a help-desk ticket."""
    lines = [f"Entered: {result.state.query}"]
    for name, value in result.from_paste:
        lines.append(f"From the paste: {name}: {value}")
    for answer in result.answers:
        lines.append(f"{answer.name}: {answer.label}")
    for article_id, title in result.tried:
        lines.append(f"Tried {article_id} ({title}): every step, not fixed")
    if result.fix is not None and result.fix.article.id not in result.state.tried:
        fix = result.fix
        where = step_label or (f"step {fix.current.number} of {len(fix.steps)}" if fix.current
                               else f"“{clip(fix.node.text, 70)}”" if fix.node else "")
        lines.append(f"Tried {result.fix.article.id} ({result.fix.article.title})"
                     + (f": up to {where}" if where else ""))
    return "\n".join(lines)


def answers_text(state: State) -> str:
    return "; ".join(f"{facet}={value}" for facet, value in state.answers)


RANK_CACHE_SECONDS = 60.0
_FACTS: dict[tuple[int, str], Facts | None] = {}
_TEXTS: dict[tuple[int, str], str] = {}
_RANKED: dict[tuple[int, str, int], tuple[float, list[tuple[str, float]]]] = {}


class KnowledgeSource:
    """A `Source` over a built index: `app.search.rank` and the article store, with
    authored trees read from beside the article files under `kb_dir`."""

    def __init__(self, kb, kb_dir: Path | None = None, trees: TreeCache | None = None) -> None:
        from app.search.results import (
            rank,  # whoosh, but no Flask: kept out of the pure core's import
        )

        self._rank = rank
        self.kb = kb
        self.kb_dir = Path(kb_dir) if kb_dir else None
        self.trees = trees or TreeCache()
        self._articles: dict[str, Article | None] = {}

    def rank(self, text: str, limit: int) -> list[tuple[str, float]]:
        # Every step of a session ranks the same text again: remember it briefly.
        key = (id(self.kb), text, limit)
        now = time.monotonic()
        hit = _RANKED.get(key)
        if hit is not None and now - hit[0] < RANK_CACHE_SECONDS:
            return hit[1]
        ranked = self._rank(self.kb, text, limit)
        if len(_RANKED) >= 512:
            _RANKED.clear()
        _RANKED[key] = (now, ranked)
        return ranked

    def article(self, article_id: str) -> Article | None:
        if article_id not in self._articles:
            self._articles[article_id] = self.kb.store().get(article_id)
        return self._articles[article_id]

    def facts(self, article_id: str) -> Facts | None:
        # Facts of an article are the same for every request until the index changes:
        # remember them per store (a new index generation is a new store).
        key = (id(self.kb.store()), article_id)
        if key in _FACTS:
            return _FACTS[key]
        found = self.article(article_id)
        facts = facts_of(found) if found is not None else None
        if len(_FACTS) >= 20_000:
            _FACTS.clear()
        _FACTS[key] = facts
        return facts

    def quoting(self, article_ids: list[str], phrase: str) -> set[str]:
        """Which of these articles quote `phrase` (normalised) word for word. The store
        first keeps those whose stored text holds its longest words at all (one query,
        no JSON parsed), then each of those is checked properly."""
        if not article_ids:
            return set()
        words = sorted(set(phrase.split()), key=len, reverse=True)[:4]
        marks = ",".join("?" * len(article_ids))
        sql = (f"SELECT id FROM articles WHERE id IN ({marks})"
               + " AND instr(lower(data), ?) > 0" * len(words))
        maybe = [row[0] for row in self.kb.store().db.execute(sql, [*article_ids, *words])]
        return {article_id for article_id in maybe if phrase in self.text(article_id)}

    def text(self, article_id: str) -> str:
        """The normalised text a pasted message is looked for in (cheaper than facts)."""
        key = (id(self.kb.store()), article_id)
        if key in _FACTS and _FACTS[key] is not None:
            return _FACTS[key].text
        if key not in _TEXTS:
            found = self.article(article_id)
            if len(_TEXTS) >= 20_000:
                _TEXTS.clear()
            _TEXTS[key] = article_text(found) if found is not None else ""
        return _TEXTS[key]

    def tree(self, article: Article) -> Tree | None:
        if self.kb_dir is None or not article.source_path:
            return None
        return self.trees.get(self.kb_dir / article.source_path)


@dataclass
class Coverage:
    """What the wizard can do with each article of a knowledge base."""

    total: int = 0
    by_code: int = 0
    by_message: int = 0
    unreachable: list[str] = field(default_factory=list)   # nothing a paste could match
    no_steps: list[str] = field(default_factory=list)      # found, but no fix to walk


def coverage(articles: Iterable[Article]) -> Coverage:
    """Articles the wizard can never reach: no error code, no quoted message and no
    symptoms to match what a person pastes (only the title's words); and articles it
    reaches but cannot walk through (no resolution, workaround or status)."""
    report = Coverage()
    for article in articles:
        report.total += 1
        report.by_code += bool(article.codes)
        report.by_message += bool(article.messages)
        if not article.codes and not article.messages and not any(
                article.section(name) for name in SYMPTOM_SECTIONS):
            report.unreachable.append(article.id)
        elif not fix_steps(article):
            report.no_steps.append(article.id)
    return report


@dataclass
class CheckReport:
    trees: int
    problems: list[str]
    coverage: Coverage

    def format(self, show: int = 20) -> str:
        cover = self.coverage

        def listed(ids: list[str]) -> str:
            return f"{len(ids)}" + (f", e.g. {' '.join(ids[:show])}" if ids else "")

        return "\n".join([
            f"authored trees: {self.trees} checked, {len(self.problems)} problems",
            *(f"  {problem}" for problem in self.problems),
            f"articles: {cover.total}; with an error code {cover.by_code}, with a quoted "
            f"message {cover.by_message}",
            f"never reached by the wizard (no code, no message, no symptoms): "
            f"{listed(cover.unreachable)}",
            f"reached but no steps to walk (no resolution, workaround or status): "
            f"{listed(cover.no_steps)}",
        ])


def check_knowledge_base(kb_dir: Path, store) -> CheckReport:
    """`flask --app app check`: every authored tree (targets, loops, reachability) and
    the wizard's coverage of the articles in `store` (an `ArticleStore`)."""
    paths = {path: state.article_id for path, state in store.file_states().items()}

    def sections_of(path: str) -> list[str] | None:
        found = store.get(paths[path]) if paths.get(path) else None
        return [section.anchor for section in found.sections] if found else None

    trees, problems = check_trees(kb_dir, sections_of,
                                  lambda article_id: store.path_of(article_id) is not None)
    rows = store.db.execute("SELECT data FROM articles ORDER BY id")
    return CheckReport(trees, problems,
                       coverage(article_from_dict(json.loads(row[0])) for row in rows))
