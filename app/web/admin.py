"""Staff pages: what readers said about articles, what they searched for in vain, and
where the troubleshooting wizard left them stuck.

Behind HTTP Basic with the configured `ADMIN_PASSWORD` (any user name). Without a
password the pages are switched off (403, saying how to switch them on): there is no
default password to forget to change. Wrong passwords are rate-limited per address.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import TooManyRequests, Unauthorized

from app.activity.guard import RateLimiter
from app.articles.ids import article_id
from app.web.knowledge import get_kb
from app.web.recording import get_activity, rate_limiter
from app.wizard.drafts import draft_tree

bp = Blueprint("admin", __name__, url_prefix="/admin")

REALM = "KB Troubleshooter staff"
FAILED_LOGINS_PER_MINUTE = 10


@bp.record_once
def _set_up(state) -> None:
    state.app.extensions["admin_login_failures"] = rate_limiter(
        state.app, "admin-login", FAILED_LOGINS_PER_MINUTE, 60)


@bp.before_request
def require_staff() -> None:
    password = current_app.config.get("ADMIN_PASSWORD") or ""
    if not password:
        abort(403, description="The staff pages are switched off. To switch them on, set "
                               "ADMIN_PASSWORD (FLASK_ADMIN_PASSWORD in the environment, or "
                               "instance/config.py).")
    failures: RateLimiter = current_app.extensions["admin_login_failures"]
    auth = request.authorization
    given = (auth.password or "") if auth and auth.type == "basic" else ""
    if given and hmac.compare_digest(given.encode(), str(password).encode()):
        return
    client = request.remote_addr or "unknown"
    if given and not failures.allow(client):
        raise TooManyRequests(description="Too many wrong passwords; wait a minute.",
                              retry_after=failures.retry_after(client))
    raise Unauthorized(
        description="Staff only: sign in with the staff password.",
        www_authenticate=_challenge(),
    )


def _challenge() -> WWWAuthenticate:
    return WWWAuthenticate("basic", {"realm": REALM, "charset": "UTF-8"})


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/")
def index():
    log = get_activity()
    steps = log.outcomes_by_step(100)
    titles = get_kb().store().titles([o.article_id for o in steps]) if steps else {}
    return render_template("admin/index.html", missed=log.top_missed_searches(50),
                           dead_ends=log.top_dead_ends(50), totals=log.vote_totals(),
                           steps=steps, titles=titles)


@bp.get("/drafts/<ident>.yaml")
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
def feedback():
    log = get_activity()
    counts = log.vote_counts(200)
    titles = get_kb().store().titles([c.article_id for c in counts]) if counts else {}
    return render_template("admin/feedback.html", counts=counts, titles=titles,
                           totals=log.vote_totals(), recent=log.recent_comments(30))


@bp.get("/feedback/<ident>")
def article_feedback(ident: str):
    identifier = article_id(ident)
    if identifier is None:
        abort(404, description=f"{ident!r} is not an article id.")
    log = get_activity()
    count = next((c for c in log.vote_counts(100_000) if c.article_id == identifier), None)
    title = get_kb().store().titles([identifier]).get(identifier, "")
    return render_template("admin/comments.html", article_id=identifier, title=title,
                           count=count, comments=log.comments(identifier, 200))
