"""How people write a canonical code: its label on a page, and the spellings an
article may use for it. Every display of a code goes through `label`."""

from __future__ import annotations

import re

# Words written around a code ("error 1603", "Event ID 11310", "run-time error 5"):
# part of how the code is written, not words of the message it belongs to.
CODE_WORDS = frozenset({"error", "event", "id", "stop", "run", "time", "runtime", "code",
                        "number", "no", "0x", "asp", "http"})

FAMILY_LABELS = {"ERROR": "Error", "RUNTIME": "Run-time error", "EVENT": "Event ID",
                 "STOP": "Stop", "ASP": "ASP error", "HTTP": "HTTP"}


def label(code: str) -> str:
    """A canonical code as a person writes it: `EVENT-11310` is "Event ID 11310",
    `STOP-0x0000007B` "Stop 0x0000007B"; hexadecimal and names stay as they are."""
    family, dash, rest = code.partition("-")
    return f"{FAMILY_LABELS[family]} {rest}" if dash and family in FAMILY_LABELS else code


def written_forms(code: str) -> list[list[str]]:
    """The ways an article may write a canonical code, each as its words in order:
    `STOP-0x0000007B` is written `stop 0x0000007b`, `stop 0x7b` or `stop 7b`."""
    family, _, rest = code.partition("-")
    if re.fullmatch(r"0x[0-9A-F]{8}", code):
        value = int(code, 16)
        forms = [[f"0x{value:08x}"], [f"0x{value:x}"]]
        if value >= 0x10000000:
            forms.append([f"{value:08x}"])
        return forms
    if family == "STOP":
        value = int(rest, 16)
        return [["stop", f"0x{value:08x}"], ["stop", f"0x{value:x}"], ["stop", f"{value:x}"]]
    if family in ("ERROR", "RUNTIME", "EVENT", "ASP", "HTTP"):
        word = "error" if family in ("ERROR", "RUNTIME") else family.lower()
        number = int(rest)
        forms = [[word, str(number)]]
        if 0 <= number < 1000:  # ASP 0113, error #0020
            forms.append([word, f"{number:04d}"])
        return forms
    return [[code]]  # a symbolic name or a compiler message number: one word
