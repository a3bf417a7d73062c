"""Errors a person can act on: a page with a search box, or JSON under /api."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from app.search.readers import IndexMissingError

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
    if _wants_json():
        return jsonify(error="Service Unavailable", message=message, status=503), 503
    return render_template("errors/error.html", error=None, message=message), 503


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
