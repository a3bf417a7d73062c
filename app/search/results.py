"""Search: what a person typed, to ranked articles.

User text is never given to a query parser. It is read three ways, each with the
analyzers of the schema (app/index.py), so `AND`, `*`, `:` or an unbalanced quote
are just characters:

1. error codes, typed any way (`800ccc90`, `stop 0xde`, `error #10053`), matched on
   the canonical `codes` field and, for articles whose text mentions the code in a
   form the strict indexer did not take as a code, on the words around it
   (`error 10053`, `event id 1020`). An article with the code always ranks above
   one without it;
2. words, scored with BM25 per field (title and symptoms above the body, the
   quoted messages above both), and adjacent word pairs (`pairs`), so a phrase
   ranks above the same words scattered, and a pasted message with one typo still
   matches on every pair the typo does not touch;
3. a word nobody wrote (`printr`) is also searched as the nearest word that
   articles do use, which the page offers as "did you mean".

The words are scored by BM25 over postings held as arrays (app/scoring.py); the
codes, the page, the facets and the reasons are done here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from markupsafe import escape
from whoosh import query as q
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight
from whoosh.searching import Searcher

from app.articles.sections import SYMPTOM_SECTIONS
from app.codes.recognise import codes_in_query
from app.index.schema import make_schema
from app.search.readers import KnowledgeBase
from app.search.scoring import FIELDS, Postings, best, bm25, postings_of

MAX_QUERY_CHARS = 1000
MAX_QUERY_WORDS = 60
MAX_RESULTS = 300  # ranked, counted, paged and faceted; nobody reads past page 30
RELEVANCE_FLOOR = 0.2  # of the best score: below it a hit is noise, not a result
CODE_TIER = 1000.0  # an article with the typed code outranks every article without it
CODE_IN_TEXT = 0.8  # ... a little less when only its text mentions the code
CODE_ABOUT = 0.6  # ... or only its query words or references
# A code in more articles than this (`error 2`, `HTTP 404`) tells them apart no better
# than a word: it weighs like a strong phrase, not like a tier above everything.
DECISIVE_CODE = 50
COMMON_CODE = 20.0
CORRECTED_WEIGHT = 0.9
MAX_CORRECTIONS = 3
KNOWN_STEM_RATIO = 10  # see _correction
# What people type for don't, can't...: articles have the words, with an apostrophe.
CONTRACTIONS_TYPED = frozenset({
    "dont", "cant", "wont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "couldnt",
    "shouldnt", "wouldnt", "havent", "hasnt", "hadnt", "thats", "whats", "theres", "youre",
    "theyre", "youve", "theyve", "youll",
})
SCHEMA = make_schema()


@dataclass
class Hit:
    id: str
    title: str
    url: str
    products: list[str]
    date: datetime | None
    score: float
    snippet: str = ""
    matched_codes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    """Why it matched, in plain words: the code, the message, the title."""


@dataclass(frozen=True)
class Facet:
    name: str
    count: int


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    page: int
    pages: int
    codes: list[str]
    suggestion: str | None = None
    """The text with misspelled words corrected, when one was (its results are included)."""
    corrections: list[tuple[str, str]] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    """Products of the results before the product filter, most frequent first."""
    product: str | None = None
    per_page: int = 10


# --- reading what was typed --------------------------------------------------------------


@dataclass
class _Plan:
    codes: list[str]
    terms: dict[str, dict[str, float]]  # field -> term -> weight
    corrections: list[tuple[str, str]]
    stems: set[str]  # for highlighting
    title_stems: list[str]


def _analyse(fieldname: str, text: str) -> list[str]:
    """Words of the text as the index has them (the schema of this code, not the one
    pickled with an index, so a fix to an analyzer applies at once)."""
    return [token.text for token in SCHEMA[fieldname].analyzer(text)]


def _code_forms(schema, code: str) -> dict[float, q.Query]:
    """Ways an article may write a canonical code, as queries by tier: its text (title,
    symptoms, body, messages), then what is about it (query words, references)."""
    family, _, rest = code.partition("-")
    forms: list[list[str]]
    if re.fullmatch(r"0x[0-9A-F]{8}", code):
        value = int(code, 16)
        forms = [[f"0x{value:08x}"], [f"0x{value:x}"]]
        if value >= 0x10000000:
            forms.append([f"{value:08x}"])
    elif family == "STOP":
        value = int(rest, 16)
        forms = [["stop", f"0x{value:08x}"], ["stop", f"0x{value:x}"], ["stop", f"{value:x}"]]
    elif family in ("ERROR", "RUNTIME", "EVENT", "ASP", "HTTP"):
        word = "error" if family in ("ERROR", "RUNTIME") else family.lower()
        number = int(rest)
        forms = [[word, str(number)]]
        if 0 <= number < 1000:  # ASP 0113, error #0020
            forms.append([word, f"{number:04d}"])
    else:  # a symbolic name or a compiler message number: one word
        forms = [[code]]
    tiers: dict[float, q.Query] = {}
    for tier, fieldnames in ((CODE_IN_TEXT, ("title", "symptoms", "body", "messages")),
                             (CODE_ABOUT, ("extra",))):
        queries: list[q.Query] = []
        for fieldname in fieldnames:
            if fieldname not in schema:
                continue
            for form in forms:
                words = [_analyse(fieldname, part) for part in form]
                if not all(words):  # `4` in `error 4` is too short for the stemmed fields
                    continue
                tokens = [token for part in words for token in part]
                if len(tokens) == 1:
                    queries.append(q.Term(fieldname, tokens[0]))
                elif tokens:
                    queries.append(q.Phrase(fieldname, tokens, slop=3, degrade=True))
        if queries:
            tiers[tier] = q.Or(queries)
    return tiers


_ASP_TYPED = re.compile(r"\basp\W+(?:error\W+)?(\d{4})\b", re.IGNORECASE)
_HEX_TYPED = re.compile(r"(?<![\w-])(?:0x)?([0-9a-f]{4,8})(?![\w-])", re.IGNORECASE)


def _typed_codes(text: str) -> list[str]:
    """codes_in_query, and `ASP error 0113` (the words of the ASP message) as ASP-0113."""
    codes = codes_in_query(text)
    for match in _ASP_TYPED.finditer(text):
        asp = f"ASP-{match.group(1)}"
        if asp not in codes:
            wrong = f"ERROR-{int(match.group(1))}"
            codes = [asp if code == wrong else code for code in codes]
            if asp not in codes:
                codes.append(asp)
    return codes


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


def _spelling_fixes(kb: KnowledgeBase, text: str, codes: list[str]) -> list[tuple[str, str]]:
    """(typed, suggested) for words that no article uses but a near word many do.

    Never a code, an id, a number or an ALL-CAPS word: those are meant as typed; nor a
    word search leaves out (`from` is not a slip for `form`), nor `dont` for `don't`.
    """
    fixes: list[tuple[str, str]] = []
    for match in re.finditer(r"[A-Za-z][A-Za-z']*[A-Za-z]", text):
        word = match.group()
        start, end = match.span()
        before, after = text[max(0, start - 1) : start], text[end : end + 2]
        if (
            len(word) < 4
            or word.isupper()
            or "'" in word
            or (before and (before.isalnum() or before in "_.\\/"))  # part of a name or path
            or (after[:1].isdigit() or after[:1] == "_")
            or (len(after) == 2 and after[0] in ".\\/" and after[1].isalnum())
            or any(word.lower() in code.lower() for code in codes)
            or word.lower() in CONTRACTIONS_TYPED
            or not _analyse("title", word)
        ):
            continue
        fixed = _correction(kb, word.lower())
        if fixed:
            fixes.append((word, fixed))
        if len(fixes) == MAX_CORRECTIONS:
            break
    return fixes


def _correction(kb: KnowledgeBase, word: str) -> str | None:
    """The word one edit away that articles use most, if the word itself is unknown.

    Edits are generated and looked up (a few hundred probes, one query) rather than
    found by walking the vocabulary, which takes seconds on the archive. A dropped
    letter is the commonest slip, so a candidate at least as long as the word wins
    over a shorter one (`printr` is `printer` before `print`).

    A word whose stem the body uses is a real word, merely rare, unless that stem is
    itself a slip some articles share: then only a word of another stem, used many
    times as often (`recieve` is `receive`), corrects it.
    """
    searcher = kb.searcher()
    known = postings_of(searcher).corrections
    if word in known:
        return known[word]
    edits = _one_edit(word)
    frequencies = kb.store().word_frequencies([word, *edits])
    seen = frequencies.get(word, 0)
    chosen: tuple[bool, int, str] | None = None
    if seen <= 2 and not searcher.reader().doc_frequency("title", word):
        for candidate in edits:
            frequency = frequencies.get(candidate, 0)
            if frequency >= max(2, 20 * seen):
                rank = (len(candidate) >= len(word), frequency, candidate)
                if chosen is None or rank > chosen:
                    chosen = rank
    if chosen is not None:
        stem = _analyse("body", word)
        in_body = searcher.reader().doc_frequency("body", stem[0]) if stem else 0
        if in_body > 3 and (chosen[1] < KNOWN_STEM_RATIO * in_body
                            or _analyse("body", chosen[2]) == stem):
            chosen = None
    if len(known) > 10_000:
        known.clear()
    known[word] = chosen[2] if chosen else None
    return known[word]


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = "abcdefghijklmnopqrstuvwxyz"
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in letters),
        *(a + c + b for a, b in splits for c in letters),
    } - {word}


def _plan(kb: KnowledgeBase, text: str, *, correct: bool = True) -> _Plan:
    schema = kb.searcher().schema
    text = text[:MAX_QUERY_CHARS]
    text = " ".join(text.split()[:MAX_QUERY_WORDS])
    codes = _typed_codes(text)
    corrections = _spelling_fixes(kb, text, codes) if correct else []
    also = " ".join([*(fixed for _, fixed in corrections), _hex_words(text), _file_names(text)])
    terms: dict[str, dict[str, float]] = {}
    for fieldname in FIELDS:
        if fieldname not in schema:
            continue
        weights = dict.fromkeys(_analyse(fieldname, text), 1.0)
        if also and fieldname != "pairs":
            for word in _analyse(fieldname, also):
                weights.setdefault(word, CORRECTED_WEIGHT)
        if weights:
            terms[fieldname] = weights
    typed = [stem for stem in dict.fromkeys(_analyse("title", text))
             if stem not in {typed.lower() for typed, _ in corrections}]
    fixed = _analyse("title", " ".join(fixed for _, fixed in corrections))
    return _Plan(codes, terms, corrections, {*typed, *fixed}, list(dict.fromkeys([*typed, *fixed])))


# --- scoring -----------------------------------------------------------------------------


@dataclass
class _Scored:
    scores: np.ndarray  # every article's score, by docnum (0: no match)
    carried: dict[int, list[str]]  # the typed codes each article carries
    mentioned: dict[int, list[str]]  # ... or only mentions in its text


def _scores(searcher: Searcher, plan: _Plan) -> _Scored:
    reader = searcher.reader()
    scores = bm25(searcher, plan.terms)
    carried: dict[int, list[str]] = {}
    mentioned: dict[int, list[str]] = {}
    for code in plan.codes:
        tiers: dict[int, float] = {}
        for tier, query in _code_forms(searcher.schema, code).items():
            for docnum in searcher.docs_for_query(query):
                tiers[docnum] = max(tier, tiers.get(docnum, 0.0))
        if "codes" in searcher.schema and reader.doc_frequency("codes", code.lower()):
            for docnum in reader.postings("codes", code.lower()).all_ids():
                carried.setdefault(docnum, []).append(code)
                tiers[docnum] = 1.0
        bonus = CODE_TIER if len(tiers) <= DECISIVE_CODE else COMMON_CODE
        for docnum, tier in tiers.items():
            if tier < 1.0:
                mentioned.setdefault(docnum, []).append(code)
            scores[docnum] += bonus * tier
    return _Scored(scores, carried, mentioned)


def _relevant(ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    if not ranked:
        return ranked
    floor = ranked[0][1] * RELEVANCE_FLOOR
    return [item for item in ranked if item[1] >= floor]


# --- what a results page shows ----------------------------------------------------------


def _reasons(postings: Postings, plan: _Plan, docnum: int, carried: list[str],
             mentioned: list[str]) -> list[str]:
    reasons = []
    if carried:
        reasons.append(f"It is about the error code {', '.join(carried)}.")
    if mentioned:
        reasons.append(f"Its text mentions {', '.join(mentioned)}.")
    pairs = list(plan.terms.get("pairs", {}))
    if len(pairs) >= 3:
        quoted = sum(postings.has("pairs", pair, docnum) for pair in pairs)
        if quoted >= max(3, len(pairs) // 2):
            reasons.append("It quotes the message you typed.")
    stems = plan.title_stems
    in_title = [stem for stem in stems if postings.has("title", stem, docnum)]
    if in_title and len(in_title) * 2 >= len(stems):
        reasons.append(f"Its title has {len(in_title)} of your {len(stems)} words.")
    elif not reasons and stems:
        in_symptoms = [s for s in stems if postings.has("symptoms", s, docnum)]
        if in_symptoms:
            reasons.append(f"Its symptoms have {len(in_symptoms)} of your {len(stems)} words.")
        else:
            reasons.append("Some of your words are in its text.")
    return reasons


def _snippet(kb: KnowledgeBase, article_id: str, stems: set[str]) -> str:
    """The symptoms (or the best section) around the matched words, as safe HTML."""
    article = kb.store().get(article_id)
    if article is None or not article.sections:
        return ""
    sections = sorted(
        article.sections,
        key=lambda s: (s.title.upper() not in SYMPTOM_SECTIONS, article.sections.index(s)),
    )
    analyzer = SCHEMA["body"].analyzer
    fragmenter = ContextFragmenter(maxchars=240, surround=70)
    formatter = HtmlFormatter(tagname="mark", classname="match", termclass="term", between=" … ")
    for section in sections[:2]:
        text = section.text[:1500]
        marked = highlight(text, stems, analyzer, fragmenter, formatter, top=2) if stems else ""
        if marked:
            return marked
    plain = " ".join(sections[0].text.split())
    return str(escape(plain[:240])) + (" …" if len(plain) > 240 else "")


def _apply_corrections(text: str, corrections: list[tuple[str, str]]) -> str:
    for typed, fixed in corrections:
        text = re.sub(rf"(?<![\w']){re.escape(typed)}(?![\w'])", fixed, text)
    return text


def search(
    kb: KnowledgeBase, text: str, *, page: int = 1, per_page: int = 10,
    product: str | None = None, correct: bool = True, codes_only: bool = False,
) -> SearchResults:
    """One page of results, with facets, "did you mean", snippets and reasons.

    `correct=False` searches the words exactly as typed (the "search instead for"
    link of a corrected search); `codes_only` keeps only the articles that carry or
    mention a code of the text (the /codes/<code> page).
    """
    searcher = kb.searcher()
    plan = _plan(kb, text, correct=correct)
    suggestion = _apply_corrections(text, plan.corrections) if plan.corrections else None
    if not plan.terms and not plan.codes:
        return SearchResults(text, 0, [], 1, 0, plan.codes, product=product, per_page=per_page)
    postings = postings_of(searcher)
    scored = _scores(searcher, plan)
    with_code = None
    if codes_only:
        with_code = np.zeros(postings.size, dtype=bool)
        with_code[[*scored.carried, *scored.mentioned]] = True
    ranked = _relevant(best(scored.scores, MAX_RESULTS, with_code))
    counts = Counter(p for docnum, _ in ranked for p in postings.products_of(searcher, docnum))
    facets = [Facet(name, count) for name, count in counts.most_common(12)]
    if product:
        of_product = postings.of_product(searcher, product)
        if with_code is not None:
            of_product = of_product & with_code
        ranked = _relevant(best(scored.scores, MAX_RESULTS, of_product))
    total = len(ranked)
    pages = max(1, -(-total // per_page)) if total else 0
    page = max(1, page)
    hits = []
    for docnum, score in ranked[(page - 1) * per_page : page * per_page]:
        stored = searcher.stored_fields(docnum)
        carried = scored.carried.get(docnum, [])
        hits.append(Hit(
            id=stored["id"],
            title=stored.get("title", stored["id"]),
            url=stored.get("permalink", ""),
            products=[p for p in stored.get("products", "").split(",") if p],
            date=stored.get("date"),
            score=round(score, 3),
            snippet=_snippet(kb, stored["id"], plan.stems),
            matched_codes=list(carried),
            reasons=_reasons(postings, plan, docnum, carried, scored.mentioned.get(docnum, [])),
        ))
    return SearchResults(
        text, total, hits, page, pages, plan.codes, suggestion=suggestion,
        corrections=plan.corrections, facets=facets, product=product, per_page=per_page,
    )


def rank(kb: KnowledgeBase, text: str, limit: int) -> list[tuple[str, float]]:
    """(article id, score), best first: the wizard's candidates, without page work."""
    searcher = kb.searcher()
    plan = _plan(kb, text)
    if not plan.terms and not plan.codes:
        return []
    return [
        (searcher.stored_fields(docnum)["id"], round(score, 3))
        for docnum, score in best(_scores(searcher, plan).scores, limit)
    ]


def search_ids(index_dir: Path, query: str, limit: int) -> list[str]:
    """Ranked ids only: the benchmark's view of search."""
    kb = _benchmark_kbs.setdefault(str(index_dir), KnowledgeBase(Path(index_dir)))
    return [article_id for article_id, _ in rank(kb, query, limit)]


_benchmark_kbs: dict[str, KnowledgeBase] = {}
