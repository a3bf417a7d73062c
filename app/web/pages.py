"""Pages a person reads: home, articles, products; old id forms redirect.

An article page takes `?q=<what was searched>` and marks those words in its
sections (`/kb/198/Q198704/?q=0x800ccc90#workaround`), and carries the
"Was this helpful?" form, which posts to `/kb/<folder>/<id>/feedback`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, HTTPException

from app.activity.breaker import DatabaseUnavailableError
from app.activity.log import MAX_COMMENT
from app.articles.ids import ID_DIGITS, article_id, permalink_for
from app.articles.model import Article
from app.markup.highlight import decorate, query_terms
from app.markup.kbtext import resolve_code_links
from app.search.related import related_articles
from app.web.errors import DATABASE_RETRY_AFTER, database_unavailable
from app.web.filters import thousands
from app.web.forms import FormGuard
from app.web.handover import handover
from app.web.knowledge import article_or_404, get_kb
from app.web.overlay import not_retired
from app.web.presenters import code_url, page_argument, pager
from app.web.recording import get_activity

bp = Blueprint("pages", __name__)

ID_IN_PATH = re.compile(rf"^(?:kb/)?(?:\d{{3}}/)?(?:kb|q)?({ID_DIGITS})/?$", re.IGNORECASE)
PRODUCT_PAGE = 50
FEEDBACK_FORM = FormGuard(cookie="kb_form", path="/kb/", bucket="feedback")
RELATED = 6
# ids the article page itself uses, which no sub-heading may take
PAGE_IDS = {"main", "toc-title", "related-title", "feedback", "feedback-title", "comment",
            "comment-hint", "q", "q-top"}


@bp.record_once
def _set_up(state) -> None:
    FEEDBACK_FORM.install(state.app)


@dataclass
class SectionView:
    title: str
    anchor: str
    html: Markup
    share_url: str
    headings: list[tuple[str, str]]  # (text, anchor) of its sub-headings


@bp.get("/")
def home():
    store = get_kb().store()
    return render_template("pages/home.html", products=store.products(),
                           total=store.count())


def _canonical_redirect(identifier: str):
    """301 to the permalink, keeping `?q=` so a highlighted link survives."""
    target = permalink_for(identifier)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, code=301)


def _sections(article: Article, query: str) -> tuple[list[SectionView], int]:
    terms = query_terms(query) if query else frozenset()
    permalink = url_for("pages.article", folder=article.number // 1000, ident=article.id,
                        _external=True)
    taken = PAGE_IDS | {s.anchor for s in article.sections} | {
        f"h-{s.anchor}" for s in article.sections}
    views, marked = [], 0
    for section in article.sections:
        html = resolve_code_links(section.html, code_url)
        done = decorate(html, terms, taken)
        marked += done.marked
        # Sanitised at index time; decorate() only adds <mark> and heading ids.
        views.append(SectionView(section.title, section.anchor, Markup(done.html),
                                 f"{permalink}#{section.anchor}", done.headings))
    return views, marked


@bp.get("/kb/<int:folder>/<ident>/")
def article(folder: int, ident: str):
    identifier = article_id(ident)
    if identifier is None:
        abort(404, description=f"There is no article {ident!r}.")
    if request.path != permalink_for(identifier):
        return _canonical_redirect(identifier)
    kb = get_kb()
    found = kb.store().get(identifier)
    if found is None:
        abort(404, description=f"There is no article {identifier} in this knowledge base.")
    query = " ".join(request.args.get("q", "").split())[:200]
    sections, marked = _sections(found, query)
    return render_template(
        "pages/article.html",
        article=found,
        sections=sections,
        nested_toc=any(section.headings for section in sections),
        query=query,
        marked=marked,
        related=not_retired(related_articles(kb, found, limit=RELATED, similar=False)),
        more_related=f"{permalink_for(found.id)}related",
        token=FEEDBACK_FORM.token(found.id),
        thanks=request.args.get("thanks") == "1",
        max_comment=MAX_COMMENT,
        handover=handover(f"Read article {found.id}: {found.title}\nThis page: {request.url}",
                          f"Help needed: {found.id} {found.title}", request.url),
    )


@bp.post("/kb/<int:folder>/<ident>/feedback")
def feedback(folder: int, ident: str):
    """Record one "Was this helpful?" vote, then back to the article (POST/redirect/GET)."""
    identifier = article_id(ident)
    if identifier is None or get_kb().store().path_of(identifier) is None:
        abort(404, description=f"There is no article {ident!r} to give feedback on.")
    back = permalink_for(identifier) + "#feedback"
    problem = FEEDBACK_FORM.problem(identifier)
    if problem:
        raise _not_saved(BadRequest(f"Your feedback was not saved. {problem}"), back)
    too_many = FEEDBACK_FORM.over_limit("Your feedback was not saved: too many votes")
    if too_many:
        raise _not_saved(too_many, back)
    helpful = request.form.get("helpful", "")
    if helpful not in {"yes", "no"}:
        raise _not_saved(BadRequest("Your feedback was not saved: choose Yes or No."), back)
    # Browsers count a line break as one character against maxlength but send "\r\n".
    comment = request.form.get("comment", "").replace("\r\n", "\n").strip()
    if len(comment) > MAX_COMMENT:
        # Give the text back to edit rather than lose it.
        problem = (f"Your feedback was not saved: the comment is {thousands(len(comment))} "
                   f"characters long and the limit is {thousands(MAX_COMMENT)}. Shorten it "
                   "and send it again.")
        return render_template(
            "pages/feedback_retry.html", article=get_kb().store().get(identifier),
            token=request.form.get("token", ""), comment=comment, problem=problem,
            max_comment=MAX_COMMENT,
        ), 400
    get_activity().record_vote(identifier, helpful == "yes", comment)
    return redirect(permalink_for(identifier) + "?thanks=1#feedback", code=303)


@bp.errorhandler(DatabaseUnavailableError)
def _database_away(error: DatabaseUnavailableError):
    """A vote the database could not take: the form again, with the comment in it."""
    article = None
    if request.endpoint == "pages.feedback":
        identifier = article_id(request.view_args.get("ident", "")) if request.view_args else None
        article = get_kb().store().get(identifier) if identifier else None
    if article is None:
        return database_unavailable(error)
    comment = request.form.get("comment", "").replace("\r\n", "\n").strip()[:MAX_COMMENT]
    return render_template(
        "pages/feedback_retry.html", article=article, token=request.form.get("token", ""),
        comment=comment, max_comment=MAX_COMMENT, heading="Your feedback was not saved",
        problem="Your feedback could not be saved: the database that keeps it is not "
                "answering just now. Please try again in a minute.",
    ), 503, {"Retry-After": str(DATABASE_RETRY_AFTER)}


def _not_saved(error: HTTPException, back_url: str) -> HTTPException:
    """The error page then offers the way back to the form (see app.web.errors)."""
    error.back_url = back_url  # type: ignore[attr-defined]
    return error


@bp.get("/kb/<int:folder>/<ident>/feedback")
def feedback_form(folder: int, ident: str):
    """Someone who reloads or bookmarks the form's address lands on the form."""
    identifier = article_id(ident)
    if identifier is None:
        abort(404, description=f"There is no article {ident!r}.")
    return redirect(permalink_for(identifier) + "#feedback", code=303)


@bp.get("/kb/<int:folder>/<ident>/related")
def related(folder: int, ident: str):
    """Articles like this one: a page of its own, as finding them takes tens of ms."""
    identifier = article_id(ident)
    found = article_or_404(identifier, ident)
    if request.path != f"{permalink_for(identifier)}related":
        return redirect(f"{permalink_for(identifier)}related", code=301)
    return render_template("pages/related.html", article=found,
                           related=not_retired(related_articles(get_kb(), found,
                                                                limit=RELATED)))


@bp.get("/products/<slug>/")
def product(slug: str):
    store = get_kb().store()
    match = next((p for p in store.products() if p.slug == slug), None)
    if match is None:
        abort(404, description=f"There is no product {slug!r}.")
    page = page_argument()
    pages = max(1, (match.count + PRODUCT_PAGE - 1) // PRODUCT_PAGE)
    if page > pages:
        abort(404, description=f"{match.name} has {pages} page{'s' if pages > 1 else ''} "
                               "of articles.")
    articles = [
        dict(item, url=permalink_for(item["id"]))
        for item in store.articles_of_product(slug, (page - 1) * PRODUCT_PAGE, PRODUCT_PAGE)
    ]
    return render_template("pages/product.html", product=match, articles=articles, page=page,
                           pages=pages, pager=pager(page, pages, partial(_product_url, slug)))


def _product_url(slug: str, page: int | None) -> str:
    return url_for("pages.product", slug=slug, page=page)


@bp.get("/opensearch.xml")
def opensearch():
    xml = render_template("pages/opensearch.xml",
                          search_url=url_for("search.results", _external=True),
                          home_url=url_for("pages.home", _external=True),
                          icon_url=url_for("static", filename="favicon.svg", _external=True))
    return Response(xml, mimetype="application/opensearchdescription+xml")


@bp.get("/<path:anything>")
def article_by_id(anything: str):
    """`/Q198704`, `/kb/Q198704`, `/KB198704`, `/198704`: the permalink, for good."""
    match = ID_IN_PATH.match(anything)
    if match is None:
        abort(404, description="There is no page at this address.")
    return _canonical_redirect(f"Q{int(match.group(1))}")
