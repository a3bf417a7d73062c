"""The guards of every form that writes something: one place for the signed token tied
to a SameSite cookie (app/activity/guard.py says why) and for the per-address limit.

A kind of form is a `FormGuard`: the page that shows the form asks it for a token
(the cookie is set on that response when the browser has none yet), and the view
that takes the post asks it to check the token and count the post against the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, after_this_request, current_app, request
from werkzeug.exceptions import TooManyRequests

from app.activity.guard import FeedbackTokens, RateLimiter, new_nonce
from app.web.recording import rate_limiter

COOKIE_DAYS = 7


@dataclass(frozen=True)
class FormGuard:
    """One kind of form: its cookie (and the path it is sent to) and its rate limit,
    a bucket of the shared limit counted in the activity database."""

    cookie: str
    path: str
    bucket: str

    def install(self, app: Flask) -> None:
        """The limit, `FEEDBACK_RATE_LIMIT` posts per `FEEDBACK_RATE_WINDOW` seconds."""
        app.extensions[f"{self.bucket}_rate_limit"] = rate_limiter(
            app, self.bucket, int(app.config["FEEDBACK_RATE_LIMIT"]),
            float(app.config["FEEDBACK_RATE_WINDOW"]))

    def token(self, subject: str) -> str:
        """A token for a form about `subject`, bound to this browser's cookie (set on
        the response being built when the browser sent none)."""
        sent = request.cookies.get(self.cookie)
        nonce = sent or new_nonce()
        if sent != nonce:
            @after_this_request
            def set_cookie(response: Response) -> Response:
                response.set_cookie(self.cookie, nonce, max_age=COOKIE_DAYS * 24 * 3600,
                                    httponly=True, samesite="Lax", secure=request.is_secure,
                                    path=self.path)
                return response
        return _tokens().issue(subject, nonce)

    def problem(self, subject: str) -> str | None:
        """Why the posted form cannot be trusted for `subject`, or None when it can."""
        return _tokens().check(request.form.get("token", ""), subject,
                               request.cookies.get(self.cookie))

    def over_limit(self, said: str) -> TooManyRequests | None:
        """A 429 to raise when this address posted too often lately, saying `said`
        ("Nothing was saved: too many answers") first; None (the post counted) otherwise."""
        limiter: RateLimiter = current_app.extensions[f"{self.bucket}_rate_limit"]
        client = request.remote_addr or "unknown"
        if limiter.allow(client):
            return None
        wait = limiter.retry_after(client)
        return TooManyRequests(f"{said} from your address. "
                               f"Try again in {wait} seconds.", retry_after=wait)


def _tokens() -> FeedbackTokens:
    return FeedbackTokens(current_app.config["SECRET_KEY"])
