"""The app's one `KnowledgeBase`, long-lived in `app.extensions`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, current_app, g, has_request_context

from app.articles.model import Article
from app.search.readers import IndexMissingError, KnowledgeBase
from app.search.scoring import warm
from app.search.suggest import prepare as prepare_suggestions


def init_app(app: Flask) -> None:
    # A request keeps the readers it started with (held on `g`) while another
    # request may already read a newer index.
    app.extensions["knowledge_base"] = KnowledgeBase(
        Path(app.config["INDEX_DIR"]), refresh_seconds=float(app.config["INDEX_REFRESH_SECONDS"]),
        scope=_request_scope,
    )


def _request_scope() -> object | None:
    return g if has_request_context() else None


def get_kb() -> KnowledgeBase:
    return current_app.extensions["knowledge_base"]


def article_or_404(identifier: str | None, typed: str,
                   missing: str = "in this knowledge base") -> Article:
    """The stored article of `identifier` (the id read from `typed`, None when it is
    not one); otherwise a 404 that names what was typed: "There is no article 'x'
    in this knowledge base." (`missing` ends the sentence)."""
    found = get_kb().store().get(identifier) if identifier else None
    if found is None:
        abort(404, description=f"There is no article {typed!r} {missing}.")
    return found


def warm_up(app: Flask) -> bool:
    """Open the index and ready its postings and suggestion lists in this process
    before it serves (called by gunicorn.conf.py in each worker). False when there is
    no index yet (the worker serves anyway, and /healthz says what is missing) and for
    an app that has no knowledge base (another app served with the same settings)."""
    if "knowledge_base" not in getattr(app, "extensions", {}):
        return False
    with app.app_context():
        try:
            warm(get_kb())
            prepare_suggestions(get_kb())
        except IndexMissingError:
            return False
    return True
