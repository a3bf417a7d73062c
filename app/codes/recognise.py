"""Recognise, canonicalise and decode the error codes written in KB articles and typed by users.

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
from dataclasses import dataclass

# --- canonical forms and reference tables -------------------------------------------------

HRESULT_FACILITIES = {
    0: "NULL",
    1: "RPC",
    2: "DISPATCH",
    3: "STORAGE",
    4: "ITF",
    7: "WIN32",
    8: "WINDOWS",
    9: "SSPI",
    10: "CONTROL",
    11: "CERT",
    12: "INTERNET",
    13: "MEDIASERVER",
    14: "MSMQ",
    15: "SETUPAPI",
    16: "SCARD",
    17: "COMPLUS",
    18: "AAF",
    19: "URT",
    20: "ACS",
    21: "DPLAY",
    22: "UMI",
    23: "SXS",
    24: "WINDOWS_CE",
    25: "HTTP",
    32: "BACKGROUNDCOPY",
    33: "CONFIGURATION",
    34: "STATE_MANAGEMENT",
    35: "METADIRECTORY",
    36: "WINDOWSUPDATE",
    37: "DIRECTORYSERVICE",
}
NTSTATUS_SEVERITIES = {0: "Success", 1: "Informational", 2: "Warning", 3: "Error"}

# Bug-check numbers by name: a name written on a blue screen is the same error as its number.
BUGCHECKS = {
    0x01: "APC_INDEX_MISMATCH",
    0x09: "IRQL_NOT_GREATER_OR_EQUAL",
    0x0A: "IRQL_NOT_LESS_OR_EQUAL",
    0x19: "BAD_POOL_HEADER",
    0x1A: "MEMORY_MANAGEMENT",
    0x1E: "KMODE_EXCEPTION_NOT_HANDLED",
    0x23: "FAT_FILE_SYSTEM",
    0x24: "NTFS_FILE_SYSTEM",
    0x27: "RDR_FILE_SYSTEM",
    0x2E: "DATA_BUS_ERROR",
    0x2F: "INSTRUCTION_BUS_ERROR",
    0x31: "PHASE0_INITIALIZATION_FAILED",
    0x32: "PHASE1_INITIALIZATION_FAILED",
    0x35: "NO_MORE_IRP_STACK_LOCATIONS",
    0x3B: "SYSTEM_SERVICE_EXCEPTION",
    0x3F: "NO_MORE_SYSTEM_PTES",
    0x44: "MULTIPLE_IRP_COMPLETE_REQUESTS",
    0x4E: "PFN_LIST_CORRUPT",
    0x50: "PAGE_FAULT_IN_NONPAGED_AREA",
    0x51: "REGISTRY_ERROR",
    0x58: "FTDISK_INTERNAL_ERROR",
    0x5C: "HAL_INITIALIZATION_FAILED",
    0x67: "CONFIG_INITIALIZATION_FAILED",
    0x69: "IO1_INITIALIZATION_FAILED",
    0x6B: "PROCESS1_INITIALIZATION_FAILED",
    0x6F: "SESSION3_INITIALIZATION_FAILED",
    0x74: "BAD_SYSTEM_CONFIG_INFO",
    0x77: "KERNEL_STACK_INPAGE_ERROR",
    0x79: "MISMATCHED_HAL",
    0x7A: "KERNEL_DATA_INPAGE_ERROR",
    0x7B: "INACCESSIBLE_BOOT_DEVICE",
    0x7E: "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED",
    0x7F: "UNEXPECTED_KERNEL_MODE_TRAP",
    0x80: "NMI_HARDWARE_FAILURE",
    0x8E: "KERNEL_MODE_EXCEPTION_NOT_HANDLED",
    0x9C: "MACHINE_CHECK_EXCEPTION",
    0x9F: "DRIVER_POWER_STATE_FAILURE",
    0xA5: "ACPI_BIOS_ERROR",
    0xBE: "ATTEMPTED_WRITE_TO_READONLY_MEMORY",
    0xC2: "BAD_POOL_CALLER",
    0xC4: "DRIVER_VERIFIER_DETECTED_VIOLATION",
    0xC5: "DRIVER_CORRUPTED_EXPOOL",
    0xCA: "PNP_DETECTED_FATAL_ERROR",
    0xD1: "DRIVER_IRQL_NOT_LESS_OR_EQUAL",
    0xDE: "POOL_CORRUPTION_IN_FILE_AREA",
    0xEA: "THREAD_STUCK_IN_DEVICE_DRIVER",
    0xED: "UNMOUNTABLE_BOOT_VOLUME",
    0xF2: "HARDWARE_INTERRUPT_STORM",
    0xF4: "CRITICAL_OBJECT_TERMINATION",
    0xFE: "BUGCODE_USB_DRIVER",
}
_BUGCHECK_BY_NAME = {name: number for number, name in BUGCHECKS.items()}

# Well-known 32-bit values by name. ITF (0x8004xxxx) values are left out on purpose: their
# meaning depends on the interface (0x80040111 is both MAPI_E_LOGON_FAILED and
# CLASS_E_CLASSNOTAVAILABLE), so naming one would mislead.
KNOWN_VALUES = {
    0x80004001: "E_NOTIMPL",
    0x80004002: "E_NOINTERFACE",
    0x80004003: "E_POINTER",
    0x80004004: "E_ABORT",
    0x80004005: "E_FAIL",
    0x8000FFFF: "E_UNEXPECTED",
    0x80070005: "E_ACCESSDENIED",
    0x80070006: "E_HANDLE",
    0x8007000E: "E_OUTOFMEMORY",
    0x80070057: "E_INVALIDARG",
    0x80010108: "RPC_E_DISCONNECTED",
    0x80020009: "DISP_E_EXCEPTION",
    0x800401F3: "CO_E_CLASSSTRING",
    0xC0000005: "STATUS_ACCESS_VIOLATION",
    0xC0000006: "STATUS_IN_PAGE_ERROR",
    0xC0000017: "STATUS_NO_MEMORY",
    0xC000001D: "STATUS_ILLEGAL_INSTRUCTION",
    0xC0000022: "STATUS_ACCESS_DENIED",
    0xC0000034: "STATUS_OBJECT_NAME_NOT_FOUND",
    0xC000006D: "STATUS_LOGON_FAILURE",
    0xC0000094: "STATUS_INTEGER_DIVIDE_BY_ZERO",
    0xC000009A: "STATUS_INSUFFICIENT_RESOURCES",
    0xC00000FD: "STATUS_STACK_OVERFLOW",
    0xC0000135: "STATUS_DLL_NOT_FOUND",
    0xC0000142: "STATUS_DLL_INIT_FAILED",
    0xC0000143: "STATUS_MISSING_SYSTEMFILE",
    0xC0000218: "STATUS_CANNOT_LOAD_REGISTRY_FILE",
    0xC000021A: "STATUS_SYSTEM_PROCESS_TERMINATED",
    0xC0000221: "STATUS_IMAGE_CHECKSUM_MISMATCH",
    0xC0000244: "STATUS_AUDIT_FAILED",
}
WIN32_ERRORS = {
    2: "ERROR_FILE_NOT_FOUND",
    3: "ERROR_PATH_NOT_FOUND",
    5: "ERROR_ACCESS_DENIED",
    6: "ERROR_INVALID_HANDLE",
    8: "ERROR_NOT_ENOUGH_MEMORY",
    14: "ERROR_OUTOFMEMORY",
    32: "ERROR_SHARING_VIOLATION",
    53: "ERROR_BAD_NETPATH",
    87: "ERROR_INVALID_PARAMETER",
    122: "ERROR_INSUFFICIENT_BUFFER",
    1053: "ERROR_SERVICE_REQUEST_TIMEOUT",
    1058: "ERROR_SERVICE_DISABLED",
    1060: "ERROR_SERVICE_DOES_NOT_EXIST",
    1068: "ERROR_SERVICE_DEPENDENCY_FAIL",
    1069: "ERROR_SERVICE_LOGON_FAILED",
    1219: "ERROR_SESSION_CREDENTIAL_CONFLICT",
    1311: "ERROR_NO_LOGON_SERVERS",
    1326: "ERROR_LOGON_FAILURE",
    1355: "ERROR_NO_SUCH_DOMAIN",
    1603: "ERROR_INSTALL_FAILURE",
    1722: "RPC_S_SERVER_UNAVAILABLE",
    10053: "WSAECONNABORTED",
    10054: "WSAECONNRESET",
    10060: "WSAETIMEDOUT",
    10061: "WSAECONNREFUSED",
    11001: "WSAHOST_NOT_FOUND",
}
SYMBOL_FAMILIES = [
    ("MAPI_", "MAPI"),
    ("ERROR_", "Win32 error"),
    ("STATUS_", "NTSTATUS"),
    ("WSA", "Winsock"),
    ("RPC_", "RPC"),
    ("E_", "COM (generic)"),
    ("DISP_E_", "OLE Automation"),
    ("CO_E_", "COM"),
    ("JET_", "Jet database engine (ESE)"),
    ("NERR_", "LAN Manager network"),
    ("DB_E_", "OLE DB"),
    ("DS_E_", "Exchange directory"),
    ("CDERR_", "Common dialog"),
]
HTTP_STATUSES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def _hex(value: int) -> str:
    return f"0x{value:08X}"


def _stop(value: int) -> str:
    return f"STOP-{_hex(value)}"


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
    r"\brun-?\s?time\s+error\s*(?:number\s*)?[:#]?\s*'?(?P<v>-?\d{1,10})(?!\w|\.\d|/)",
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
_SYMBOL = re.compile(
    r"(?<![\w])(?P<v>[A-Z][A-Z0-9]*_[EW]_[A-Z0-9_]*[A-Z0-9]"
    r"|E_(?:FAIL|NOTIMPL|OUTOFMEMORY|NOINTERFACE|INVALIDARG|UNEXPECTED|ACCESSDENIED|POINTER"
    r"|HANDLE|ABORT|PENDING)"
    r"|(?:ERROR|STATUS|RPC_[SX]|NERR|[A-Z]{2,4}ERR)_[A-Za-z0-9_]*[A-Za-z0-9]"
    r"|WSA(?:E[A-Z]+|HOST_NOT_FOUND|TRY_AGAIN|NO_RECOVERY|NO_DATA|NOTINITIALISED"
    r"|SYSNOTREADY|VERNOTSUPPORTED)"
    r"|JET_(?:err|ERR)[A-Za-z0-9]+"
    rf"|{'|'.join(sorted(_BUGCHECK_BY_NAME, key=len, reverse=True))})(?![\w])"
)
# Names that are success values or MAPI/INF flags, not errors.
_NOT_ERRORS = re.compile(
    r"^(?:ERROR_(?:SUCCESS|NONE|LEVEL)|STATUS_(?:SUCCESS\w*|DEFAULT|RECEIVED|FAILED|USERCANCEL"
    r"|REBOOT|\w*STORE\w*|\w*IDENTITY\w*))$"
)
# Cheap pre-checks: a match of the full pattern needs one of these.
_BARE_HINT = re.compile(rf"[8Cc]{_H}{{7}}")
_TOOL_HINT = re.compile(r"(?i:LNK|R60|C[1-4])\d")
_POP3 = re.compile(r"(?<![\w-])-ERR\b[ \t:]*(?P<msg>[^'\"]{1,300})")


@dataclass(frozen=True)
class CodeMention:
    """One code in a text: offsets for linking it in rendered text, and its canonical form."""

    start: int
    end: int
    canonical: str


@dataclass(frozen=True)
class DecodedCode:
    """What a canonical code means, for the /codes/<code> page."""

    canonical: str
    kind: str
    label: str
    details: list[tuple[str, str]]


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
        return _hex(value)
    if _ADDRESS_BEFORE.search(text[max(0, start - 14) : start]) or _neighbour_is_hex(
        text, start, end
    ):
        return None
    if len(digits) == 8 and _plausible_hresult(value):
        return _hex(value)
    return _hex(value) if _context_before(text, start) else None


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
        return _hex(value) if any(c.isdigit() for c in digits) else None
    if _neighbour_is_hex(text, start, end):
        return None
    common_shape = digits[:3] == "800" or digits[:4].upper() == "C000"
    return _hex(value) if common_shape or _context_before(text, start) else None


def _stop_mention(match: re.Match[str], liberal: bool) -> str | None:
    """`STOP 0x7B`, `STOP 7B`, `Stop: 0x0000000A`; a bare `stop 3` in prose is a verb."""
    digits, word = match.group("v"), match.group("word")
    value = int(digits, 16)
    if value == 0 or not (match.group("x") or any(c.isdigit() for c in digits)):
        return None
    if liberal or match.group("x") or word.isupper() or word.lower().startswith("bug"):
        return _stop(value)
    has_letter = any(c.isalpha() for c in digits)
    return _stop(value) if has_letter or len(digits) == 8 else None


def _negative(value: int) -> str | None:
    unsigned = (1 << 32) - value
    return _hex(unsigned) if _plausible_hresult(unsigned) else None


def _symbol(name: str) -> str | None:
    name = name.upper()
    if _NOT_ERRORS.match(name):
        return None
    if name in _BUGCHECK_BY_NAME:
        return _stop(_BUGCHECK_BY_NAME[name])
    return name


def _mentions(text: str, liberal: bool) -> list[CodeMention]:
    """All candidate mentions, then overlaps resolved: earliest start, then longest, wins."""
    # Each pattern runs only where its keyword occurs: a substring test is far cheaper
    # than a regex scan, and most paragraphs hold no code at all.
    lower = text.lower()
    has_hex_prefix = "0x" in lower
    params = [m.span() for m in _PARAM_LIST.finditer(text)] if "(" in text else []
    found: list[CodeMention] = []

    def add(start: int, end: int, canonical: str | None) -> None:
        if canonical:
            found.append(CodeMention(start, end, canonical))

    if "stop" in lower or "bug" in lower:
        for m in _STOP.finditer(text):
            add(m.start(), m.end(), _stop_mention(m, liberal))
    for pattern, present in ((_HEX0X, has_hex_prefix), (_VBHEX, "&h" in lower)):
        if present:
            for m in pattern.finditer(text):
                add(m.start(), m.end(), _hex_mention(text, m, params, liberal))
    if _BARE_HINT.search(text):
        for m in _BARE.finditer(text):
            add(m.start(), m.end(), _bare_mention(text, m, params, liberal))
    if "-21" in text or "-10" in text:
        for m in _NEGATIVE.finditer(text):
            add(m.start(), m.end(), _negative(int(m.group("v"))))
    if "run" in lower:
        for m in _RUNTIME.finditer(text):
            number = int(m.group("v"))
            add(m.start(), m.end(), _negative(-number) if number < 0 else f"RUNTIME-{number}")
    if "error" in lower:
        for m in _NUMBERED_ERROR.finditer(text):
            number = int(m.group("v"))
            add(m.start(), m.end(), f"ERROR-{number}" if number else None)
    if "event" in lower:
        for m in _EVENT.finditer(text):
            if m.group("id") or liberal or len(m.group("v")) >= 3:
                add(m.start(), m.end("v"), f"EVENT-{int(m.group('v'))}")
                if m.group("id"):
                    for more in re.finditer(r"\d+", m.group("more")):
                        add(
                            m.start("more") + more.start(),
                            m.start("more") + more.end(),
                            f"EVENT-{int(more.group())}",
                        )
    if "asp" in lower:
        asp = re.compile(_ASP.pattern, re.IGNORECASE) if liberal else _ASP
        for m in asp.finditer(text):
            add(m.start(), m.end(), f"ASP-{m.group('v')}")
    if "http" in lower:
        for m in _HTTP.finditer(text):
            add(m.start(), m.end(), f"HTTP-{m.group('v')}")
    if "error" in lower or "warning" in lower:
        for m in _COMPILER.finditer(text):
            add(m.start("v"), m.end(), m.group("v").upper())
    if _TOOL_HINT.search(text):
        for m in (_TYPED_TOOL if liberal else _BARE_TOOL).finditer(text):
            add(m.start(), m.end(), m.group("v").upper())
    if "_" in text or "wsa" in lower:
        upper = text.upper()
        for m in _SYMBOL.finditer(upper if liberal and len(upper) == len(text) else text):
            add(m.start(), m.end(), _symbol(m.group("v")))

    found.sort(key=lambda c: (c.start, -c.end))
    kept: list[CodeMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


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
        if (code := _canonical_form(m.group()))
        and not any(f.start < m.end() and m.start() < f.end for f in found)
    ]
    return list(dict.fromkeys(m.canonical for m in sorted(typed + found, key=lambda m: m.start)))


_CANONICAL = re.compile(
    rf"^(?:(?P<hex>0x{_H}{{8}})|STOP-(?P<stop>0x{_H}{{8}})|(?P<family>ERROR|RUNTIME|EVENT)-"
    r"(?P<number>-?\d{1,10})|ASP-(?P<asp>\d{4})|HTTP-(?P<http>[45]\d\d))$",
    re.IGNORECASE,
)


def _canonical_form(code: str) -> str | None:
    """Recognise a code already in canonical form, in any letter case (URLs get lowercased)."""
    m = _CANONICAL.match(code.strip())
    if not m:
        return None
    if m.group("hex"):
        return _hex(int(m.group("hex"), 16))
    if m.group("stop"):
        return _stop(int(m.group("stop"), 16)) if int(m.group("stop"), 16) else None
    if m.group("family"):
        return f"{m.group('family').upper()}-{int(m.group('number'))}"
    if m.group("asp"):
        return f"ASP-{m.group('asp')}"
    return f"HTTP-{m.group('http')}"


def normalise(code: str) -> str | None:
    """Canonical form of one code typed any way (for the /codes/<code> URL), else None.

    The whole input must be the code (give or take punctuation), so that `/codes/<anything>`
    cannot resolve a sentence to whichever code it happens to mention.
    """
    canonical = _canonical_form(code)
    if canonical:
        return canonical
    mentions = _mentions(code, liberal=True)
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    rest = code[: mention.start] + code[mention.end :]
    return None if re.search(r"[A-Za-z0-9]", rest) else mention.canonical


# --- decoding ---------------------------------------------------------------------------


def _decode_hex(canonical: str, value: int) -> DecodedCode:
    signed = value - (1 << 32) if value >= 0x80000000 else value
    number = [("Decimal", str(signed))]
    named = [("Name", KNOWN_VALUES[value])] if value in KNOWN_VALUES else []
    if value < 0x10000:
        name = [("Win32 name", WIN32_ERRORS[value])] if value in WIN32_ERRORS else []
        return DecodedCode(
            canonical,
            "win32",
            f"Win32 error / status code {value}",
            [("Win32 error", str(value)), *name, *number],
        )
    if value >> 30 in (1, 3) and not value & 0x10000000:
        facility = (value >> 16) & 0xFFF
        details = [
            ("Severity", f"{NTSTATUS_SEVERITIES[value >> 30]} ({value >> 30})"),
            ("Customer", str((value >> 29) & 1)),
            ("Facility", f"0x{facility:03X} ({facility})"),
            ("Code", f"0x{value & 0xFFFF:04X} ({value & 0xFFFF})"),
        ]
        return DecodedCode(
            canonical, "ntstatus", f"NTSTATUS {canonical}", [*named, *details, *number]
        )
    facility = (value >> 16) & 0x7FF
    code = value & 0xFFFF
    name = HRESULT_FACILITIES.get(facility, "unknown")
    details = [
        ("Severity", "Error (1)" if value >> 31 else "Success (0)"),
        ("Customer", str((value >> 29) & 1)),
        ("Facility", f"{name} ({facility})"),
        ("Code", f"0x{code:04X} ({code})"),
    ]
    if name == "WIN32":
        details.append(("Win32 error", str(code)))
        if code in WIN32_ERRORS:
            details.append(("Win32 name", WIN32_ERRORS[code]))
    elif name == "ITF":
        details.append(("Note", "ITF codes are defined by each interface (MAPI, OLE DB, ...)"))
    kind = "hresult" if value >> 31 else "hex"
    return DecodedCode(canonical, kind, f"HRESULT {canonical}", [*named, *details, *number])


def decode(canonical: str) -> DecodedCode:
    """Explain a canonical code: the fields packed in a 32-bit value, or a readable label.

    HRESULT: severity, customer bit, facility by name where known, code (and the Win32 error
    for FACILITY_WIN32). NTSTATUS (0xC...): severity name. STOP: the bug-check number and name.
    Anything not in canonical form is normalised first; an unrecognised string decodes to
    kind "unknown" rather than raising, since it comes straight from a URL.
    """
    code = _canonical_form(canonical) or normalise(canonical) or canonical
    m = _CANONICAL.match(code)
    if m and m.group("hex"):
        return _decode_hex(code, int(m.group("hex"), 16))
    if m and m.group("stop"):
        value = int(m.group("stop"), 16)
        details = [("Bug check", f"{_hex(value)} ({value})")]
        name = BUGCHECKS.get(value) or KNOWN_VALUES.get(value)
        if name:
            details.append(("Name", name))
        return DecodedCode(code, "stop", f"Stop error {_hex(value)}", details)
    if m and m.group("family"):
        family, number = m.group("family").upper(), m.group("number")
        labels = {"ERROR": "Error", "RUNTIME": "Run-time error", "EVENT": "Event ID"}
        return DecodedCode(code, family.lower(), f"{labels[family]} {number}", [("Number", number)])
    if m and m.group("asp"):
        return DecodedCode(code, "asp", f"ASP error {m.group('asp')}", [("Number", m.group("asp"))])
    if m and m.group("http"):
        status = int(m.group("http"))
        details = [("Status", str(status))]
        if status in HTTP_STATUSES:
            details.append(("Reason", HTTP_STATUSES[status]))
        return DecodedCode(code, "http", f"HTTP status {status}", details)
    if re.fullmatch(r"(?:LNK|C|U|A|RC|CS|CVT|LIB|BC)\d{4,5}", code):
        return DecodedCode(code, "compiler", f"Compiler/linker message {code}", [])
    if re.fullmatch(r"R60\d\d", code):
        return DecodedCode(code, "crt", f"C run-time error {code}", [])
    if _SYMBOL.fullmatch(code):
        family = next(
            (name for prefix, name in SYMBOL_FAMILIES if code.startswith(prefix)),
            "Symbolic error name",
        )
        details = [("Family", family)]
        details += [("Value", _hex(v)) for v, n in KNOWN_VALUES.items() if n == code]
        details += [("Win32 error", str(v)) for v, n in WIN32_ERRORS.items() if n == code]
        return DecodedCode(code, "symbol", code, details)
    return DecodedCode(code, "unknown", code, [])


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
