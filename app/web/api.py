"""The JSON API: stable shapes for the helpdesk's own tools (documented in the README).

Every answer is JSON, errors included: `{"error", "message", "status"}` with a 4xx
status (see `app.web.errors`). URLs in answers are absolute, so a tool can paste them.
"""

from __future__ import annotations

import re
from html import unescape

from flask import Blueprint, abort, jsonify, request, url_for

from app.articles.ids import article_id
from app.codes.decode import decode
from app.codes.recognise import normalise
from app.markup.kbtext import resolve_code_links
from app.query.typed import MAX_QUERY_CHARS, read_query
from app.search.codes import articles_with_code
from app.search.results import search
from app.web.knowledge import get_kb

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_LIMIT = 100
TAGS = re.compile(r"<[^>]+>")


def _absolute(path: str) -> str:
    return request.host_url.rstrip("/") + path


def _whole_number(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, str(default)).strip()
    if not value.isdigit() or not low <= int(value) <= high:
        abort(400, description=f"{name} must be a whole number from {low} to {high}.")
    return int(value)


def _product_name(value: str) -> str:
    """A product by its name or its slug (`microsoft-exchange`), as search filters by name."""
    for product in get_kb().store().products():
        if value in (product.name, product.slug):
            return product.name
    abort(400, description=f"There is no product {value!r}; GET /api/products lists them.")


def _plain(snippet: str) -> str:
    return " ".join(unescape(TAGS.sub("", snippet)).split())


@bp.get("/stats")
def stats():
    store = get_kb().store()
    return jsonify(
        articles=store.count(), skipped=len(store.skipped()), products=len(store.products())
    )


@bp.get("/search")
def search_articles():
    text = " ".join(request.args.get("q", "").split())
    if not text:
        abort(400, description="Give the text to search for as q, e.g. /api/search?q=0x800CCC90")
    if len(text) > MAX_QUERY_CHARS:
        abort(400, description=f"q is longer than {MAX_QUERY_CHARS:,} characters.")
    limit = _whole_number("limit", 10, 1, MAX_LIMIT)
    page = _whole_number("page", 1, 1, 10_000)
    product = request.args.get("product", "").strip()
    found = search(get_kb(), read_query(text), page=page, per_page=limit,
                   product=_product_name(product) if product else None)
    return jsonify(
        query=text,
        total=found.total,
        page=found.page,
        pages=found.pages,
        codes=found.codes,
        results=[
            {
                "id": hit.id,
                "title": hit.title,
                "url": _absolute(hit.url),
                "products": hit.products,
                "date": hit.date.date().isoformat() if hit.date else None,
                "score": hit.score,
                "snippet": _plain(hit.snippet),
                "matched_codes": hit.matched_codes,
            }
            for hit in found.hits
        ],
    )


@bp.get("/articles/<ident>")
def article(ident: str):
    identifier = article_id(ident.removeprefix("KB").removeprefix("kb"))
    found = get_kb().store().get(identifier) if identifier else None
    if found is None:
        abort(404, description=f"There is no article {ident!r} in this knowledge base.")
    url = _absolute(found.permalink)

    def code_url(canonical: str) -> str:
        return _absolute(url_for("search.code", code=canonical))

    return jsonify(
        id=found.id,
        title=found.title,
        url=url,
        products=found.products,
        versions=found.versions,
        operating_systems=found.operating_systems,
        applies_to=found.applies_to,
        keywords=found.keywords,
        last_modified=found.last_modified.isoformat() if found.last_modified else None,
        codes=found.codes,
        messages=found.messages,
        sections=[
            {"title": s.title, "anchor": s.anchor, "url": f"{url}#{s.anchor}",
             "html": resolve_code_links(s.html, code_url)}
            for s in found.sections
        ],
    )


@bp.get("/codes/<path:code>")
def code(code: str):
    canonical = normalise(code)
    if canonical is None:
        abort(404, description=f"{code!r} is not an error code this site recognises.")
    limit = _whole_number("limit", 20, 1, MAX_LIMIT)
    decoded = decode(canonical)
    found = articles_with_code(get_kb(), canonical, per_page=limit)
    return jsonify(
        code=decoded.canonical,
        kind=decoded.kind,
        label=decoded.label,
        details=[{"name": name, "value": value} for name, value in decoded.details],
        url=_absolute(url_for("search.code", code=canonical)),
        total=found.total,
        articles=[
            {"id": hit.id, "title": hit.title, "url": _absolute(hit.url),
             "products": hit.products,
             "date": hit.date.date().isoformat() if hit.date else None}
            for hit in found.hits
        ],
    )


@bp.get("/products")
def products():
    return jsonify(products=[
        {"name": p.name, "slug": p.slug, "articles": p.count,
         "url": _absolute(url_for("pages.product", slug=p.slug))}
        for p in get_kb().store().products()
    ])


@bp.get("/troubleshoot")
def troubleshoot():
    """One step of the troubleshooting wizard (shape documented in the README)."""
    from app.web.troubleshoot import api_step

    return jsonify(api_step())
