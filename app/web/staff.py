"""Staff pages that read: the overview (missed searches and dead ends, each with a way
to act), feedback by article, one article's overlays with their forms, pins, what is
due for review, the audit log and the accounts.

Agents see every page but the audit log and accounts (leads); the forms these pages
show post to app/web/staff_edit.py. `/admin/...`, the pages' old address, redirects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from app.articles.ids import article_id
from app.query.typed import read_query
from app.search.results import search
from app.staff.accounts import ROLES, list_accounts
from app.staff.audit import actors, entries
from app.staff.edits import MAX_NOTE, MAX_REASON
from app.staff.overlays import Pin
from app.web.knowledge import get_kb
from app.web.overlay import get_overlays, shaping_for
from app.web.recording import engine, get_activity
from app.web.staff_auth import current_staff, private, staff_required
from app.wizard.drafts import draft_tree

bp = Blueprint("staff", __name__, url_prefix="/staff")
old = Blueprint("admin", __name__, url_prefix="/admin")
bp.after_request(private)  # no staff page is cached or indexed

PICK_RESULTS = 10  # articles offered when picking one to pin


@old.get("/", defaults={"rest": ""})
@old.get("/<path:rest>")
def moved(rest: str):
    """The staff pages' old address (HTTP Basic, one shared password) to the new one."""
    return redirect(url_for("staff.overview") + rest, code=301)


@bp.get("/")
@staff_required("agent")
def overview():
    log = get_activity()
    steps = log.outcomes_by_step(100)
    titles = get_kb().store().titles([o.article_id for o in steps]) if steps else {}
    overlays = get_overlays()
    return render_template(
        "staff/index.html", missed=log.top_missed_searches(50), dead_ends=log.top_dead_ends(50),
        totals=log.vote_totals(), steps=steps, titles=titles, staff=current_staff(),
        due=len(overlays.due(datetime.now(UTC).date())), notes=len(overlays.notes),
        pins=len(overlays.pins), retired=len(overlays.retired))


@bp.get("/drafts/<ident>.yaml")
@staff_required("agent")
def draft(ident: str):
    """A draft tree.yaml for an article, to save beside it and edit (see README)."""
    identifier = article_id(ident)
    found = get_kb().store().get(identifier) if identifier else None
    if found is None:
        abort(404, description=f"There is no article {ident!r} to draft a tree for.")
    text = draft_tree(found, get_activity().dead_end_texts(found.id))
    return Response(text, mimetype="application/x-yaml", headers={
        "Content-Disposition": f'attachment; filename="{found.id}.tree.yaml"'})


@bp.get("/feedback")
@staff_required("agent")
def feedback():
    log = get_activity()
    counts = log.vote_counts(200)
    titles = get_kb().store().titles([c.article_id for c in counts]) if counts else {}
    return render_template("staff/feedback.html", counts=counts, titles=titles,
                           totals=log.vote_totals(), recent=log.recent_comments(30),
                           staff=current_staff())


@bp.get("/feedback/<ident>")
@staff_required("agent")
def article_feedback(ident: str):
    identifier = article_id(ident)
    if identifier is None:
        abort(404, description=f"{ident!r} is not an article id.")
    log = get_activity()
    count = next((c for c in log.vote_counts(100_000) if c.article_id == identifier), None)
    title = get_kb().store().titles([identifier]).get(identifier, "")
    return render_template("staff/comments.html", article_id=identifier, title=title,
                           count=count, comments=log.comments(identifier, 200),
                           staff=current_staff())


@dataclass(frozen=True)
class ArticleForms:
    """What one article's staff page shows and prefills."""

    id: str
    title: str
    permalink: str
    note_text: str        # the saved note, or the text a refused save gave back
    note_revision: int    # the revision the note form edits (0: a new note)
    theirs: object        # the other person's note when a save conflicted
    pins: list[Pin]


def article_forms(identifier: str, *, text: str | None = None, revision: int | None = None,
                  theirs: object = None) -> ArticleForms:
    found = get_kb().store().get(identifier)
    if found is None:
        abort(404, description=f"There is no article {identifier} in this knowledge base.")
    overlays = get_overlays()
    note = overlays.notes.get(identifier)
    return ArticleForms(
        found.id, found.title, found.permalink,
        note.text if text is None and note else (text or ""),
        (note.revision if note else 0) if revision is None else revision, theirs,
        sorted((p for p in overlays.pins.values() if p.article_id == identifier),
               key=lambda p: p.typed))


def render_article(forms: ArticleForms, problem: str = "", status: int = 200
                   ) -> tuple[str, int]:
    overlays = get_overlays()
    return render_template(
        "staff/article.html", forms=forms, problem=problem, staff=current_staff(),
        retired=overlays.retired.get(forms.id), review=overlays.reviews.get(forms.id),
        note=overlays.notes.get(forms.id), max_note=MAX_NOTE, max_reason=MAX_REASON), status


@bp.get("/articles/<ident>")
@staff_required("agent")
def article(ident: str):
    identifier = article_id(ident.removeprefix("KB").removeprefix("kb"))
    if identifier is None:
        abort(404, description=f"{ident[:40]!r} is not an article id (like Q198704).")
    return render_article(article_forms(identifier))


@bp.get("/articles")
@staff_required("agent")
def find_article():
    """The overview's "open an article" box: an id goes straight to its page."""
    wanted = request.args.get("id", "")
    identifier = article_id(wanted.strip().removeprefix("KB").removeprefix("kb"))
    if identifier is None:
        abort(400, description=f"{wanted[:40]!r} is not an article id (like Q198704).")
    return redirect(url_for("staff.article", ident=identifier))


@bp.get("/pins")
@staff_required("agent")
def pins():
    """Every pin, and the picker: the query or code to pin for, and the articles a
    search for it (or for `find`) returns, each with a "Pin this" button."""
    pin_for = " ".join(request.args.get("for", "").split())[:200]
    find = " ".join(request.args.get("find", "").split())[:200] or pin_for
    found = search(get_kb(), read_query(find), per_page=PICK_RESULTS,
                   shaping=shaping_for(read_query(find))).hits if find else []
    listed = sorted(get_overlays().pins.values(), key=lambda p: (p.kind, p.typed))
    titles = get_kb().store().titles([p.article_id for p in listed]) if listed else {}
    return render_template("staff/pins.html", pin_for=pin_for, find=find, found=found,
                           pins=listed, titles=titles, staff=current_staff())


@bp.get("/reviews")
@staff_required("agent")
def reviews():
    overlays = get_overlays()
    today = datetime.now(UTC).date()
    due = overlays.due(today)
    later = sorted((r for r in overlays.reviews.values() if r.due > today.isoformat()),
                   key=lambda r: (r.due, r.article_id))
    ids = [r.article_id for r in due + later]
    titles = get_kb().store().titles(ids) if ids else {}
    retired = sorted(overlays.retired.values(), key=lambda r: r.article_id)
    titles.update(get_kb().store().titles([r.article_id for r in retired]) if retired else {})
    return render_template("staff/reviews.html", due=due, later=later, titles=titles,
                           retired=retired, staff=current_staff())


@bp.get("/audit")
@staff_required("lead")
def audit():
    who = request.args.get("actor", "").strip()[:64]
    wanted = request.args.get("article", "").strip()
    identifier = article_id(wanted.removeprefix("KB").removeprefix("kb")) if wanted else ""
    if wanted and identifier is None:
        abort(400, description=f"{wanted[:40]!r} is not an article id (like Q198704).")
    return render_template("staff/audit.html", rows=entries(engine(), actor=who,
                                                            article_id=identifier or ""),
                           actors=actors(engine()), actor=who, article=identifier or "",
                           staff=current_staff())


@bp.get("/accounts")
@staff_required("lead")
def accounts():
    return render_template("staff/accounts.html", accounts=list_accounts(engine()),
                           roles=ROLES, staff=current_staff())
