"""What a code means: the fields packed in a 32-bit value, or a readable label; and,
for a hexadecimal value written short of its eight digits, that it is not a whole code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.codes.labels import FAMILY_LABELS
from app.codes.labels import label as code_label
from app.codes.recognise import CANONICAL, SYMBOL, as_code, canonical_form
from app.codes.tables import (
    BUGCHECKS,
    HRESULT_FACILITIES,
    HTTP_STATUSES,
    KNOWN_VALUES,
    NTSTATUS_SEVERITIES,
    SYMBOL_FAMILIES,
    WIN32_ERRORS,
    hex_form,
)


@dataclass(frozen=True)
class DecodedCode:
    """What a canonical code means, for the /codes/<code> page."""

    canonical: str
    kind: str
    label: str
    details: list[tuple[str, str]]
    written: str | None = None  # as the person wrote it, when that is not the canonical

    @property
    def name(self) -> str:
        """The code as a page names it: as written when the canonical form would put
        words in the person's mouth (`0x800CCC9`, not `0x0800CCC9`)."""
        return self.written or code_label(self.canonical)

    @property
    def incomplete(self) -> bool:
        """Written short of its digits: what is one digit away matters more than this."""
        return self.kind == "incomplete"


# `0x800CCC9`: hexadecimal written with 5 to 7 digits. Read as a number it is a 32-bit
# value with leading zeros (0x0800CCC9), whose severity bit is then clear: "success".
# Nobody copies a success value off an error dialog; it is an HRESULT or NTSTATUS with
# a digit dropped, so it is decoded as what it is, not as the number it happens to be.
_SHORT_HEX = re.compile(r"0[xX](?P<digits>[0-9A-Fa-f]{5,7})L?")
FULL_DIGITS = 8


def short_hex(written: str) -> str | None:
    """`0x800CCC9` (tidied: `0X800ccc9L` is `0x800CCC9`) when `written` is a hexadecimal
    value of 5 to 7 digits, too long for a Win32 error and too short for an HRESULT."""
    match = _SHORT_HEX.fullmatch(written.strip().strip(".,;:!?'\"()[]"))
    return f"0x{match.group('digits').upper()}" if match else None


def as_written(canonical: str, text: str) -> str | None:
    """How `text` (what a person typed) writes the canonical code, when it writes it
    short of eight hexadecimal digits; None otherwise."""
    for word in text.split():
        short = short_hex(word)
        if short and as_code(short) == canonical:
            return short
    return None


def _decode_short(written: str, value: int) -> DecodedCode:
    digits = len(written) - 2
    padded = f"0x{value:08X}"
    return DecodedCode(padded, "incomplete", f"{written} is not a complete error code", [
        ("Digits", f"{digits} hexadecimal; HRESULT and NTSTATUS codes have {FULL_DIGITS} "
                   "(0x8… or 0xC…)"),
        ("With leading zeros", f"{padded}: its severity bit is clear, so it would mean "
                               "success, not an error"),
        ("Decimal", str(value)),
    ], written=written)

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


def decode(canonical: str, written: str | None = None) -> DecodedCode:
    """Explain a canonical code: the fields packed in a 32-bit value, or a readable label.

    `written` is the code as the person wrote it: a hexadecimal value written with 5 to
    7 digits (`short_hex`) is decoded as that, a code with a digit missing.

    HRESULT: severity, customer bit, facility by name where known, code (and the Win32 error
    for FACILITY_WIN32). NTSTATUS (0xC...): severity name. STOP: the bug-check number and name.
    Anything not in canonical form is normalised first; an unrecognised string decodes to
    kind "unknown" rather than raising, since it comes straight from a URL.
    """
    code = canonical_form(canonical) or as_code(canonical) or canonical
    short = short_hex(written) if written else None
    if short and as_code(short) == code:
        return _decode_short(short, int(code, 16))
    m = CANONICAL.match(code)
    if m and m.group("hex"):
        return _decode_hex(code, int(m.group("hex"), 16))
    if m and m.group("stop"):
        value = int(m.group("stop"), 16)
        details = [("Bug check", f"{hex_form(value)} ({value})")]
        name = BUGCHECKS.get(value) or KNOWN_VALUES.get(value)
        if name:
            details.append(("Name", name))
        return DecodedCode(code, "stop", f"Stop error {hex_form(value)}", details)
    if m and m.group("family"):
        family, number = m.group("family").upper(), m.group("number")
        return DecodedCode(code, family.lower(), f"{FAMILY_LABELS[family]} {number}",
                           [("Number", number)])
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
    if SYMBOL.fullmatch(code):
        family = next(
            (name for prefix, name in SYMBOL_FAMILIES if code.startswith(prefix)),
            "Symbolic error name",
        )
        details = [("Family", family)]
        details += [("Value", hex_form(v)) for v, n in KNOWN_VALUES.items() if n == code]
        details += [("Win32 error", str(v)) for v, n in WIN32_ERRORS.items() if n == code]
        return DecodedCode(code, "symbol", code, details)
    return DecodedCode(code, "unknown", code, [])

