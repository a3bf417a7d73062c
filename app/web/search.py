"""Search pages: results for what a person typed, and every article with a code."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from app.articles import article_id, permalink_for
from app.errorcodes import decode, normalise
from app.search import search
from app.web.knowledge import get_kb

bp = Blueprint("search", __name__)

PER_PAGE = 10


def page_argument() -> int:
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        abort(400, description="The page number must be a whole number from 1.")
    return int(page)


@bp.get("/search")
def results():
    text = request.args.get("q", "").strip()
    if not text:
        return redirect(url_for("pages.home"))
    identifier = article_id(text.removeprefix("KB").removeprefix("kb"))
    if identifier and get_kb().store().path_of(identifier):
        return redirect(permalink_for(identifier))
    found = search(get_kb(), text, page=page_argument(), per_page=PER_PAGE,
                   product=request.args.get("product") or None)
    return render_template("search/results.html", results=found,
                           decoded=[decode(code) for code in found.codes])


@bp.get("/codes/<code>")
def code(code: str):
    canonical = normalise(code)
    if canonical is None:
        abort(404, description=f"{code!r} is not an error code this site recognises.")
    if canonical != code:
        return redirect(url_for("search.code", code=canonical), code=301)
    found = search(get_kb(), canonical, page=page_argument(), per_page=50)
    return render_template("search/code.html", decoded=decode(canonical), results=found)
