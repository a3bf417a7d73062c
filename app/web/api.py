"""The JSON API: stable shapes for the helpdesk's own tools (documented in the README).

Every answer is JSON, errors included: `{"error", "message", "status"}` with a 4xx
status (see `app.web.errors`). URLs in answers are absolute, so a tool can paste them.
The shapes are built in `app.web.presenters`; the views here only read arguments.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from app.articles.ids import article_id
from app.codes.decode import decode
from app.codes.recognise import as_code
from app.query.typed import MAX_QUERY_CHARS, read_query
from app.search.carriers import articles_with_code
from app.search.results import search
from app.search.suggest import MAX_TYPED, suggest
from app.web.knowledge import article_or_404, get_kb
from app.web.overlay import overlay_json, shaping_for, without_retired
from app.web.presenters import (
    FIRST_PAGE,
    LAST_PAGE,
    article_json,
    code_json,
    code_url,
    product_json,
    search_json,
    suggestion_json,
)

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_LIMIT = 100


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
    page = _whole_number("page", 1, FIRST_PAGE, LAST_PAGE)
    product = request.args.get("product", "").strip()
    query = read_query(text)
    found = search(get_kb(), query, page=page, per_page=limit,
                   product=_product_name(product) if product else None,
                   shaping=shaping_for(query))
    return jsonify(search_json(text, found))


@bp.get("/suggest")
def suggestions():
    """What the search box offers as a person types: codes, article ids, titles."""
    typed = request.args.get("q", "")
    if len(typed) > MAX_TYPED:
        typed = typed[:MAX_TYPED]
    found = without_retired(suggest(get_kb(), typed, code_url))
    response = jsonify(query=typed, suggestions=[suggestion_json(each) for each in found])
    response.cache_control.max_age = 300
    response.cache_control.public = True
    return response


@bp.get("/articles/<ident>")
def article(ident: str):
    found = article_or_404(article_id(ident), ident)
    return jsonify({**article_json(found), **overlay_json(found.id)})


@bp.get("/codes/<path:code>")
def code(code: str):
    canonical = as_code(code)
    if canonical is None:
        abort(404, description=f"{code!r} is not an error code this site recognises.")
    limit = _whole_number("limit", 20, 1, MAX_LIMIT)
    found = articles_with_code(get_kb(), canonical, per_page=limit,
                               shaping=shaping_for(read_query(canonical)))
    return jsonify(code_json(decode(canonical, written=code), found))


@bp.get("/products")
def products():
    return jsonify(products=[product_json(p) for p in get_kb().store().products()])


@bp.get("/troubleshoot")
def troubleshoot():
    """One step of the troubleshooting wizard (shape documented in the README)."""
    from app.web.troubleshoot import api_step

    return jsonify(api_step())
