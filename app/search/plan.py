"""Reading what a person typed into terms to score: never a query parser, so `AND`,
`*`, `:` or an unbalanced quote are just characters.

Words are analysed by the schema's own analyzers; error codes are looked for in every
form an article may write them; a word nobody wrote is also searched as the nearest
word articles do use (app/search/spelling.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from app.codes.labels import CODE_WORDS, mention_key, written_forms
from app.index.schema import TEXT_FIELDS, make_schema
from app.query.typed import Query
from app.search.phrasing import phrasings_by_stem
from app.search.readers import KnowledgeBase
from app.search.scoring import FIELDS
from app.search.spelling import spelling_fixes

MAX_QUERY_WORDS = 60
CODE_IN_TEXT = 0.8  # an article whose text mentions the code, against one carrying it
CODE_ABOUT = 0.6  # ... or only its query words or references
CORRECTED_WEIGHT = 0.9
# The archive's wording of what was said in everyday words (app/search/phrasing.py):
# searched beside the words typed, never above them; not for a paste (its words are
# already the archive's).
PHRASING_WEIGHT = 0.7
PHRASING_MAX_WORDS = 30
SCHEMA = make_schema()


@dataclass
class Plan:
    codes: list[str]
    terms: dict[str, dict[str, float]]  # field -> term -> weight
    corrections: list[tuple[str, str]]
    stems: set[str]  # for highlighting
    title_stems: list[str]  # the words typed (not the codes), for "its title has..."
    beside: frozenset[str] = frozenset()  # stems of the words typed beside the codes
    words_only: str = ""  # the text without its codes: the "words only" search
    phrasing_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """A typed stem's archive phrasings' stems (`freez`: hang, stop, respond)."""
    word_terms: dict[str, dict[str, float]] | None = None
    """The terms without the codes' own words (`1603`, `error`): what decides among
    the articles with a code typed beside other words."""


_CODE_LIKE = re.compile(r"(?:0x)?[0-9a-f]*\d[0-9a-f]*")


def _code_tokens(codes: list[str]) -> set[str]:
    """Every word a typed code may be written with (`0x7b`, `1603`, `800ccc90`)."""
    tokens = {code.lower() for code in codes}
    for code in codes:
        for form in written_forms(code):
            tokens.update(part.lower() for part in form)
    return tokens


def words_beside(query: Query) -> tuple[frozenset[str], str]:
    """The stems of the words typed beside the codes, and those words as typed:
    `error 1603 when installing` is ({instal}, "when installing")."""
    if not query.codes:
        return frozenset(), ""
    tokens = _code_tokens(list(query.codes))
    beside = frozenset(stem for stem in query.words_beside_codes
                       if stem not in tokens and not _CODE_LIKE.fullmatch(stem))
    kept = []
    for word in query.text.split():
        bare = word.strip(".,;:!?'\"()[]#").lower()
        if (all(part in CODE_WORDS for part in bare.split("-")) or bare in tokens
                or any(bare and bare in token for token in tokens)
                or _CODE_LIKE.fullmatch(bare.removeprefix("0x"))):
            continue
        kept.append(word)
    return beside, " ".join(kept) if beside else ""


def analyse(fieldname: str, text: str) -> list[str]:
    """Words of the text as the index has them (the schema of this code, not the one
    pickled with an index, so a fix to an analyzer applies at once)."""
    return list(_words(_ANALYSED_AS[fieldname], text))


# Five fields share one analyzer: a query's text is analysed once for them all.
_ANALYSED_AS = {name: next(other for other in SCHEMA.names()
                           if getattr(SCHEMA[other], "analyzer", None) == SCHEMA[name].analyzer)
                for name in SCHEMA.names() if getattr(SCHEMA[name], "analyzer", None)}


@functools.lru_cache(maxsize=1024)
def _words(fieldname: str, text: str) -> tuple[str, ...]:
    return tuple(token.text for token in SCHEMA[fieldname].analyzer(text))


def code_terms(code: str) -> dict[float, list[tuple[str, str]]]:
    """Where an article may write a canonical code, as (field, term) by tier: its text
    (title, symptoms, body, messages), then what is about it (query words,
    references). A one-word form is a word of the field; a two-word form the term the
    index keeps for it in `mentions` (app/codes/labels.py), in each field's own words."""
    forms = written_forms(code)
    tiers: dict[float, list[tuple[str, str]]] = {}
    for tier, fieldnames, mentions in ((CODE_IN_TEXT, TEXT_FIELDS, "mentions"),
                                       (CODE_ABOUT, ("extra",), "mentions_extra")):
        found: dict[tuple[str, str], None] = {}
        for fieldname in fieldnames:
            for form in forms:
                words = [analyse(fieldname, part) for part in form]
                if not all(words):  # `4` in `error 4` is too short for the stemmed fields
                    continue
                tokens = [token for part in words for token in part]
                if len(tokens) == 1:
                    found[fieldname, tokens[0]] = None
                else:
                    found[mentions, mention_key(tokens)] = None
        if found:
            tiers[tier] = list(found)
    return tiers


_HEX_TYPED = re.compile(r"(?<![\w-])(?:0x)?([0-9a-f]{4,8})(?![\w-])", re.IGNORECASE)
_FILE_TYPED = re.compile(
    r"\b([\w-]+)\s+(dll|exe|sys|vxd|drv|ini|ocx|com|hlp|inf|cpl|bat|mdb|dot|xls|doc|tlb|386)\b",
    re.IGNORECASE,
)


def _file_names(text: str) -> str:
    """`MSJET35 DLL` pasted without its dot is the file name `msjet35.dll` of the index."""
    return " ".join(f"{name}.{extension}" for name, extension in _FILE_TYPED.findall(text))


def _hex_words(text: str) -> str:
    """Other spellings of hexadecimal words typed: `80601000` is written `0x80601000`."""
    variants = []
    for match in _HEX_TYPED.finditer(text):
        digits = match.group(1)
        mixed = any(c.isdigit() for c in digits) and any(c.isalpha() for c in digits)
        if mixed or len(digits) == 8 or match.group().lower().startswith("0x"):
            value = int(digits, 16)
            variants += [f"0x{value:08x}", f"0x{value:x}", f"{value:08x}"]
    return " ".join(variants)

def plan_for(kb: KnowledgeBase, query: Query, *, correct: bool = True) -> Plan:
    schema = kb.searcher().schema
    text = " ".join(query.text.split()[:MAX_QUERY_WORDS])
    codes = list(query.codes)
    corrections = spelling_fixes(kb, text, codes) if correct else []
    also = " ".join([*(fixed for _, fixed in corrections), _hex_words(text), _file_names(text)])
    phrasing_of = (phrasings_by_stem(text)
                   if len(text.split()) <= PHRASING_MAX_WORDS and correct else {})
    phrasings = list(dict.fromkeys(p for each in phrasing_of.values() for p in each))
    terms: dict[str, dict[str, float]] = {}
    for fieldname in FIELDS:
        if fieldname not in schema:
            continue
        weights = dict.fromkeys(analyse(fieldname, text), 1.0)
        if also and fieldname != "pairs":
            for word in analyse(fieldname, also):
                weights.setdefault(word, CORRECTED_WEIGHT)
        for phrase in phrasings:
            for word in analyse(fieldname, phrase):
                weights.setdefault(word, PHRASING_WEIGHT)
        if weights:
            terms[fieldname] = weights
    typed = [stem for stem in dict.fromkeys(analyse("title", text))
             if stem not in {typed.lower() for typed, _ in corrections}]
    fixed = analyse("title", " ".join(fixed for _, fixed in corrections))
    beside, words_only = words_beside(query)
    code_tokens = _code_tokens(codes)
    said = [stem for stem in dict.fromkeys([*typed, *fixed])
            if stem not in code_tokens and stem not in CODE_WORDS
            and not (codes and _CODE_LIKE.fullmatch(stem))]
    word_terms = None
    if beside:
        word_terms = {}
        for fieldname, weights in terms.items():
            kept = {term: weight for term, weight in weights.items()
                    if not any(part in code_tokens or part in CODE_WORDS
                               or _CODE_LIKE.fullmatch(part) for part in term.split("~"))}
            if kept:
                word_terms[fieldname] = kept
    stems_of = {stem: tuple(dict.fromkeys(s for phrase in phrases
                                          for s in analyse("title", phrase)))
                for stem, phrases in phrasing_of.items()}
    return Plan(codes, terms, corrections, {*typed, *fixed}, said, beside, words_only,
                stems_of, word_terms)
