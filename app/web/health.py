"""`/healthz` for load balancers and monitors: is the index there, does the database
answer? 200 with what was found, 503 (same JSON) when either is missing."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.search.readers import IndexMissingError
from app.web.activity import database_answers
from app.web.knowledge import get_kb

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    generation, articles = None, None
    try:
        kb = get_kb()
        generation, articles = kb.identity(), kb.store().count()
    except IndexMissingError:
        pass
    database = database_answers()
    ok = generation is not None and database
    response = jsonify(status="ok" if ok else "unavailable", index=generation,
                       articles=articles, database=database)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
