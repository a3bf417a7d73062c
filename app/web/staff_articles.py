"""The article editor for editors: write the help desk's own articles in the browser,
preview them as readers will see them, see what `flask check` would say, save drafts
and publish (app/authoring/ does the work; history, diff, revert, delete and the tree
editor are in app/web/staff_history.py).

Every page works without JavaScript (Preview is a submit button); static/authoring.js
refreshes the preview as the editor types, through `POST /staff/articles/preview`.
`GET /staff/articles/new?title=…&codes=…&q=…` opens a new article filled in from a
missed search (the insights pages link there).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from app.articles.ids import article_id
from app.authoring import versions
from app.authoring.editing import Reading, publish_fields, read_fields
from app.authoring.files import AUTHORED_DIR
from app.authoring.sandbox import warm
from app.authoring.source import BODY_TEMPLATE, Fields, decompose, lines_of
from app.codes.recognise import as_code
from app.query.typed import read_query
from app.staff.audit import RefusedError
from app.web.knowledge import get_kb
from app.web.recording import engine
from app.web.staff_auth import MAX_FORM_BYTES, current_staff, private, staff_required

bp = Blueprint("staff_articles", __name__, url_prefix="/staff")
bp.after_request(private)  # no staff page is cached or indexed

FIRST_FREE_ID = 900_101   # help-desk ids start here, clear of the archive's numbers
MAX_PREFILL = 200


@dataclass
class Editor:
    """What the editor page shows."""

    fields: Fields
    tree: str = ""
    base: int = 0
    new: bool = True
    summary: str = ""
    searched: str = ""
    reading: Reading | None = None
    theirs: versions.Version | None = None
    draft_saved: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def preview(self) -> list[tuple[str, str, Markup]]:
        """(title, anchor, html) per section: rendered and sanitised by the loader's
        renderer, the same as the article page's."""
        if self.reading is None or self.reading.article is None:
            return []
        return [(section.title, section.anchor, Markup(section.html))
                for section in self.reading.article.sections]


def store_path(identifier: str) -> str | None:
    return get_kb().store().path_of(identifier)


def exists(identifier: str) -> bool:
    return store_path(identifier) is not None


def held_elsewhere(identifier: str) -> bool:
    """An article file outside the editor's folder holds this id."""
    path = store_path(identifier)
    return path is not None and not path.startswith(f"{AUTHORED_DIR}/")


def actor() -> str:
    account = current_staff()
    assert account is not None  # staff_required let the request in
    return account.name


def suggest_id() -> str:
    """The first help-desk id that no article, published one or draft holds."""
    taken = versions.authored_ids(engine())
    number = FIRST_FREE_ID
    while f"Q{number}" in taken or exists(f"Q{number}"):
        number += 1
    return f"Q{number}"


def fields_from_form() -> Fields:
    form = request.form
    return Fields(id=form.get("id", "").strip(), title=form.get("title", ""),
                  products=lines_of(form.get("products", "")),
                  codes=lines_of(form.get("codes", "")),
                  messages=lines_of(form.get("messages", "")),
                  body=form.get("body", ""), extra=_extra_of(form.get("id", "")))


def _extra_of(ident: str) -> dict:
    """Front-matter fields the form does not show, kept from the published version."""
    identifier = article_id(ident)
    current = versions.latest(engine(), identifier) if identifier else None
    if current is None or current.deleted:
        return {}
    return decompose(current.source).extra


def base_of_form() -> int:
    value = request.form.get("base", "0").strip()
    if not value.isdigit():
        abort(400, description="The form's version number could not be read; reload the "
                               "page. Nothing was saved.")
    return int(value)


def render_editor(editor: Editor, problem: str = "", status: int = 200):
    warm()   # the live preview's reader, started while the editor types
    return render_template("staff/articles/editor.html", editor=editor, problem=problem,
                           staff=current_staff()), status


def read(editor: Editor) -> Editor:
    editor.reading = read_fields(editor.fields, editor.tree, exists=exists,
                                 held_elsewhere=held_elsewhere)
    return editor


@bp.get("/articles/new")
@staff_required("editor")
def new():
    """A blank article, or one filled in from `title`, `codes` (comma or line separated)
    and `q` (what someone searched for: its codes join the article's)."""
    title = request.args.get("title", "")[:MAX_PREFILL]
    searched = " ".join(request.args.get("q", "").split())[:MAX_PREFILL]
    codes = [code for code in (as_code(item) or item.strip() for item in
                               request.args.get("codes", "")[:MAX_PREFILL]
                               .replace(",", "\n").splitlines()) if code]
    codes += [code for code in read_query(searched).codes if code not in codes]
    fields = Fields(id=suggest_id(), title=" ".join((title or searched).split()),
                    codes=codes, body=BODY_TEMPLATE)
    return render_editor(Editor(fields, searched=searched))


@bp.get("/articles/<ident>/edit")
@staff_required("editor")
def edit(ident: str):
    """The published version (or this editor's draft of it, which says so)."""
    identifier = article_id(ident) or abort(404, description=f"{ident[:20]!r} is not an "
                                                             "article id.")
    current = versions.latest(engine(), identifier)
    draft = versions.draft_of(engine(), identifier, actor())
    if current is None and draft is None:
        abort(404, description=f"{identifier} is not an article written here: write a new "
                               "one, or add a note to it on its staff page.")
    base = current.number if current else 0
    source, tree = (draft.source, draft.tree) if draft else (current.source, current.tree)
    if not source:   # deleted: start from the version before the delete
        abort(409, description=f"{identifier} is deleted; bring back a version from its "
                               "history first.")
    editor = Editor(decompose(source), tree, base, new=current is None,
                    draft_saved=draft.updated if draft else "")
    if draft and draft.base != base:
        editor.notes.append(f"Your draft was started from version {draft.base}; version "
                            f"{base} has been published since. Compare them in the history.")
    return render_editor(read(editor))


@bp.post("/articles/preview")
def preview():
    """The preview and findings alone, for static/authoring.js to swap in. It changes
    nothing, so it needs no form token and is not counted by the staff rate limit
    (the script sends one after each pause in typing); it is still for editors only."""
    account = current_staff()
    if account is None or not account.can("editor"):
        abort(401 if account is None else 403,
              description="The preview is for signed-in editors.")
    if (request.content_length or 0) > MAX_FORM_BYTES:
        abort(413, description=f"The article is larger than {MAX_FORM_BYTES // 1024} KB.")
    editor = read(Editor(fields_from_form(), request.form.get("tree", "")))
    return render_template("staff/articles/preview.html", editor=editor)


@bp.post("/articles/save")
@staff_required("editor")
def save():
    """Preview, save a draft or publish: the button pressed says which."""
    editor = Editor(fields_from_form(), request.form.get("tree", ""), base_of_form(),
                    new=request.form.get("new") == "1",
                    summary=request.form.get("summary", ""))
    action = request.form.get("action", "preview")
    if action == "publish":
        return _publish(editor)
    read(editor)
    if action == "draft":
        identifier = article_id(editor.fields.id)
        if identifier is None or editor.reading.problems:
            return render_editor(editor, " ".join(editor.reading.problems) or
                                 "The draft needs a valid id.", 400)
        draft = versions.save_draft(engine(), identifier, editor.reading.source,
                                    editor.tree, base=editor.base, author=actor())
        editor.draft_saved = draft.updated
    return render_editor(editor)


def _publish(editor: Editor):
    if editor.new and (held_elsewhere(article_id(editor.fields.id) or "")
                       or versions.latest(engine(), article_id(editor.fields.id) or "")):
        editor.reading = read(editor).reading
        return render_editor(editor, f"{editor.fields.id} is taken; choose another id "
                             f"(free: {suggest_id()}).", 409)
    try:
        done, _ = publish_fields(engine(), editor.fields, editor.tree, base=editor.base,
                                 author=actor(), summary=editor.summary, exists=exists,
                                 held_elsewhere=held_elsewhere)
    except RefusedError as refused:
        editor.reading = refused.details.get("reading") or read(editor).reading
        editor.theirs = refused.details.get("theirs")
        return render_editor(editor, refused.message, refused.status)
    follower = current_app.extensions.get("authoring_follower")
    if follower is not None:
        follower.nudge()
    return redirect(url_for("staff_history.history", ident=done.article_id,
                            published=done.number), code=303)
