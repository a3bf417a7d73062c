"""What a person sees, as an article quotes it: the messages on their screen, whole
(what happens to them, in a sentence, is symptoms.py). These are what the wizard offers
as options, so each is read strictly: a title, a path, a line of code, a registry value,
an event-log entry or a cut fragment is never offered as something a person sees.

Measured by hand on a random sample of the options shown (benchmarks/option_sample.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.articles.ids import ID_DIGITS
from app.articles.model import Article, Section
from app.markup.blocks import Block

MESSAGE_CHARS = 150      # a longer message is offered by its first sentences, if whole
MAX_MESSAGES = 3

# A paragraph whose last sentence introduces the message a person sees on screen:
# "you receive the following error message:", "an error message similar to the
# following appears when you log on:", "the following dialog box is displayed:".
SCREEN_WORDS = re.compile(
    r"\b(error messages?|messages?|errors?|warnings?|dialog box(es)?|message box(es)?|"
    r"blue screen|non-delivery report|NDR|prompt(ed)?|(is|are) displayed|appears?)\b", re.I)
NOT_ON_SCREEN = re.compile(
    r"\b(event logs?|event viewer|application log|system log|security log|log files?|"
    r"\w+\.(log|txt|ini|bat|sys)|logged|logs|registry|knowledge base|web site|world wide web|"
    r"internet location|download|type the following|the following (key|value|subkey|line|"
    r"lines|code|command|commands|entry|entries|section|files?|folder|articles?|steps?|"
    r"methods?)|(sample|example) code|code (sample|example)|syntax|script|output)\b", re.I)
# A list of what makes the message appear is no list of messages: "The error messages
# occur under both of the following conditions:" (but "If all of the following
# conditions are true, you receive the following error message:" leads to one).
CONDITIONS = re.compile(r"(\bthe following (conditions?|causes?|reasons?|situations?|"
                        r"circumstances?|scenarios?|cases?|configurations?|settings?|features?|"
                        r"components?|actions?|tasks?|issues?)(\s+(is|are|exists?|appl(y|ies)|"
                        r"occurs?|true|met))*|\bdoing (one|any|all|both) of the following)"
                        r"\s*:?\s*$", re.I)
ALTERNATIVE = re.compile(r"^\s*(-?\s*or\s*-?|and)\s*:?\s*$", re.I)
# Quoted in a sentence: `you receive the error message "Access is denied."`.
QUOTED_AFTER_CUE = re.compile(
    r"\b(?:message|error|warning|states|says|reads|displays|prompt)\b[^\"“]{0,30}"
    r"[\"“]([^\"”]{6,300})[\"”]", re.I)

# Whatever is not a message as a person sees it on screen.
EVENT_LOG = re.compile(
    r"(^(\w+ )?Event \d+\b)|\b(Event ?ID|Event Category|Event Type|Source\s*:|Category\s*:|"
    r"Type\s*:|Description\s*:|Computer\s*:|User\s*:|Date\s*:|Time\s*:)|^\d+:\s+MSExchange|"
    r"\[[A-Z /]+\d+\] \(\d+\)$", re.I)
REGISTRY = re.compile(r"\b(HKEY_|HKLM\b|HKCU\b|REG_(SZ|DWORD|BINARY|MULTI_SZ|EXPAND_SZ)\b|"
                      r"Value name|Value data|Data type\s*:)", re.I)
CODE_LINE = re.compile(
    r"(^\s*[\w.$\[\]]+\s*=|[;{}]\s*$|^\s*(Dim|Private Sub|Public Sub|Sub|Function|Declare|"
    r"#include|#define|SELECT|INSERT|DEVICE|COPY|DEL|ECHO|NET USE|REM)\b|\w\([^)]*\)\s*;|"
    r"&\s*\w+\s*&|==|!=|//|/\*|;;|\bSELECT\b.*\bFROM\b|quotation marks|\w:\w+:\w|\w\(\)|"
    r"\^|\s[*+]\s.*=|--.*--|\.\.\.\S|\.\.\.\s\w|\bMessage Box:|\s-or-\s|"
    r"(\d{1,3}\.){3}\d{1,3}.*(\d{1,3}\.){3}\d{1,3}|</\w+>)")
REPEATED = re.compile(r"(?<!\S)(\S+(?: \S+){2,}) \1(?!\S)")     # a dialog's title read twice
# A message's template, as an event log or a resource file holds it: the screen shows
# the drive, file or site in place of "%1".
TEMPLATE = re.compile(r"%[1-9](?!\d)")
PATH_TOKEN = re.compile(r"(^[A-Za-z]:\\|^\\\\|^%\w+%|\\)")
REFERENCE = re.compile(rf"^(Q{ID_DIGITS}\b|ARTICLE-ID|TITLE\s*:|https?:|www\.|"
                       r"for more information|see\b|how to\b|howto\b)", re.I)
CUT = re.compile(r"(\.\.\.|…|[,;(&\-/]|\b(and|or|the|a|an|of|to|for|with|in|on|by|from|"
                 r"is|are|that|this|was|if|when|as|by another|because|but|than|which|"
                 r"whose|your|their)|:)\s*$", re.I)
# A line that starts the way no message does: a fragment ("reference to an array"),
# a dash or a bracket (a compiler's and a few programs' messages excepted).
ODD_START = re.compile(r"^-(?!\d)|^[(/>;]|^[a-z](?!\S*\.)(?!rror|atal|arning)|^\d\s+[A-Z]|"
                       r".*\b([Yy]ou receive|[Tt]he following)\b")
# A mail's header, a POP3 server's greeting, a command prompt's transcript, a lone
# address, a book's title, a web server's trace line or status line ("HTTP/1.1 500
# Server Error"), lists of numbered messages or log entries run together ("51: The
# remote computer is not available. 53: ...", "Error 640 - ERROR_NETBIOS_ERROR Error
# 650 - ..."), a configuration file's directives ("#BEGIN_INCLUDE #INCLUDE ...").
NOT_A_SCREEN = re.compile(
    r"\b(From|Sent|To|Subject|Cc):.*\b(From|Sent|To|Subject|Cc):|^\+OK\b|^[A-Z]:\\\S*>|^\S+$|"
    r"\b(Messages|Guide|Reference|Tutorial|Manual)$|\w+ messages \(|"
    r"\b(GET|POST|HEAD|PUT) /\S|^HTTP/\d|"
    r"(^|\s)[A-Z]{0,4}\d{2,}: [A-Z].*\s[A-Z]{0,4}\d{2,}: [A-Z]|"
    r"(^|\s)(\w+ )?\d{2,}(\([\d,]+\))? - .*\s(\w+ )?\d{2,}(\([\d,]+\))? - |"
    r"(^|\s)#[A-Z_]{3,}\b.*\s#[A-Z_]{3,}\b|"
    # ...an INI file's section and its lines ("[mci] CDAudio=mcicda.drv"), a formula
    r"^\[[\w ]+\]\s+\w+\s*=|^\[\(")
# What the article wrote around the message, not on the screen: its "Error Msg:" tag,
# where the message shows ("Windows NT:", "From Windows 95", "A MAC client:"), its note
# on where it applies ("(MSN 2.5 only)", "(IIS 4.0 Error Message)"), and what it goes
# on to say about it ("... not defined This error is for: Private Property Set ...").
_SYSTEM = r"(Windows (\d\.\w+|95|98|NT|Me|2000|for Workgroups( \d\.\w+)?)|MS-DOS|Macintosh)"
ARTICLE_TAG = re.compile(
    rf"^((Err(or)?\s*Msg|Error (message|text))\s*:|{_SYSTEM}\s*:(?=\s+[A-Z])|"
    rf"From {_SYSTEM}\s*:?(?=\s+[A-Z])|(An?|The) [\w.-]+( [\w.-]+){{0,4}} client\s*:)\s*",
    re.I)
# "... occurred. Or The password you specified ...": the first of two messages.
OR_NEXT = re.compile(r"(?<=[.!?])\s+-?(or|Or|OR)-?\s+(?=[A-Z])")
ARTICLE_AFTER = re.compile(r"\s+(This|The above) (error|message) (is for|occurs|appears|means|"
                           r"is (displayed|returned|generated))\b.*$|"
                           r"\s+\(?where (<[^>]+>|[a-z]:?|#) (is|are)\b.*$|"
                           r"\s*\((number may vary|most common)\)")
# What the article says about a message, or tells the reader to do, and no screen
# shows: '"File not found" error on a file you know exists', 'While the exception
# number may vary, 0E is the most common.', '80070003 "Path not found error"', 'If your
# hard disk controller is WD1003 compatible, enable 32-bit disk access.', 'In the
# Install From Disk dialog box, click the Browse button'.
ARTICLE_PROSE = re.compile(
    r"^[\"“][^\"”]+[\"”] (error|message)\b|\bmay vary\b|^<[^>]+> is the (name|file)\b|"
    r"^\S+ is an? \w+, such as\b|"
    r"^(0x)?[0-9A-F]{6,}\s+[\"“][^\"”]+[\"”]$|"
    r"^If\b[^,]*,\s*(enable|disable|use|select|install|remove|make sure|check)\b|"
    r"^(In|On) the .{0,60}(dialog box|tab|menu|window),\s*(click|type|select)\b|"
    # ...or whom the message below is for: 'If a Windows 95 client: "The domain ..."'
    r"^(If|For) (an? |the )?[\w ]{1,30}:\s")
ARTICLE_NOTE = re.compile(r"\s*\(((?![^()]*\bread[- ]only\))[^()]*\bonly|[^()]*\berror message)\)"
                          r"(?=[.!?]?$)", re.I)
# A blue screen: its code and parameters are what the person sees.
STOP_SCREEN = re.compile(r"^\*{0,3}\s*STOP:?\s+0x[0-9A-F]{1,8}\b", re.I)
# A title's tag: "XCLN: ErrMsg: ...", "PRB: ...".
TAG_LINE = re.compile(r"^(PRB|FIX|INFO|BUG|DOC|HOWTO|SAMPLE|X[A-Z]{3}|OFF\d*|WD\d*|XL\d*|"
                      r"ACC\d*|PPT\d*|OL\d*|FP\d*|W2K|WIN\d*):\s")


# Ends of words that do not end a sentence: "Dr. Watson", "U.S. English", "Plus!".
ABBREVIATION = re.compile(r"(\b(Dr|Mr|Mrs|Ms|No|vs|Inc|Corp|Ltd|etc|e\.g|i\.e)\.|\b[A-Z]\.[A-Z]\.|"
                          r"\bPlus!)$")


def sentences(text: str) -> list[str]:
    """`text`'s sentences, whitespace collapsed; an abbreviation ends none."""
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split())):
        if out and ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def shown_messages(article: Article) -> list[str]:
    """The messages the article says a person sees, whole, in the order quoted: the
    author's own (front matter) first, then those its text quotes after a cue."""
    text = " ".join(" ".join(s.text.split()) for s in article.sections)
    found = [m for m in article.messages if " ".join(m.split()) not in text]
    for section in article.sections:
        found.extend(_quoted_in(section))
    out: list[str] = []
    for message in found:
        message = as_shown(message)
        if message and message.lower() not in {m.lower() for m in out}:
            out.append(message)
    return out[:MAX_MESSAGES]


def _quoted_in(section: Section) -> Iterator[str]:
    """The text after each cue: the preformatted box, each item of a list of messages,
    or the quotation in the cue's own sentence."""
    cue: Block | None = None
    for block in section.blocks:
        if block.kind == "para" and ALTERNATIVE.match(block.text) and cue is not None:
            continue
        if cue is not None and block.kind == "pre":
            boxes = [box for box in re.split(r"\n\s*\n|\n\s*-?or-?\s*\n", block.text)
                     if box.strip()]
            plural = re.search(r"messages|one of the following|errors\b", cue.text, re.I)
            yield from boxes if plural else [" ".join(boxes)]
        elif cue is not None and block.kind == "bullets" and re.search(
                r"messages|one of the following", cue.text, re.I):
            yield from block.items
        if block.kind == "para":
            yield from _quotations(block.text)
        cue = block if block.kind == "para" and _is_cue(block.text) else None


def _is_cue(text: str) -> bool:
    last = sentences(text)[-1] if text.strip() else ""
    return ((last.endswith(":") or bool(re.search(r"\b(following|similar to)\b", last, re.I)))
            and bool(SCREEN_WORDS.search(last)) and not NOT_ON_SCREEN.search(last)
            and not CONDITIONS.search(last))


def _quotations(text: str) -> Iterator[str]:
    for sentence in sentences(text):
        if SCREEN_WORDS.search(sentence) and not NOT_ON_SCREEN.search(sentence):
            yield from QUOTED_AFTER_CUE.findall(sentence)


def as_shown(message: str) -> str:
    """`message` as an option, or "" when it is not something a person sees on screen.

    A message longer than MESSAGE_CHARS is offered by its first sentences when they
    end a sentence (what the dialog says first), never cut mid-way."""
    message = _unquoted(" ".join(message.split()))
    # The article's words around it may sit inside its quotation marks or outside them.
    message = _unquoted(ARTICLE_NOTE.sub("", ARTICLE_AFTER.sub("", ARTICLE_TAG.sub("", message))))
    message = OR_NEXT.split(message)[0]
    if len(message) > MESSAGE_CHARS:
        message = _leading_sentences(message, MESSAGE_CHARS)
    if not message or not _reads_as_message(message):
        return ""
    return message


def _unquoted(message: str) -> str:
    if len(message) > 2 and message[0] in "\"“'" and message[-1] in "\"”'":
        return message[1:-1].strip()
    return message


def _leading_sentences(text: str, limit: int) -> str:
    out = ""
    for sentence in sentences(text):
        if len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    return out if out.endswith((".", "!", "?")) else ""


def _reads_as_message(message: str) -> bool:
    words = re.findall(r"\b[A-Za-z][a-z]{2,}\b", message)
    stop = STOP_SCREEN.match(message)
    # A last word of one letter ("... not valid for this service b."): cut mid-word.
    if (len(words) < 2 and not stop) or len(message) < 6 or re.search(r"\s[a-z]\.$", message):
        return False
    if (EVENT_LOG.search(message) or REGISTRY.search(message) or CODE_LINE.search(message)
            or REFERENCE.match(message) or CUT.search(message) or TAG_LINE.match(message)):
        return False
    if (_unbalanced(message) or ODD_START.match(message) or NOT_A_SCREEN.search(message)
            or _only_names(message) or REPEATED.search(message) or TEMPLATE.search(message)
            or ARTICLE_PROSE.search(message)):
        return False
    tokens = message.split()
    paths = sum(1 for token in tokens if PATH_TOKEN.search(token))
    if paths * 2 >= len(tokens):
        return False
    # A table or a listing: many numbers and few words.
    numbers = len(re.findall(r"\b\d[\d,.:/-]*\b", message))
    return numbers <= len(words) or bool(stop)


def _only_names(message: str) -> bool:
    """A name and nothing said about it ("Microsoft Exchange Server", "English
    (Australian)", "HP DeskJet 660C version 6.1d"): no lower-case word but its
    version, no sentence, no word of trouble."""
    said = [w for w in re.findall(r"\b[a-z]{3,}\b", message)
            if w not in ("for", "and", "the", "with", "from", "into")]
    return ((not said or bool(re.search(r"\bversions? \d[\w.]*$", message)))
            and not message.endswith((".", "!", "?")) and not TROUBLE.search(message))


TROUBLE = re.compile(r"\b(error|errors|fail\w*|not|invalid|cannot|can't|unable|denied|bad|"
                     r"missing|wrong|exception|violation|abort\w*|fatal|illegal|full|busy|"
                     r"unavailable|unknown|unexpected|overflow|corrupt\w*|incorrect)\b", re.I)


def _unbalanced(message: str) -> bool:
    """A quotation or a bracket opened and not closed: cut from a longer text."""
    quotes = len(re.findall(r"(?<![A-Za-z])'|'(?![A-Za-z])", message))
    return (message.count('"') % 2 == 1 or quotes % 2 == 1
            or message.count("(") != message.count(")")
            or message.count("[") != message.count("]"))
