"""The JSON API: stable shapes for the helpdesk's own tools."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.web.knowledge import get_kb

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/stats")
def stats():
    store = get_kb().store()
    return jsonify(
        articles=store.count(), skipped=len(store.skipped()), products=len(store.products())
    )
