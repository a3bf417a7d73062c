"""Health for load balancers and monitors, by what this instance needs to serve.

- `/livez`: the worker answers requests at all (restart it when this fails).
- `/readyz`: this instance can serve searches, articles and the wizard: its index is
  there and sound. 503 otherwise (take it out of the pool).
- `/healthz`: readiness (the same status code) with the details: the index generation
  and article count, `database` (does the shared activity database answer now?), and
  `status`: "ok", "degraded" (serving, but the database is away: votes and staff pages
  answer 503; or the live index is damaged and the previous generation is served) or
  "unavailable" (no sound index: `problems` says what is damaged and how to mend it).

The database is shared by every instance, so its absence never makes one unready: a
load balancer following these would otherwise take every instance out at once while
each could still serve every reader.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.search.readers import IndexMissingError
from app.web.knowledge import get_kb
from app.web.recording import breaker, database_answers

bp = Blueprint("health", __name__)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _index_state() -> tuple[str | None, int | None, str | None]:
    """(generation, articles, problem) of the index this instance serves."""
    try:
        kb = get_kb()
        return kb.identity(), kb.store().count(), None
    except IndexMissingError as error:
        return None, None, str(error)


def _fallback() -> str | None:
    """Why this instance serves the previous generation, when it does."""
    return get_kb().integrity.problem


@bp.get("/livez")
def livez():
    return _no_store(jsonify(status="alive"))


@bp.get("/readyz")
def readyz():
    generation, articles, problem = _index_state()
    response = jsonify(status="ready" if problem is None else "unavailable",
                       index=generation, articles=articles, problem=problem)
    response.status_code = 200 if problem is None else 503
    return _no_store(response)


@bp.get("/healthz")
def healthz():
    generation, articles, problem = _index_state()
    database = database_answers()
    problems = [problem] if problem else []
    if not problem and _fallback():
        problems.append(_fallback())
    if not database:
        problems.append(f"activity database: {breaker().last_error or 'no answer'}; "
                        "votes and staff pages answer 503 until it is back")
    status = "unavailable" if problem else ("ok" if not problems else "degraded")
    response = jsonify(status=status, index=generation, articles=articles,
                       database=database, problems=problems)
    response.status_code = 503 if problem else 200
    return _no_store(response)
