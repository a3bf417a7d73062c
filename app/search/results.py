"""Search: what a person typed, to ranked articles and a page of results.

What was typed is read into a plan (app/search/plan.py) three ways:

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

The words are scored by BM25 over postings held as arrays (app/search/scoring.py); the
codes, the page, the facets and the reasons are done here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from markupsafe import escape

from app.codes.labels import label
from app.query.typed import Query, read_query
from app.search.counts import product_counts
from app.search.plan import Plan, code_terms, plan_for
from app.search.readers import KnowledgeBase
from app.search.scoring import Postings, QueryParts, best, bm25, postings_of
from app.search.shaping import NO_SHAPING, Shaping
from app.search.shaping import apply as apply_shaping
from app.search.snippets import SNIPPET_CHARS, marked_passages
from app.text.analysis import stems_found

RELEVANCE_FLOOR = 0.2  # of the best score: below it a hit is noise, not a result
CODE_TIER = 1000.0  # a bare code: an article with it outranks every article without it
# A code typed with words beside it is strong evidence, but the words decide among the
# articles with the code, and an article whose text has the code in another form and
# whose words fit is not buried: the code weighs this many times the best words' score.
CODE_BESIDE_WORDS = 1.5
# The code's articles do not fit the words when the best of them scores below this
# share of the best words-only score: the page says so and offers the words alone.
WORDS_FIT = 0.25
# A code in more articles than this (`error 2`, `HTTP 404`) tells them apart no better
# than a word: it weighs like a strong phrase, not like a tier above everything.
DECISIVE_CODE = 50
COMMON_CODE = 20.0
# Of a long paste, the words marked in a snippet: those of the title and the rarest
# few (not every "error" and "server" of the message).
MARKED_RARE = 6
MARKED_ALL_UP_TO = 5  # a query of this many words or fewer has every word marked


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
    recommended: str = ""
    """Pinned by the help desk: who and when ("" when it is not)."""


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
    words_only: str = ""
    """The words typed beside the codes, searched alone: offered when the code's
    articles do not fit them (`words_misfit`)."""
    words_misfit: bool = False
    code_articles: int = 0  # articles that carry or mention a typed code
    articles_per_code: dict[str, int] = field(default_factory=dict)  # ... for each code

# --- scoring -----------------------------------------------------------------------------


@dataclass
class Scored:
    scores: np.ndarray  # every article's score, by docnum (0: no match)
    carried: dict[int, list[str]]  # the typed codes each article carries
    mentioned: dict[int, list[str]]  # ... or only mentions in its text
    words_misfit: bool = False  # the code's articles lack the words typed beside it


def _code_tiers(postings: Postings, code: str) -> tuple[np.ndarray, np.ndarray]:
    """Per article, how it has the code (1: carries it, less: its text mentions it, 0:
    neither), and the docnums of the articles that carry it."""
    tiers = np.zeros(postings.size, dtype=np.float32)
    for tier, terms in code_terms(code).items():
        for fieldname, term in terms:
            docnums = postings.docs(fieldname, term)[0]
            tiers[docnums] = np.maximum(tiers[docnums], tier)
    carriers = postings.docs("codes", code.lower())[0]
    tiers[carriers] = 1.0
    return tiers, carriers


COVERAGE_POWER = 1.0
COVERAGE_MAX_WORDS = 20
COVERAGE_FIELDS = ("title", "symptoms", "body", "messages", "extra")


def _coverage(asked: QueryParts, plan: Plan, scores: np.ndarray) -> None:
    """Of a description, the articles that have more of its words rank above those
    that have a few of them many times: each score is multiplied by the share of the
    typed words the article has, in any field (a word's archive phrasing counts).

    A word counts as much as one occurrence weighs in BM25 for the article's length
    (at most 1): once in a short title or symptoms is all of it, once in the body of a
    long readme or a list of documentation errors (which has every word) far less. A
    word of a typed pair the article quotes counts in full (a pasted message)."""
    typed = [term for term, weight in plan.terms.get("title", {}).items() if weight == 1.0]
    if plan.codes or not 2 <= len(typed) <= COVERAGE_MAX_WORDS:
        return
    postings = asked.postings
    matched = np.flatnonzero(scores)
    if not len(matched):
        return
    quoted: dict[str, list[str]] = {}  # a typed word's typed pairs that articles quote
    for pair, weight in plan.terms.get("pairs", {}).items():
        if weight == 1.0 and "~" in pair and postings.frequency(None, "pairs", pair):
            for stem in pair.split("~"):
                quoted.setdefault(stem, []).append(pair)
    covered = np.zeros(len(scores), dtype=np.float32)
    counted = 0
    for stem in typed:
        has = np.zeros(len(scores), dtype=np.float32)
        for word in (stem, *plan.phrasing_of.get(stem, ())):
            for fieldname in COVERAGE_FIELDS:
                if fieldname in plan.terms:
                    ids, parts = asked.term(fieldname, word)
                    has[ids] = np.maximum(has[ids], np.minimum(parts, 1.0))
        for pair in quoted.get(stem, ()):
            has[asked.term("pairs", pair)[0]] = 1.0
        if postings.any_deleted:  # a word only the old copy of an article had
            has[postings.deleted] = 0
        if has.any():
            covered += has
            counted += 1
    if counted >= 2:
        scores[matched] *= ((1 + covered[matched]) / (1 + counted)) ** COVERAGE_POWER


def scores_for(kb: KnowledgeBase, plan: Plan) -> Scored:
    asked = QueryParts(postings_of(kb))
    scores = bm25(kb, plan.word_terms if plan.beside else plan.terms, asked)
    _coverage(asked, plan, scores)
    carried: dict[int, list[str]] = {}
    mentioned: dict[int, list[str]] = {}
    words = scores.copy() if plan.beside else scores
    words_best = float(scores.max()) if len(scores) else 0.0
    with_code = np.zeros(len(scores), dtype=bool)
    postings = postings_of(kb)
    for code in plan.codes:
        tiers, carriers = _code_tiers(postings, code)
        for docnum in carriers.tolist():
            carried.setdefault(docnum, []).append(code)
        having = np.flatnonzero(tiers)
        if len(having) > DECISIVE_CODE:
            bonus = COMMON_CODE
        elif plan.beside and words_best > 0:
            bonus = CODE_BESIDE_WORDS * words_best
        else:
            bonus = CODE_TIER
        for docnum in having[tiers[having] < 1.0].tolist():
            mentioned.setdefault(docnum, []).append(code)
        scores[having] += bonus * tiers[having]
        with_code[having] = True
    misfit = False
    if plan.beside and with_code.any():
        misfit = words_best > 0 and float(words[with_code].max()) < WORDS_FIT * words_best
    return Scored(scores, carried, mentioned, misfit)


def _floor(scores: np.ndarray, only: np.ndarray | None = None) -> float:
    """The least score of a result: RELEVANCE_FLOOR of the best (and above 0)."""
    within = scores[only] if only is not None else scores
    best_score = float(within.max()) if len(within) else 0.0
    return max(best_score * RELEVANCE_FLOOR, float(np.nextafter(0, 1)))


# --- what a results page shows ----------------------------------------------------------


def _reasons(presence: _Presence, plan: Plan, docnum: int, carried: list[str],
             mentioned: list[str]) -> list[str]:
    reasons = []
    if carried:
        reasons.append(f"It is about the error code {', '.join(map(label, carried))}.")
    if mentioned:
        reasons.append(f"Its text mentions {', '.join(map(label, mentioned))}.")
    pairs = list(plan.terms.get("pairs", {}))
    if len(pairs) >= 3:
        quoted = sum(presence.has("pairs", pair, docnum) for pair in pairs)
        if quoted >= max(3, len(pairs) // 2):
            reasons.append("It quotes the message you typed.")
    stems = plan.title_stems
    in_title = [stem for stem in stems if presence.has("title", stem, docnum)]
    if in_title and len(in_title) * 2 >= len(stems):
        reasons.append(f"Its title has {len(in_title)} of your {len(stems)} words.")
    elif not reasons and stems:
        in_symptoms = [s for s in stems if presence.has("symptoms", s, docnum)]
        if in_symptoms:
            reasons.append(f"Its symptoms have {len(in_symptoms)} of your {len(stems)} words.")
        else:
            reasons.append("Some of your words are in its text.")
    return reasons


def _snippet(sources: list[str], stems: set[str]) -> str:
    """The symptoms (or the best section) around the matched words, as safe HTML."""
    for text in sources if stems else ():
        matches = stems_found(text, stems)
        if matches:
            return marked_passages(text, matches)
    plain = " ".join(sources[0].split()) if sources else ""
    return str(escape(plain[:SNIPPET_CHARS])) + (" …" if len(plain) > SNIPPET_CHARS else "")


class _Presence:
    """Which terms the page's articles have: each term's postings are looked up once for
    the page, in one vectorised search, not once for each of its ten articles."""

    def __init__(self, postings: Postings, docnums: list[int]) -> None:
        self.postings = postings
        self.page = np.asarray(sorted(set(docnums)), dtype=np.int64)
        self.having: dict[tuple[str, str], frozenset[int]] = {}

    def has(self, fieldname: str, text: str, docnum: int) -> bool:
        having = self.having.get((fieldname, text))
        if having is None:
            # Deleted copies included: the page's articles are live, and filtering
            # them out copied every posting of a common word.
            docs = self.postings.every_doc(fieldname, text)[0]
            at = np.minimum(np.searchsorted(docs, self.page), max(len(docs) - 1, 0))
            found = self.page[docs[at] == self.page] if len(docs) else self.page[:0]
            having = self.having[fieldname, text] = frozenset(found.tolist())
        return docnum in having


def _marked(postings: Postings, presence: _Presence, plan: Plan, docnum: int) -> set[str]:
    """The words to mark in a result's snippet: every word of a short query; of a long
    one, those that carried the match: the words of its title and the rarest few it has
    (not every "error", "server" and "was" of a pasted dialog)."""
    if len(plan.stems) <= MARKED_ALL_UP_TO:
        return plan.stems
    marked = {stem for stem in plan.stems if presence.has("title", stem, docnum)}
    rare = sorted(
        (postings.frequency(None, "body", stem), stem) for stem in plan.stems
        if any(presence.has(name, stem, docnum) for name in ("symptoms", "body", "messages")))
    marked.update(stem for frequency, stem in rare[:MARKED_RARE] if frequency)
    return marked & plan.stems


def _apply_corrections(text: str, corrections: list[tuple[str, str]]) -> str:
    for typed, fixed in corrections:
        text = re.sub(rf"(?<![\w']){re.escape(typed)}(?![\w'])", fixed, text)
    return text


def hits_for(kb: KnowledgeBase, ranked: list[tuple[int, float]], plan: Plan,
             scored: Scored) -> list[Hit]:
    """The results as a page or the API shows them: the page's excerpts are read in
    one query, and each term's presence once for the page."""
    searcher = kb.searcher()
    postings = postings_of(kb)
    presence = _Presence(postings, [docnum for docnum, _ in ranked])
    stored = [searcher.stored_fields(docnum) for docnum, _ in ranked]
    excerpts = kb.store().excerpts([fields["id"] for fields in stored])
    hits = []
    for (docnum, score), fields in zip(ranked, stored, strict=True):
        carried = scored.carried.get(docnum, [])
        hits.append(Hit(
            id=fields["id"],
            title=fields.get("title", fields["id"]),
            url=fields.get("permalink", ""),
            products=[p for p in fields.get("products", "").split(",") if p],
            date=fields.get("date"),
            score=round(score, 3),
            snippet=_snippet(excerpts.get(fields["id"], []),
                             _marked(postings, presence, plan, docnum)),
            matched_codes=list(carried),
            reasons=_reasons(presence, plan, docnum, carried, scored.mentioned.get(docnum, [])),
        ))
    return hits


def search(
    kb: KnowledgeBase, query: Query, *, page: int = 1, per_page: int = 10,
    product: str | None = None, correct: bool = True, codes_only: bool = False,
    shaping: Shaping = NO_SHAPING,
) -> SearchResults:
    """One page of results, with facets, "did you mean", snippets and reasons.

    `correct=False` searches the words exactly as typed (the "search instead for"
    link of a corrected search); `codes_only` keeps only the articles that carry or
    mention a code of the text (the /codes/<code> page); `shaping` is what the help
    desk pinned and retired (app/search/shaping.py).

    The total is every article above the relevance floor (not a ranking cap), the
    facets count the same articles per product, and a product's total is its facet's
    count: the floor is that of the whole search, filtered or not.
    """
    searcher = kb.searcher()
    text = query.text
    plan = plan_for(kb, query, correct=correct)
    suggestion = _apply_corrections(text, plan.corrections) if plan.corrections else None
    if not plan.terms and not plan.codes:
        return SearchResults(text, 0, [], 1, 0, plan.codes, product=product, per_page=per_page)
    postings = postings_of(kb)
    scored = scores_for(kb, plan)
    with_code = np.zeros(postings.size, dtype=bool)
    with_code[[*scored.carried, *scored.mentioned]] = True
    only = with_code if codes_only else None
    matched = scored.scores >= _floor(scored.scores, only)
    matched &= ~postings.deleted
    if only is not None:
        matched &= only
    apply_shaping(postings, scored.scores, matched, shaping)
    facets = [Facet(name, count) for name, count in product_counts(kb, matched)[:12]]
    if product:
        matched &= postings.of_product(searcher, product)
    total = int(matched.sum())
    pages = max(1, -(-total // per_page)) if total else 0
    page = max(1, page)
    ranked = best(scored.scores, page * per_page, matched) if page <= pages else []
    hits = hits_for(kb, ranked[(page - 1) * per_page : page * per_page], plan, scored)
    for hit in hits:
        hit.recommended = shaping.pinned.get(hit.id, "")
    return SearchResults(
        text, total, hits, page, pages, plan.codes, suggestion=suggestion,
        corrections=plan.corrections, facets=facets, product=product, per_page=per_page,
        words_only=plan.words_only, words_misfit=scored.words_misfit,
        code_articles=int(with_code.sum()),
        articles_per_code={code: sum(code in scored.carried.get(docnum, ())
                                     or code in scored.mentioned.get(docnum, ())
                                     for docnum in {*scored.carried, *scored.mentioned})
                           for code in plan.codes},
    )


def rank(kb: KnowledgeBase, query: Query, limit: int) -> list[tuple[str, float]]:
    """(article id, score), best first: the wizard's candidates, without page work."""
    plan = plan_for(kb, query)
    if not plan.terms and not plan.codes:
        return []
    ids = postings_of(kb).ids
    return [(ids[docnum], round(score, 3))
            for docnum, score in best(scores_for(kb, plan).scores, limit)]


def search_ids(kb: KnowledgeBase, query: str, limit: int) -> list[str]:
    """Ranked ids only: the benchmark's view of search."""
    return [article_id for article_id, _ in rank(kb, read_query(query), limit)]
