"""The staff forms: notes (agents), retirement, review dates and pins (editors),
accounts (leads). Each post is checked by `staff_required` (role, token, size, rate
limit) before it reaches a view; a refused change answers with its 4xx and the form
again, the text given back, never a 5xx and never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, redirect, request, url_for

from app.articles.ids import article_id
from app.staff import accounts, edits
from app.staff.audit import RefusedError
from app.web.knowledge import get_kb
from app.web.overlay import live
from app.web.recording import engine
from app.web.staff import article_forms, render_article
from app.web.staff_auth import current_staff, private, staff_required

bp = Blueprint("staff_edit", __name__, url_prefix="/staff")
bp.after_request(private)  # no staff page is cached or indexed


def _exists(identifier: str) -> bool:
    return get_kb().store().path_of(identifier) is not None


def _actor() -> str:
    account = current_staff()
    assert account is not None  # staff_required let the request in
    return account.name


def _article(ident: str) -> str:
    identifier = article_id(ident)
    if identifier is None or not _exists(identifier):
        abort(404, description=f"There is no article {ident[:40]!r} in this knowledge base; "
                               "nothing was saved.")
    return identifier


def _revision() -> int:
    value = request.form.get("revision", "0").strip()
    if not value.isdigit():
        abort(400, description="The form's note revision could not be read; reload the page.")
    return int(value)


def _done(identifier: str, anchor: str = ""):
    live().changed()
    return redirect(url_for("staff.article", ident=identifier, saved=1) + anchor, code=303)


def _refused(identifier: str, refused: RefusedError, text: str | None = None):
    """The article's page again with the problem, and the text that was not saved."""
    theirs = refused.details.get("theirs")
    forms = article_forms(identifier, text=text,
                          revision=theirs.revision if theirs is not None else None,
                          theirs=theirs)
    return render_article(forms, refused.message, refused.status)


def _change_article(ident: str, anchor: str, change: Callable[[str], object],
                    text: str | None = None):
    """One shape for every article form: the change is made, or refused with the page."""
    identifier = _article(ident)
    try:
        change(identifier)
    except RefusedError as refused:
        return _refused(identifier, refused, text)
    return _done(identifier, anchor)


@bp.post("/articles/<ident>/note")
@staff_required("agent")
def save_note(ident: str):
    text = request.form.get("text", "")
    return _change_article(ident, "#note", lambda identifier: edits.save_note(
        engine(), identifier, text, _revision(), actor=_actor(), exists=_exists), text)


@bp.post("/articles/<ident>/note/remove")
@staff_required("agent")
def remove_note(ident: str):
    return _change_article(ident, "#note", lambda identifier: edits.remove_note(
        engine(), identifier, _revision(), actor=_actor()))


@bp.post("/articles/<ident>/retire")
@staff_required("editor")
def retire(ident: str):
    return _change_article(ident, "#retire", lambda identifier: edits.retire(
        engine(), identifier, request.form.get("replacement", ""),
        request.form.get("reason", ""), actor=_actor(), exists=_exists))


@bp.post("/articles/<ident>/unretire")
@staff_required("editor")
def unretire(ident: str):
    return _change_article(ident, "#retire", lambda identifier: edits.unretire(
        engine(), identifier, actor=_actor()))


@bp.post("/articles/<ident>/review")
@staff_required("editor")
def review(ident: str):
    return _change_article(ident, "#review", lambda identifier: edits.set_review(
        engine(), identifier, request.form.get("due", ""), actor=_actor(), exists=_exists))


@bp.post("/pins")
@staff_required("editor")
def add_pin():
    pin_for = request.form.get("for", "")
    try:
        pin = edits.add_pin(engine(), pin_for, request.form.get("article", ""), actor=_actor(),
                            exists=_exists)
    except RefusedError as refused:
        abort(refused.status, description=f"Nothing was pinned. {refused.message}")
    live().changed()
    return redirect(url_for("staff.pins", pinned=pin.article_id), code=303)


@bp.post("/pins/<int:pin_id>/remove")
@staff_required("editor")
def remove_pin(pin_id: int):
    try:
        edits.remove_pin(engine(), pin_id, actor=_actor())
    except RefusedError as refused:
        abort(refused.status, description=refused.message)
    live().changed()
    return redirect(url_for("staff.pins"), code=303)


@bp.post("/accounts")
@staff_required("lead")
def add_account():
    try:
        accounts.add_account(engine(), request.form.get("name", ""),
                             request.form.get("role", ""), request.form.get("password", ""),
                             actor=_actor())
    except RefusedError as refused:
        abort(refused.status, description=f"No account was added. {refused.message}")
    return redirect(url_for("staff.accounts"), code=303)


@bp.post("/accounts/<name>/<action>")
@staff_required("lead")
def change_account(name: str, action: str):
    try:
        if action in ("disable", "role") and name == _actor():
            raise RefusedError("Another lead changes your own role or account.", 409)
        if action == "disable":
            accounts.disable(engine(), name, actor=_actor())
        elif action == "role":
            accounts.set_role(engine(), name, request.form.get("role", ""), actor=_actor())
        elif action == "password":
            accounts.set_password(engine(), name, request.form.get("password", ""),
                                  actor=_actor())
        else:
            abort(404, description=f"There is no account action {action[:20]!r}.")
    except RefusedError as refused:
        abort(refused.status, description=f"Nothing was changed. {refused.message}")
    return redirect(url_for("staff.accounts"), code=303)
