"""The help desk's overlays where readers meet them: search shaping, the wizard's
source, the article page's note and retired banner, the API's fields.

One `LiveOverlays` per process in `app.extensions`; a request takes its snapshot once
(`get_overlays`, on `g`), which costs one counter read at most once a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

from flask import Flask, current_app, g
from markupsafe import Markup

from app.articles.ids import permalink_for
from app.query.typed import Query
from app.search.shaping import Shaping
from app.search.suggest import Suggestion
from app.staff.overlays import LiveOverlays, Note, Overlays
from app.staff.shaped import ShapedSource
from app.web.knowledge import get_kb
from app.wizard.source import KnowledgeSource


class _HasId(Protocol):
    id: str


T = TypeVar("T", bound=_HasId)


def init_app(app: Flask) -> None:
    app.extensions["staff_overlays"] = LiveOverlays(
        app.extensions["activity_engine"], float(app.config["STAFF_CHECK_SECONDS"]),
        guard=app.extensions["activity_breaker"].call)
    app.add_template_global(helpdesk_note)
    app.add_template_global(retired_banner)


def live() -> LiveOverlays:
    return current_app.extensions["staff_overlays"]


def get_overlays() -> Overlays:
    if "staff_overlays" not in g:
        g.staff_overlays = live().current()
    return g.staff_overlays


def shaping_for(query: Query) -> Shaping:
    return get_overlays().shaping_for(query)


def shaped_source() -> ShapedSource:
    return ShapedSource(KnowledgeSource(get_kb()), get_overlays())


def without_retired(found: list[Suggestion]) -> list[Suggestion]:
    retired = get_overlays().retired
    return [s for s in found if not (s.kind == "article" and s.id in retired)]


def not_retired(articles: list[T]) -> list[T]:
    """Related articles and the like, without those the help desk retired."""
    retired = get_overlays().retired
    return [each for each in articles if each.id not in retired]


@dataclass(frozen=True)
class NoteView:
    html: Markup     # rendered and sanitised when it was saved
    author: str
    updated: str


def helpdesk_note(article_id: str) -> NoteView | None:
    """The article's help-desk note for a template, or None."""
    note = get_overlays().notes.get(article_id)
    # Sanitised by app.markup.rendering.sanitise when saved (app/staff/edits.py).
    return NoteView(Markup(note.html), note.author, note.updated) if note else None


@dataclass(frozen=True)
class RetiredView:
    reason: str
    replacement: str | None
    replacement_url: str | None
    replacement_title: str


def retired_banner(article_id: str) -> RetiredView | None:
    found = get_overlays().retired.get(article_id)
    if found is None:
        return None
    new = found.replacement
    title = get_kb().store().titles([new]).get(new, "") if new else ""
    return RetiredView(found.reason, new, permalink_for(new) if new else None, title)


def iso(when: str) -> str:
    """The database's UTC `2026-12-07 12:30:00` as ISO 8601: `2026-12-07T12:30:00Z`."""
    return when.replace(" ", "T") + "Z"


def note_json(note: Note | None) -> dict | None:
    if note is None:
        return None
    return {"text": note.text, "html": note.html, "author": note.author,
            "date": iso(note.updated)}


def overlay_json(article_id: str) -> dict:
    """The API's `note` and `retired` of an article."""
    overlays = get_overlays()
    found = overlays.retired.get(article_id)
    retired = None
    if found is not None:
        retired = {"replacement": found.replacement, "reason": found.reason,
                   "date": iso(found.updated)}
    return {"note": note_json(overlays.notes.get(article_id)), "retired": retired}
