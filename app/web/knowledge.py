"""The app's one `KnowledgeBase`, long-lived in `app.extensions`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from app.search.readers import KnowledgeBase


def init_app(app: Flask) -> None:
    app.extensions["knowledge_base"] = KnowledgeBase(
        Path(app.config["INDEX_DIR"]), refresh_seconds=float(app.config["INDEX_REFRESH_SECONDS"])
    )


def get_kb() -> KnowledgeBase:
    return current_app.extensions["knowledge_base"]
