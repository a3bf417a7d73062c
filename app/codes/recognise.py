"""Recognise and canonicalise the error codes written in KB articles and typed by users.

The same error reaches us in many spellings: `0x800ccc90`, `800CCC90`, `-2146644848` and
`0x800CCC90L` are one HRESULT; `Stop 0x7B`, `STOP: 0x0000007B` and `INACCESSIBLE_BOOT_DEVICE`
are one bug check. Codes drive ranking, so each spelling maps to ONE canonical, URL-safe form
(`0x800CCC90`, `STOP-0x0000007B`, `ERROR-1603`, `EVENT-13005`, `MAPI_E_LOGON_FAILED`...).

Article text is matched strictly, because the archive is full of hexadecimal that is not an
error: stack traces, register and memory dumps, disassembly, registry values, STOP parameter
lists. A value must look like a code by form (a 32-bit value with the severity bit set, in a
plausible facility) or stand next to a word such as "error" or "code". What a user types is
matched more liberally (`codes_in_query`): a query is short and written on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.codes.tables import BUGCHECK_BY_NAME, hex_form, stop_form

# --- what counts as a plausible value -----------------------------------------------------


def _plausible_hresult(value: int) -> bool:
    """A 32-bit value with the severity bit set that is shaped like an HRESULT or NTSTATUS.

    0x800000xx are HKEY_* constants, flag masks and integer limits, not errors; a value with
    an empty code (0x80040000) is a base or mask; an HRESULT facility beyond the assigned
    range is more likely a kernel address.
    """
    if value < 0x80000000 or value > 0xFFFFFFFF or value & 0xFFFF == 0:
        return False
    if value >> 28 == 0x8:
        return value >= 0x80000100 and (value >> 16) & 0x7FF <= 0x50
    return value >> 28 == 0xC and (value >> 16) & 0xFFF <= 0x120


# --- strict patterns for article text ------------------------------------------------------

_H = "[0-9A-Fa-f]"
# A word just before a value that makes it an error code rather than a number or address.
_CONTEXT = re.compile(
    r"\b(?:error|err|errors|code|codes|status|hresult|hr|scode|exception|returns?|returned|"
    r"fail(?:s|ed|ure)?(?:\s+with)?|id\s+no\.?|query\s+words)\b[^\n.;]{0,12}$",
    re.IGNORECASE,
)
_ADDRESS_BEFORE = re.compile(
    r"(?:\b(?:address|at|eip|esp|ebp|base|-b)\s*[:=]?\s*[\"']?|[\[+]|!\w+)\s*$", re.IGNORECASE
)
# A parenthesised list of two or more hexadecimal numbers: STOP parameters or call arguments.
_PARAM_LIST = re.compile(
    rf"\(\s*(?:0[xX])?{_H}{{1,8}}(?:(?:\s*,\s*|\s+)(?:0[xX])?{_H}{{1,8}})+\s*,?\s*\)"
)
_HEXWORD = re.compile(rf"^{_H}{{4,}}$")

_STOP = re.compile(
    r"(?<![\w-])(?P<word>stop|bug\s?check)(?:\s+(?:error|message|code))?\s*:?\s*(?:\*+\s*)?"
    rf"(?P<x>0[xX])?(?P<v>{_H}{{1,8}})(?!\w|\.\w)",
    re.IGNORECASE,
)
_HEX0X = re.compile(rf"(?<![\w.$#&%-])0[xX](?P<v>{_H}{{1,8}})L?(?!\w|\.\w)")
_VBHEX = re.compile(rf"(?<![\w])&[hH](?P<v>{_H}{{8}})&?(?!\w|\.\w)")
_BARE = re.compile(rf"(?<![\w.:=\\/!$#&+-])(?P<v>[8Cc]{_H}{{7}})(?!\w|[.:=]\w|[\[(])")
_NEGATIVE = re.compile(r"(?<![\w.-])-(?P<v>21[0-4]\d{7}|10[0-7]\d{7})(?!\w|\.\w)")
_RUNTIME = re.compile(
    r"\brun-?\s?time\s+error\s*(?:number\s*)?[:#]?\s*['\"]?(?P<v>-?\d{1,10})(?!\w|\.\d|/)",
    re.IGNORECASE,
)
_NUMBERED_ERROR = re.compile(
    r"\berror(?:\s+(?:number|no\.?|num|code)(?=[\s:#.]))?(?:[ \t]*[:#=][ \t]*|\s+)"
    r"(?P<v>(?<=\s)-\d{1,6}|\d{1,6})\b"
    r"(?![.,]\d|/|-bit|\s*%|\s*(?:bytes|KB|MB|seconds|minutes|times)\b)",
    re.IGNORECASE,
)
_EVENT = re.compile(
    r"\bevent(?P<id>\s+ids?)?(?:\s*(?:number|no\.?))?\s*[:#=]?\s*(?P<v>\d{1,5})\b"
    r"(?P<more>(?:\s*(?:,|and|or|&|/)\s*(?:and\s+|or\s+)?\d{1,5}\b)*)(?![.,]\d)",
    re.IGNORECASE,
)
_ASP = re.compile(r"\bASP\s+(?P<v>\d{4})\b")
_HTTP = re.compile(
    r"\bHTTP(?:/1\.[01])?\s+(?:error\s+|status\s+)?(?P<v>[45]\d\d)\b(?:\.\d{1,2}\b)?",
    re.IGNORECASE,
)
_COMPILER = re.compile(
    r"\b(?:error|warning)\s+(?P<v>(?:C|U|A|RC|CS|LNK|CVT|LIB)\d{4}|BC\d{5})\b", re.IGNORECASE
)
_BARE_TOOL = re.compile(r"\b(?P<v>LNK\d{4}|R60\d\d|C[1-4]\d{3}(?=:))\b")
_TYPED_TOOL = re.compile(r"\b(?P<v>LNK\d{4}|R60\d\d|C[1-4]\d{3})\b", re.IGNORECASE)
SYMBOL = re.compile(
    r"(?<![\w])(?P<v>[A-Z][A-Z0-9]*_[EW]_[A-Z0-9_]*[A-Z0-9]"
    r"|E_(?:FAIL|NOTIMPL|OUTOFMEMORY|NOINTERFACE|INVALIDARG|UNEXPECTED|ACCESSDENIED|POINTER"
    r"|HANDLE|ABORT|PENDING)"
    r"|(?:ERROR|STATUS|RPC_[SX]|NERR|[A-Z]{2,4}ERR)_[A-Za-z0-9_]*[A-Za-z0-9]"
    r"|WSA(?:E[A-Z]+|HOST_NOT_FOUND|TRY_AGAIN|NO_RECOVERY|NO_DATA|NOTINITIALISED"
    r"|SYSNOTREADY|VERNOTSUPPORTED)"
    r"|JET_(?:err|ERR)[A-Za-z0-9]+"
    rf"|{'|'.join(sorted(BUGCHECK_BY_NAME, key=len, reverse=True))})(?![\w])"
)
# Names that are success values or MAPI/INF flags, not errors.
_NOT_ERRORS = re.compile(
    r"^(?:ERROR_(?:SUCCESS|NONE|LEVEL)|STATUS_(?:SUCCESS\w*|DEFAULT|RECEIVED|FAILED|USERCANCEL"
    r"|REBOOT|\w*STORE\w*|\w*IDENTITY\w*))$"
)
# Cheap pre-checks: a match of the full pattern needs one of these.
_BARE_HINT = re.compile(rf"[8Cc]{_H}{{7}}")
_TOOL_HINT = re.compile(r"(?i:LNK|R60|C[1-4])\d")
_ASP_TYPED = re.compile(r"\basp\W+(?:error\W+)?(\d{4})\b", re.IGNORECASE)
_POP3 = re.compile(r"(?<![\w-])-ERR\b[ \t:]*(?P<msg>[^'\"]{1,300})")


@dataclass(frozen=True)
class CodeMention:
    """One code in a text: offsets for linking it in rendered text, and its canonical form."""

    start: int
    end: int
    canonical: str


def _context_before(text: str, start: int) -> bool:
    return bool(_CONTEXT.search(text[max(0, start - 40) : start]))


def _neighbour_is_hex(text: str, start: int, end: int) -> bool:
    """A value next to another hex word is a dump, a stack trace or disassembly."""
    before = text[max(0, start - 24) : start].rstrip(" \t,").split()
    after = text[end : end + 24].lstrip(" \t,").split()
    words = ([before[-1]] if before and text[start - 1] in " \t," else []) + after[:1]
    return any(
        _HEXWORD.match(word.strip(",():")) and any(c.isdigit() for c in word) for word in words
    )


def _in_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _hex_mention(
    text: str, match: re.Match[str], params: list[tuple[int, int]], liberal: bool
) -> str | None:
    """Decide whether a written hexadecimal value is an error code, and canonicalise it."""
    digits = match.group("v")
    value = int(digits, 16)
    start, end = match.span()
    if value == 0 or _in_any(params, start, end):
        return None
    if liberal:
        return hex_form(value)
    if _ADDRESS_BEFORE.search(text[max(0, start - 14) : start]) or _neighbour_is_hex(
        text, start, end
    ):
        return None
    if len(digits) == 8 and _plausible_hresult(value):
        return hex_form(value)
    return hex_form(value) if _context_before(text, start) else None


def _bare_mention(
    text: str, match: re.Match[str], params: list[tuple[int, int]], liberal: bool
) -> str | None:
    """Eight hex digits without `0x`: a code only when shaped like one and not in a dump."""
    digits = match.group("v")
    value = int(digits, 16)
    start, end = match.span()
    if not _plausible_hresult(value) or _in_any(params, start, end):
        return None
    if liberal:
        return hex_form(value) if any(c.isdigit() for c in digits) else None
    if _neighbour_is_hex(text, start, end):
        return None
    common_shape = digits[:3] == "800" or digits[:4].upper() == "C000"
    return hex_form(value) if common_shape or _context_before(text, start) else None


def _stop_mention(match: re.Match[str], liberal: bool) -> str | None:
    """`STOP 0x7B`, `STOP 7B`, `Stop: 0x0000000A`; a bare `stop 3` in prose is a verb."""
    digits, word = match.group("v"), match.group("word")
    value = int(digits, 16)
    if value == 0 or not (match.group("x") or any(c.isdigit() for c in digits)):
        return None
    if liberal or match.group("x") or word.isupper() or word.lower().startswith("bug"):
        return stop_form(value)
    has_letter = any(c.isalpha() for c in digits)
    return stop_form(value) if has_letter or len(digits) == 8 else None


def _negative(value: int) -> str | None:
    unsigned = (1 << 32) - value
    return hex_form(unsigned) if _plausible_hresult(unsigned) else None


def _symbol(name: str) -> str | None:
    name = name.upper()
    if _NOT_ERRORS.match(name):
        return None
    if name in BUGCHECK_BY_NAME:
        return stop_form(BUGCHECK_BY_NAME[name])
    return name


def _mentions(text: str, liberal: bool) -> list[CodeMention]:
    """All candidate mentions, then overlaps resolved: earliest start, then longest, wins."""
    # Each pattern runs only where its keyword occurs: a substring test is far cheaper
    # than a regex scan, and most paragraphs hold no code at all.
    lower = text.lower()
    found = [*_hex_mentions(text, lower, liberal), *_numbered_mentions(text, lower, liberal),
             *_named_mentions(text, lower, liberal)]
    found.sort(key=lambda c: (c.start, -c.end))
    kept: list[CodeMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def _mentioned(start: int, end: int, canonical: str | None) -> Iterator[CodeMention]:
    if canonical:
        yield CodeMention(start, end, canonical)


def _hex_mentions(text: str, lower: str, liberal: bool) -> Iterator[CodeMention]:
    """Stop codes, hex values (0x, &H, bare) and HRESULTs written as negative numbers."""
    params = [m.span() for m in _PARAM_LIST.finditer(text)] if "(" in text else []
    if "stop" in lower or "bug" in lower:
        for m in _STOP.finditer(text):
            yield from _mentioned(m.start(), m.end(), _stop_mention(m, liberal))
    for pattern, present in ((_HEX0X, "0x" in lower), (_VBHEX, "&h" in lower)):
        if present:
            for m in pattern.finditer(text):
                yield from _mentioned(m.start(), m.end(), _hex_mention(text, m, params, liberal))
    if _BARE_HINT.search(text):
        for m in _BARE.finditer(text):
            yield from _mentioned(m.start(), m.end(), _bare_mention(text, m, params, liberal))
    if "-21" in text or "-10" in text:
        for m in _NEGATIVE.finditer(text):
            yield from _mentioned(m.start(), m.end(), _negative(int(m.group("v"))))


def _numbered_mentions(text: str, lower: str, liberal: bool) -> Iterator[CodeMention]:
    """Runtime errors, numbered errors, events, ASP and HTTP codes."""
    if "run" in lower:
        for m in _RUNTIME.finditer(text):
            number = int(m.group("v"))
            yield from _mentioned(m.start(), m.end(),
                                  _negative(-number) if number < 0 else f"RUNTIME-{number}")
    if "error" in lower:
        for m in _NUMBERED_ERROR.finditer(text):
            number = int(m.group("v"))
            yield from _mentioned(m.start(), m.end(), f"ERROR-{number}" if number else None)
    if "event" in lower:
        for m in _EVENT.finditer(text):
            if m.group("id") or liberal or len(m.group("v")) >= 3:
                yield CodeMention(m.start(), m.end("v"), f"EVENT-{int(m.group('v'))}")
                if m.group("id"):
                    for more in re.finditer(r"\d+", m.group("more")):
                        yield CodeMention(m.start("more") + more.start(),
                                          m.start("more") + more.end(),
                                          f"EVENT-{int(more.group())}")
    if "asp" in lower:
        asp = re.compile(_ASP.pattern, re.IGNORECASE) if liberal else _ASP
        for m in asp.finditer(text):
            yield CodeMention(m.start(), m.end(), f"ASP-{m.group('v')}")
    if "http" in lower:
        for m in _HTTP.finditer(text):
            yield CodeMention(m.start(), m.end(), f"HTTP-{m.group('v')}")


def _named_mentions(text: str, lower: str, liberal: bool) -> Iterator[CodeMention]:
    """Compiler and linker errors, tool codes and symbolic names (E_FAIL, WSAE...)."""
    if "error" in lower or "warning" in lower:
        for m in _COMPILER.finditer(text):
            yield CodeMention(m.start("v"), m.end(), m.group("v").upper())
    if _TOOL_HINT.search(text):
        for m in (_TYPED_TOOL if liberal else _BARE_TOOL).finditer(text):
            yield CodeMention(m.start(), m.end(), m.group("v").upper())
    if "_" in text or "wsa" in lower:
        upper = text.upper()
        for m in SYMBOL.finditer(upper if liberal and len(upper) == len(text) else text):
            yield from _mentioned(m.start(), m.end(), _symbol(m.group("v")))


def find_codes(text: str) -> list[CodeMention]:
    """Every code mention in article text, in order, strict (precision first)."""
    return _mentions(text, liberal=False)


def codes_in(text: str) -> list[str]:
    """Unique canonical codes in order of first mention (uses find_codes)."""
    return list(dict.fromkeys(mention.canonical for mention in find_codes(text)))


def codes_in_query(query: str) -> list[str]:
    """Codes in what a user typed: more liberal than find_codes.

    A bare `800ccc90`, `0x2AF9`, `stop 0xde`, `error #10053`, `event 1020`, `ASP 0178`,
    `-2146644848`, a symbolic name typed lower-case (`mapi_e_logon_failed`) all count, because
    nobody types a register dump into a search box. Plain words and ordinary numbers (`2000`,
    `98`) do not: a number alone is not enough to be sure it is a code.
    """
    found = _mentions(query, liberal=True)
    typed = [
        CodeMention(m.start(), m.end(), code)
        for m in re.finditer(r"\S+", query)
        if (code := canonical_form(m.group()))
        and not any(f.start < m.end() and m.start() < f.end for f in found)
    ]
    codes = list(dict.fromkeys(m.canonical for m in sorted(typed + found, key=lambda m: m.start)))
    for match in _ASP_TYPED.finditer(query):
        # `ASP error 0113`, the words of an ASP message, is ASP-0113, not error 113.
        asp = f"ASP-{match.group(1)}"
        if asp not in codes:
            wrong = f"ERROR-{int(match.group(1))}"
            codes = [asp if code == wrong else code for code in codes]
            if asp not in codes:
                codes.append(asp)
    return codes


CANONICAL = re.compile(
    rf"^(?:(?P<hex>0x{_H}{{8}})|STOP-(?P<stop>0x{_H}{{8}})|(?P<family>ERROR|RUNTIME|EVENT)-"
    r"(?P<number>-?\d{1,10})|ASP-(?P<asp>\d{4})|HTTP-(?P<http>[45]\d\d))$",
    re.IGNORECASE,
)


def canonical_form(code: str) -> str | None:
    """Recognise a code already in canonical form, in any letter case (URLs get lowercased)."""
    m = CANONICAL.match(code.strip())
    if not m:
        return None
    if m.group("hex"):
        return hex_form(int(m.group("hex"), 16))
    if m.group("stop"):
        return stop_form(int(m.group("stop"), 16)) if int(m.group("stop"), 16) else None
    if m.group("family"):
        return f"{m.group('family').upper()}-{int(m.group('number'))}"
    if m.group("asp"):
        return f"ASP-{m.group('asp')}"
    return f"HTTP-{m.group('http')}"


def as_code(code: str) -> str | None:
    """Canonical form of one code typed any way (for the /codes/<code> URL), else None.

    The whole input must be the code (give or take punctuation), so that `/codes/<anything>`
    cannot resolve a sentence to whichever code it happens to mention.
    """
    canonical = canonical_form(code)
    if canonical:
        return canonical
    mentions = _mentions(code, liberal=True)
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    rest = code[: mention.start] + code[mention.end :]
    return None if re.search(r"[A-Za-z0-9]", rest) else mention.canonical



def pop3_replies(text: str) -> list[str]:
    """Message texts of POP3 `-ERR` replies quoted in an article.

    They are what the user saw, so they are searchable messages even though `-ERR` itself is
    no code. The archive wraps them across lines: whitespace is collapsed, and the message
    ends at the closing quote, the end of the sentence or a blank line.
    """
    replies = []
    for m in _POP3.finditer(text):
        message = re.split(r"\n\s*\n|\.(?:\s|$)", m.group("msg"))[0]
        message = " ".join(message.split()).rstrip(".,;")
        if message:
            replies.append(message)
    return list(dict.fromkeys(replies))

