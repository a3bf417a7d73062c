"""Pages a person reads: home, search results, articles, products, codes."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for

from app.articles import article_id, permalink_for
from app.errorcodes import decode, normalise
from app.search import search
from app.web.knowledge import get_kb

bp = Blueprint("pages", __name__)

PER_PAGE = 10
ID_IN_PATH = re.compile(r"^(?:kb/)?(?:\d{3}/)?(?:kb|q)?(\d{5,7})/?$", re.IGNORECASE)


def page_argument() -> int:
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        abort(400, description="The page number must be a whole number from 1.")
    return int(page)


@bp.get("/")
def home():
    store = get_kb().store()
    return render_template("pages/home.html", products=store.products())


@bp.get("/search")
def search_page():
    text = request.args.get("q", "").strip()
    if not text:
        return redirect(url_for("pages.home"))
    identifier = article_id(text.removeprefix("KB").removeprefix("kb"))
    if identifier and get_kb().store().path_of(identifier):
        return redirect(permalink_for(identifier))
    results = search(get_kb(), text, page=page_argument(), per_page=PER_PAGE,
                     product=request.args.get("product") or None)
    return render_template("pages/search.html", results=results,
                           decoded=[decode(code) for code in results.codes])


@bp.get("/kb/<int:folder>/<ident>/")
def article(folder: int, ident: str):
    identifier = article_id(ident)
    if identifier is None:
        abort(404, description=f"There is no article {ident!r}.")
    canonical = permalink_for(identifier)
    if request.path != canonical:
        return redirect(canonical, code=301)
    found = get_kb().store().get(identifier)
    if found is None:
        abort(404, description=f"There is no article {identifier} in this knowledge base.")
    return render_template("pages/article.html", article=found)


@bp.get("/codes/<code>")
def code(code: str):
    canonical = normalise(code)
    if canonical is None:
        abort(404, description=f"{code!r} is not an error code this site recognises.")
    if canonical != code:
        return redirect(url_for("pages.code", code=canonical), code=301)
    results = search(get_kb(), canonical, page=page_argument(), per_page=50)
    return render_template("pages/code.html", decoded=decode(canonical), results=results)


@bp.get("/products/<slug>/")
def product(slug: str):
    store = get_kb().store()
    match = next((p for p in store.products() if p.slug == slug), None)
    if match is None:
        abort(404, description=f"There is no product {slug!r}.")
    page = page_argument()
    articles = [
        dict(item, url=permalink_for(item["id"]))
        for item in store.articles_of_product(slug, (page - 1) * 50, 50)
    ]
    return render_template("pages/product.html", product=match, articles=articles, page=page,
                           pages=(match.count + 49) // 50)


@bp.get("/<path:anything>")
def article_by_id(anything: str):
    """`/Q198704`, `/kb/Q198704`, `/KB198704`, `/198704`: the permalink, for good."""
    match = ID_IN_PATH.match(anything)
    if match is None:
        abort(404, description="There is no page at this address.")
    return redirect(permalink_for(f"Q{int(match.group(1))}"), code=301)
