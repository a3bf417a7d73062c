"""Search pages: results for what a person typed, and every article with a code."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)

from app.articles.ids import article_id, permalink_for
from app.codes.decode import as_written, decode, short_hex
from app.codes.labels import label as code_label
from app.codes.recognise import as_code
from app.query.typed import MAX_QUERY_CHARS, Query, read_query
from app.search.nearcodes import NearCode, near_codes
from app.search.results import SearchResults, search
from app.web.handover import Handover, handover
from app.web.knowledge import get_kb
from app.web.overlay import shaping_for
from app.web.presenters import PAGE_PROBLEM, Pager, SearchBox, page_argument, page_number, pager
from app.web.recording import get_activity

bp = Blueprint("search", __name__)

PER_PAGE = 10
CODE_PAGE = 50  # articles a /codes/<code> page lists
# A query this long, or a message with a code, is a paste: the page heads it with a
# short line and keeps the whole text one click away, so the first result shows.
PASTE_CHARS = 80


@bp.app_context_processor
def search_box() -> dict[str, SearchBox]:
    """Every page has a search box, most of them in the header, whose text is what was
    searched; a longer text would be cut, so the box takes no more than a search reads."""
    text = request.args.get("q", "") if has_request_context() else ""
    return {"search_box": SearchBox(text, MAX_QUERY_CHARS)}


@dataclass(frozen=True)
class FacetLink:
    name: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class Links:
    """Every link a results page offers, built here so the template only displays."""

    suggestion: str | None  # search the corrected text
    as_typed: str | None  # search the words exactly as typed
    all_products: str | None  # drop the product filter
    facets: list[FacetLink]
    pager: Pager  # previous, next and first page, with the text, product and as_typed kept
    wizard: str
    words_only: str | None  # the words typed beside the codes, searched alone
    near: list[tuple[str, list[tuple[NearCode, str]]]]  # per code nobody carries: near ones


@dataclass(frozen=True)
class Heading:
    """How the page names what was searched: the text itself, or for a paste a short
    line (its codes) with the whole text one click away."""

    pasted: bool
    codes: list[str]  # labels of the codes read from it
    clipped: bool  # only the first MAX_QUERY_CHARS were read
    max_chars: int


def heading(query: Query) -> Heading:
    pasted = len(query.text) > PASTE_CHARS or bool(
        query.codes and query.is_message and len(query.text) > PASTE_CHARS // 2)
    return Heading(pasted, [code_label(code) for code in query.codes], query.clipped,
                   MAX_QUERY_CHARS)


def _search_url(**args: str | int | None) -> str:
    return url_for("search.results", **{k: v for k, v in args.items() if v not in (None, "")})


def _wizard_url(text: str) -> str:
    return url_for("troubleshoot.wizard", q=text)


def _near(results: SearchResults, text: str) -> list[tuple[str, list[tuple[NearCode, str]]]]:
    """For each code typed that no article has, carried or mentioned: its name as
    typed and the near ones."""
    near = []
    for code in results.codes:
        if results.articles_per_code.get(code):
            continue
        found = near_codes(get_kb(), code)
        if found:
            near.append((as_written(code, text) or code_label(code),
                         [(each, url_for("search.code", code=each.code)) for each in found]))
    return near


def _links(found: SearchResults, text: str, product: str | None, as_typed: bool) -> Links:
    keep = {"q": text, "product": product, "as_typed": 1 if as_typed else None}
    facets = [
        FacetLink(facet.name, facet.count,
                  _search_url(**{**keep, "product": facet.name}), facet.name == product)
        for facet in found.facets
    ]
    return Links(
        suggestion=_search_url(q=found.suggestion, product=product) if found.suggestion else None,
        as_typed=_search_url(q=text, product=product, as_typed=1) if found.suggestion else None,
        all_products=_search_url(**{**keep, "product": None}) if product else None,
        facets=facets,
        pager=pager(found.page, found.pages, lambda page: _search_url(**keep, page=page)),
        wizard=_wizard_url(text),
        words_only=_search_url(q=found.words_only, product=product) if found.words_only else None,
        near=_near(found, text) if found.codes else [],
    )


@bp.get("/search")
def results():
    typed = " ".join(request.args.get("q", "").split())
    if not typed:
        return render_template("search/empty.html")
    identifier = article_id(typed)
    if identifier and get_kb().store().path_of(identifier):
        return redirect(permalink_for(identifier))
    product = request.args.get("product", "").strip() or None
    as_typed = request.args.get("as_typed") == "1"
    page = page_number()
    if page is None:
        first = _search_url(q=typed, product=product, as_typed=1 if as_typed else None)
        return render_template("search/bad_page.html", message=PAGE_PROBLEM,
                               first_url=first), 400
    query = read_query(typed)
    text = query.text  # at most MAX_QUERY_CHARS: what was searched
    found = search(get_kb(), query, page=page, per_page=PER_PAGE, product=product,
                   correct=not as_typed, shaping=shaping_for(query))
    if found.total == 0 and product is None and any(c.isalnum() for c in text):
        get_activity().record_missed_search(text)  # what is missing, not who asked
    return render_template(
        "search/results.html", results=found, text=text, product=product,
        decoded=[decode(code, as_written(code, text)) for code in found.codes],
        heading=heading(query),
        links=_links(found, text, product, as_typed),
        handover=_results_handover(found, text),
    )


def _results_handover(found: SearchResults, text: str) -> Handover:
    """What a person searched for and saw, for the help desk."""
    link = request.url
    lines = [f"Searched for: {text}"]
    if found.codes:
        codes = (as_written(code, text) or code_label(code) for code in found.codes)
        lines.append(f"Error codes read from it: {', '.join(codes)}")
    lines.append(f"Results: {found.total} articles"
                 + (f"; the first: {found.hits[0].id} ({found.hits[0].title})" if found.hits
                    else ""))
    lines.append(f"This page: {link}")
    return handover("\n".join(lines), "Help needed: " + text, link)


@bp.get("/codes/<code>")
def code(code: str):
    """Every article with a code. A hexadecimal value written short of its eight digits
    (`0x800CCC9`) keeps its own address, so the page speaks of what was typed."""
    canonical = as_code(code)
    if canonical is None:
        abort(404, description=f"{code!r} is not an error code this site recognises.")
    written = short_hex(code)
    if (written or canonical) != code:
        return redirect(url_for("search.code", code=written or canonical), code=301)
    decoded = decode(canonical, written)
    page = page_argument()
    query = read_query(canonical)
    found = search(get_kb(), query, page=page, per_page=CODE_PAGE, codes_only=True,
                   shaping=shaping_for(query))
    near = [(each, url_for("search.code", code=each.code))
            for each in near_codes(get_kb(), canonical, even_if_carried=decoded.incomplete)
            ] if decoded.incomplete or not found.total else []
    return render_template(
        "search/code.html", decoded=decoded, results=found, near=near,
        label=decoded.name, text_search=_search_url(q=decoded.name),
        pager=pager(found.page, found.pages,
                    lambda page: url_for("search.code", code=code, page=page)),
    )
