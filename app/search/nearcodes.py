"""Codes articles carry, one slip away from a code that none carries.

`0x800CCC9` (a digit dropped) is carried by no article; `0x800CCC90` is. The codes
articles carry are read from the `codes` field's lexicon once per index identity
(about 60,000 terms on the archive); a typed code's one-edit variants (a digit
dropped, added, changed, or two swapped: a few hundred) are then looked up in that
set, so no request walks the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.search.readers import KnowledgeBase

MAX_NEAR = 5
_HEX = "0123456789abcdef"
_DECIMAL = "0123456789"
_NUMBERED = re.compile(r"(ERROR|RUNTIME|EVENT|ASP|HTTP)-(\d+)")
_HEX_CODE = re.compile(r"(STOP-)?0x([0-9A-F]{8})")


@dataclass(frozen=True)
class NearCode:
    code: str  # canonical
    articles: int  # how many carry it


def carried_codes(kb: KnowledgeBase) -> frozenset[str]:
    """Every canonical code some article carries, lower-cased as the index has them."""
    return kb.derived("carried codes", lambda: _lexicon_codes(kb))


def _lexicon_codes(kb: KnowledgeBase) -> frozenset[str]:
    searcher = kb.searcher()
    codes: set[str] = set()
    if "codes" in searcher.schema:
        for term in searcher.reader().lexicon("codes"):
            codes.add(term.decode("utf-8") if isinstance(term, bytes) else term)
    return frozenset(codes)


def _edits(digits: str, alphabet: str) -> set[str]:
    splits = [(digits[:i], digits[i:]) for i in range(len(digits) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in alphabet),
        *(a + c + b for a, b in splits for c in alphabet),
    } - {digits, ""}


def variants(code: str) -> list[str]:
    """Canonical codes one edit of a digit away from `code` (its written digits)."""
    if match := _HEX_CODE.fullmatch(code):
        prefix, value = match.group(1) or "", match.group(2)
        digits = value.lstrip("0").lower() or "0"
        return sorted({f"{prefix}0x{int(edit, 16):08X}" for edit in _edits(digits, _HEX)
                       if len(edit.lstrip("0")) <= 8})
    if match := _NUMBERED.fullmatch(code):
        family, digits = match.groups()
        width = len(digits) if family == "ASP" else 0
        return sorted({f"{family}-{int(edit):0{width}d}" for edit in _edits(digits, _DECIMAL)
                       if not (family == "ASP" and len(edit) != 4)})
    return []


def near_codes(kb: KnowledgeBase, code: str, *, even_if_carried: bool = False
               ) -> list[NearCode]:
    """The codes articles carry one slip away from `code`, most carried first; none
    when `code` itself is carried, unless `even_if_carried` (a code written short of a
    digit, which a few articles also write short)."""
    carried = carried_codes(kb)
    if code.lower() in carried and not even_if_carried:
        return []
    reader = kb.searcher().reader()
    near = [NearCode(each, reader.doc_frequency("codes", each.lower()))
            for each in variants(code) if each.lower() in carried]
    near.sort(key=lambda found: (-found.articles, found.code))
    return near[:MAX_NEAR]
