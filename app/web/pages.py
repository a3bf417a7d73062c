"""Pages a person reads: home, articles, products; old id forms redirect."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request

from app.articles import article_id, permalink_for
from app.web.knowledge import get_kb
from app.web.search import page_argument

bp = Blueprint("pages", __name__)

ID_IN_PATH = re.compile(r"^(?:kb/)?(?:\d{3}/)?(?:kb|q)?(\d{5,7})/?$", re.IGNORECASE)


@bp.get("/")
def home():
    store = get_kb().store()
    return render_template("pages/home.html", products=store.products())


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
