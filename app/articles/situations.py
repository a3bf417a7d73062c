"""When a problem happens, as an article's title says it: "When you run Outlook",
"After you install Intel Pro/100 network adapter", "During upgrade", "Using ODBC".
The wizard asks "Which of these matches when it happens?" with them.

Many articles share a message or a code and differ only in the situation their title
names; a person knows what they were running, installing or using when it happened.
Read strictly, as symptoms.py reads sentences: a clause that goes on to say what
fails ("With Long Names Stops Netscape"), a cut title, a cause ("If the log is
missing") or a title that names no problem (a how-to, a list, a readme) is no option.

Measured by hand on a random sample of the options shown (benchmarks/option_sample.py).
"""

from __future__ import annotations

import re
from itertools import pairwise

# "XADM:", "WD97:", "FIX:", "Err Msg:" and the like before the title proper.
TAG = re.compile(r"^(\s*(?:[A-Z][A-Za-z0-9&/ .+-]{0,14}|err(or)? (msg|message)):\s*)+", re.I)
# Titles that name no problem, so no situation of one.
NO_PROBLEM = re.compile(r"^(how ?to|info|howto|list of|readme|frequently asked|description of|"
                        r"overview|sample|whitepaper|white paper|additional information)\b"
                        r"|\breadme\b|\bservice pack \d+ (is )?available\b", re.I)
SITUATION = re.compile(r"\b(when|while|during|after|using|with)\s+(?=\S)", re.I)
# A clause that goes on to say what happens is part of the problem, not its situation.
SAYS_WHAT_HAPPENS = re.compile(
    r"\b(not|no|does|doesn't|do|don't|can|cannot|can't|may|might|"
    r"will|won't|isn't|aren't|stops?|fails?|causes?|crash(es)?|hangs?|returns?|generates?|"
    r"logs?|appears?|occurs?|gets?|results?|requires?|needs?|overwrites?|overwritten|works?|"
    r"shows?|unreadable|unsupported|incompatible|disabled|produces?|displays?|reports?|"
    r"prevents?|breaks?|loses?|err(or)?s?|incorrect(ly)?|wrong|slow|event id|events?)\b", re.I)
# A cause the person cannot see ("With badly encoded X.400 message", "With invalid
# property name", "With parameters 4 and 1").
CAUSE = re.compile(r"\b(invalid|badly|malformed|corrupt\w*|damaged|bad|parameters?)\b", re.I)
# Clauses that tell a person nothing: "With Windows" (on Windows, every article is), a
# clause ending on a word that leads somewhere it never gets ("When Proxy server is"),
# a status code ("With 403 Access Forbidden").
NOTHING_TOLD = re.compile(
    r"(?i:^\w+ windows( \d[\d.x]*)?$|^\w+ [45]\d\d (access|error|not|forbidden|internal|bad)\b)"
    r"|(?<![\w-])([Ii]s|[Aa]re|[Ww]as|[Bb]e|[Tt]he|an?|An|[Oo]f|[Tt]o|[Aa]nd|[Oo]r|[Ff]or|"
    r"[Ff]rom|[Aa]s|[Aa]t|[Ii]ts|[Yy]our)$")
MIN_WORDS, MAX_WORDS = 2, 9
CUT_AT = 64              # the archive cuts titles at 64 characters...
CUT_TITLE = 60           # ...so a title this long may end on a cut word


def situation_option(title: str, text: str) -> str:
    """The situation the title names, cased as the article's text writes its words
    ("" when the title names none a person would recognise)."""
    if NO_PROBLEM.search(title) or title.rstrip().endswith("...") or len(title) >= CUT_AT:
        return ""
    # The loader has already turned the archive's entities ("&quot;") into characters.
    title = TAG.sub("", title).strip()
    if NO_PROBLEM.search(title) or '"' in title:
        return ""
    found = next((m for m in SITUATION.finditer(title) if m.start() >= 8), None)
    if found is None:
        return ""
    clause = title[found.start():].strip(" .")
    words = clause.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or SAYS_WHAT_HAPPENS.search(clause) \
            or CAUSE.search(clause) or NOTHING_TOLD.search(clause) \
            or re.search(r"[:;()\[\]…]|\.\.", clause):
        return ""
    if len(title) >= CUT_TITLE and _cut_short(words[-1], text):
        return ""
    written = [_as_written(word, text, after) for after, word in pairwise(words)]
    # "With a large number of sites" names nothing a person set up; "With the Exabyte
    # EXB-8505" and "When you print" do.
    if words[0].lower() == "with" and not any(w[:1].isupper() or w[:1].isdigit() for w in written):
        return ""
    return " ".join([words[0].capitalize(), *written])


def _cut_short(last: str, text: str) -> bool:
    """A title cut at the archive's limit ends on a letter or a word piece the article
    never writes ("When You Run Outl", "After You Apply S")."""
    return len(last) < 2 or not re.search(rf"(?<!\w){re.escape(last)}(?!\w)", text, re.I)


def _as_written(word: str, text: str, after: str) -> str:
    """A title-cased word as the article's prose writes it: "network", but "Outlook"
    (and what "you" do is a verb: "you install")."""
    if word == "You" or after.lower() == "you":
        return word.lower()
    if not word[:1].isupper() or word.isupper() or not word[1:].islower():
        return word
    lower = word.lower()
    written_lower = len(re.findall(rf"(?<![\w.]){re.escape(lower)}(?!\w)", text))
    # Capitalised in the middle of a sentence: a name ("click Quit", "Microsoft Word").
    written_upper = len(re.findall(rf"(?<=[a-z,] ){re.escape(word)}(?!\w)", text))
    if written_lower > written_upper:
        return lower
    # A word the article never writes again: a verb form is no name ("When Stopping").
    if not written_upper and re.search(r"(ing|ed)$", lower):
        return lower
    return word
