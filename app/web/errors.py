"""Errors a person can act on: a page with a search box, or JSON under /api.

When the activity database is away (app.activity.breaker.DatabaseUnavailableError, or any
database error no view caught), every view that needs it answers one 503 that says
what still works and, after a form, that nothing was saved: the staff pages, and
whatever a blueprint adds later, get it without a line of their own.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from app.activity.breaker import UNAVAILABLE_ERRORS, DatabaseUnavailableError
from app.search.readers import IndexDamagedError, IndexMissingError

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(IndexMissingError, index_missing)
    # The article store failing mid-request ("database disk image is malformed"): its
    # file was damaged after this worker opened it; Integrity finds it on the next check.
    app.register_error_handler(sqlite3.DatabaseError, store_damaged)
    app.register_error_handler(DatabaseUnavailableError, database_unavailable)
    for error in UNAVAILABLE_ERRORS:
        if error is not OSError:  # a missing file is not the database
            app.register_error_handler(error, database_unavailable)
    app.after_request(add_security_headers)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


# Headers an error must keep when its body is replaced by a page or JSON.
KEPT_HEADERS = ("Retry-After", "WWW-Authenticate", "Allow")


def http_error(error: HTTPException):
    message = error.description or error.name
    headers = [(k, v) for k, v in error.get_headers() if k in KEPT_HEADERS]
    if _wants_json():
        body = jsonify(error=error.name, message=message, status=error.code)
        return body, error.code, headers
    page = render_template("errors/error.html", error=error, message=message,
                           back_url=getattr(error, "back_url", None))
    return page, error.code, headers


def index_missing(error: IndexMissingError):
    message = "The knowledge base has not been indexed yet. Run: flask --app app index"
    if isinstance(error, IndexDamagedError):
        current_app.logger.error("%s", error)
        message = ("The knowledge base's index is damaged on this server, so it answers "
                   "nothing rather than wrong answers. Please try again in a few minutes.")
    if _wants_json():
        return jsonify(error="Service Unavailable", message=message, status=503), 503
    return render_template("errors/error.html", error=None, message=message), 503


# Seconds a client is asked to wait before trying again: a few of the breaker's
# cooldowns (app.web.recording), long enough for a restart to finish.
DATABASE_RETRY_AFTER = 10
NOT_SAVED = ("Nothing was saved: the database that keeps votes, comments and answers is "
             "not answering just now. Please try again in a minute.")
STAFF_AWAY = ("This page needs the activity database, which is not answering just now. "
              "Searching, reading articles and the troubleshooter still work. Please try "
              "again in a minute.")


def database_unavailable(error: Exception):
    # The breaker logs when the database goes and comes back; each refusal is detail.
    current_app.logger.info("activity database unavailable for %s %s: %s",
                            request.method, request.path, error)
    message = NOT_SAVED if request.method == "POST" else STAFF_AWAY
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER), "Cache-Control": "no-store"}
    if _wants_json():
        body = jsonify(error="Service Unavailable", message=message, status=503)
        return body, 503, headers
    page = render_template("errors/error.html", error=None, title="Not available just now",
                           message=message, back_url=request.referrer
                           if request.method == "POST" and _same_site(request.referrer)
                           else None, back_label="Back to the page")
    return page, 503, headers


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


def store_damaged(error: sqlite3.DatabaseError):
    return index_missing(IndexDamagedError(f"the article store failed: {error}"))


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
