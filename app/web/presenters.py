"""What the web layer hands out: the JSON shapes of the API and the view models of pages.

Views parse arguments, ask the domain, and pass its answer through a presenter here;
templates and `jsonify` only display what comes out. The JSON shapes are documented
in the README ("JSON API"), so a change here is a change of a published promise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

from flask import abort, request, url_for

from app.articles.model import Article
from app.codes.decode import DecodedCode
from app.codes.labels import label
from app.index.store import ProductCount
from app.markup.kbtext import resolve_code_links
from app.search.carriers import CodeArticles
from app.search.results import Hit, SearchResults
from app.search.suggest import Suggestion

TAGS = re.compile(r"<[^>]+>")


# --- URLs ----------------------------------------------------------------------------------


def absolute(path: str) -> str:
    """`/kb/198/Q198704/` as `http://host/kb/198/Q198704/`, for answers a tool pastes."""
    return request.host_url.rstrip("/") + path


def code_url(canonical: str) -> str:
    """The page of every article with an error code: where a code in an article links."""
    return url_for("search.code", code=canonical)


# --- JSON ----------------------------------------------------------------------------------


def _iso_day(hit: Hit) -> str | None:
    return hit.date.date().isoformat() if hit.date else None


def plain_text(snippet: str) -> str:
    """A snippet's HTML (`<mark>`s, entities) as the plain text the API promises."""
    return " ".join(unescape(TAGS.sub("", snippet)).split())


def hit_json(hit: Hit) -> dict:
    """One search result of `/api/search`."""
    return {
        "id": hit.id,
        "title": hit.title,
        "url": absolute(hit.url),
        "products": hit.products,
        "date": _iso_day(hit),
        "score": hit.score,
        "snippet": plain_text(hit.snippet),
        "matched_codes": hit.matched_codes,
        "matched_code_labels": [label(code) for code in hit.matched_codes],
        "recommended": hit.recommended or None,
    }


def search_json(text: str, found: SearchResults) -> dict:
    """The answer of `/api/search` for what was typed."""
    return {
        "query": text,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "codes": found.codes,
        "code_labels": [label(code) for code in found.codes],
        "results": [hit_json(hit) for hit in found.hits],
    }


def suggestion_json(suggestion: Suggestion) -> dict:
    """One suggestion of `/api/suggest`; its url is relative (the box follows it)."""
    return {"kind": suggestion.kind, "text": suggestion.text, "id": suggestion.id,
            "url": suggestion.url}


def article_summary_json(hit: Hit) -> dict:
    """An article in a list that is not a search: `/api/codes/<code>`'s `articles`."""
    return {"id": hit.id, "title": hit.title, "url": absolute(hit.url),
            "products": hit.products, "date": _iso_day(hit),
            "recommended": hit.recommended or None}


def article_json(article: Article) -> dict:
    """The answer of `/api/articles/<id>`: every field, sections with absolute links."""
    url = absolute(article.permalink)

    def absolute_code_url(canonical: str) -> str:
        return absolute(code_url(canonical))

    return {
        "id": article.id,
        "title": article.title,
        "url": url,
        "products": article.products,
        "versions": article.versions,
        "operating_systems": article.operating_systems,
        "applies_to": article.applies_to,
        "keywords": article.keywords,
        "last_modified": article.last_modified.isoformat() if article.last_modified else None,
        "codes": article.codes,
        "code_labels": [label(code) for code in article.codes],
        "messages": article.messages,
        "sections": [
            {"title": s.title, "anchor": s.anchor, "url": f"{url}#{s.anchor}",
             "html": resolve_code_links(s.html, absolute_code_url)}
            for s in article.sections
        ],
    }


def code_json(decoded: DecodedCode, found: CodeArticles) -> dict:
    """The answer of `/api/codes/<code>`: the code decoded, and the articles carrying it."""
    return {
        "code": decoded.canonical,
        "kind": decoded.kind,
        "label": decoded.label,
        "details": [{"name": name, "value": value} for name, value in decoded.details],
        "url": absolute(code_url(decoded.written or decoded.canonical)),
        "total": found.total,
        "articles": [article_summary_json(hit) for hit in found.hits],
    }


def product_json(product: ProductCount) -> dict:
    """One product of `/api/products`."""
    return {"name": product.name, "slug": product.slug, "articles": product.count,
            "url": absolute(url_for("pages.product", slug=product.slug))}


# --- view models ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchBox:
    """What the search box on every page needs (see `app.web.search_pages.search_box`)."""

    text: str  # what was searched, kept in the header's box
    max_chars: int  # the most a search reads (app.query.typed), the box's maxlength


@dataclass(frozen=True)
class Pager:
    """Previous and next links of a paged page, for the one `pager` macro."""

    page: int
    pages: int
    first_url: str
    previous_url: str | None
    next_url: str | None


# Page numbers a URL may ask for, on every paged page and in the API: a page past the
# results shows none, this only bounds what is parsed.
FIRST_PAGE, LAST_PAGE = 1, 10_000
PAGE_PROBLEM = f"The page number must be a whole number from {FIRST_PAGE} to {LAST_PAGE:,}."


def page_number() -> int | None:
    """The `page` argument, or None when it is not a page number."""
    page = request.args.get("page", "1").strip() or "1"
    if not page.isdigit() or not FIRST_PAGE <= int(page) <= LAST_PAGE:
        return None
    return int(page)


def page_argument() -> int:
    """The `page` argument; a 400 that says what a page number is when it is not one."""
    page = page_number()
    if page is None:
        abort(400, description=PAGE_PROBLEM)
    return page


def pager(page: int, pages: int, url_of_page: Callable[[int | None], str]) -> Pager:
    """The links around `page` of `pages`; `url_of_page(None)` is the page's own address
    without a page number (its first page), `url_of_page(n)` that of page n."""
    return Pager(
        page=page,
        pages=pages,
        first_url=url_of_page(None),
        previous_url=url_of_page(page - 1) if page > 1 else None,
        next_url=url_of_page(page + 1) if page < pages else None,
    )
