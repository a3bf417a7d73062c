"""The app's one `KnowledgeBase`, long-lived in `app.extensions`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g, has_request_context

from app.search.readers import KnowledgeBase


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
