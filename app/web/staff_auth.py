"""Staff sign-in: who is asking, with which role, and whether their form is theirs.

A person signs in with their own account (`flask --app app staff add`); the session
cookie is Flask's, signed with SECRET_KEY, HttpOnly, SameSite=Lax, Secure when the
request came over HTTPS (directly or through a trusted proxy), and names a session
row in the shared database, so any instance with the same secret honours it and
signing out ends it everywhere. Behind a single-sign-on proxy, `STAFF_SSO_HEADER`
names the signed-in user, honoured only when the request came from one of
`STAFF_SSO_PROXIES` through `TRUSTED_PROXIES` hops.

Every staff form carries a token signed with SECRET_KEY and bound to the session (the
feedback form's `FeedbackTokens`), is at most MAX_FORM_BYTES, and counts against the
account's rate limit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import TooManyRequests

from app.activity.guard import FeedbackTokens, RateLimiter, new_nonce
from app.staff.accounts import (
    Account,
    Throttle,
    end_session,
    get_account,
    session_account,
    start_session,
    verify,
)
from app.web.recording import breaker, engine, rate_limiter

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")

FORM_SUBJECT = "staff"
MAX_FORM_BYTES = 16 * 1024
CHANGES_PER_MINUTE = 30
SESSION_HOURS = 12


class StaffSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure whenever the request was HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    app.config.update(SESSION_COOKIE_NAME="kb_staff", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS))
    app.session_interface = StaffSessionInterface()
    # A function, not a value: only the staff pages that call it touch the session.
    app.add_template_global(form_token, "staff_form_token")
    app.extensions["staff_throttle"] = Throttle(app.extensions["activity_engine"])
    app.extensions["staff_changes"] = rate_limiter(app, "staff-change", CHANGES_PER_MINUTE, 60)
    if app.config.get("ADMIN_PASSWORD"):
        app.logger.warning(
            "ADMIN_PASSWORD is no longer used: the shared staff password was replaced by "
            "accounts. Create one with: flask --app app staff add NAME --role lead")
    if app.config["STAFF_SSO_HEADER"] and not int(app.config.get("TRUSTED_PROXIES") or 0):
        app.logger.warning("STAFF_SSO_HEADER is ignored while TRUSTED_PROXIES is 0.")


# --- who is asking -----------------------------------------------------------------------


def _direct_peer() -> str:
    """The address that connected to us: the proxy, before ProxyFix rewrote it."""
    original = request.environ.get("werkzeug.proxy_fix.orig") or {}
    return original.get("REMOTE_ADDR") or request.environ.get("REMOTE_ADDR", "")


def _sso_account() -> Account | None:
    header = str(current_app.config.get("STAFF_SSO_HEADER") or "")
    if not header or not int(current_app.config.get("TRUSTED_PROXIES") or 0):
        return None
    if _direct_peer() not in str(current_app.config["STAFF_SSO_PROXIES"]).split():
        return None
    name = request.headers.get(header, "").strip().lower()
    found = get_account(engine(), name) if name else None
    return found if found is not None and not found.disabled else None


def current_staff() -> Account | None:
    """The signed-in staff member of this request (once per request), or None."""
    if "staff" not in g:
        g.staff = _sso_account()
        if g.staff is None and session.get("staff"):
            # Bounded like every other read of the database: a stalled one is a 503.
            signed_in, db = session["staff"], engine()
            g.staff = breaker().call(lambda: session_account(db, signed_in))
    return g.staff


def staff_required(role: str) -> Callable:
    """A view for staff with `role` or a higher one: anyone else is sent to sign in
    (a page) or refused (a form post, 401; a lower role, 403)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(**kwargs):
            account = current_staff()
            if account is None:
                if request.method == "GET":
                    return redirect(url_for("staff_auth.sign_in", next=request.full_path))
                abort(401, description="Sign in to the staff pages first; nothing was saved.")
            if not account.can(role):
                abort(403, description=f"This needs the {role} role; you are signed in as "
                                       f"{account.name} ({account.role}). Nothing was saved.")
            if request.method == "POST":
                check_form(account.name)
            return view(**kwargs)

        return wrapped

    return decorate


# --- forms ---------------------------------------------------------------------------------


def _tokens() -> FeedbackTokens:
    return FeedbackTokens(current_app.config["SECRET_KEY"])


def form_token() -> str:
    """The token of every staff form on this page, bound to this browser's session."""
    if not session.get("csrf"):
        session["csrf"] = new_nonce()
    return _tokens().issue(FORM_SUBJECT, session["csrf"])


def check_form(who: str) -> None:
    """A staff form post: small, carrying its token, within the rate limit; else a 4xx."""
    if (request.content_length or 0) > MAX_FORM_BYTES:
        abort(413, description=f"The form is larger than {MAX_FORM_BYTES // 1024} KB; "
                               "nothing was saved.")
    problem = _tokens().check(request.form.get("token", ""), FORM_SUBJECT, session.get("csrf"))
    if problem:
        abort(400, description=f"Nothing was saved. {problem}")
    limiter: RateLimiter = current_app.extensions["staff_changes"]
    if not limiter.allow(who):
        wait = limiter.retry_after(who)
        raise TooManyRequests(f"Too many changes in a minute; nothing was saved. Try again in "
                              f"{wait} seconds.", retry_after=wait)


@bp.after_request
def private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- signing in and out --------------------------------------------------------------------


def _next_url() -> str:
    """Where to go after signing in: a staff page of this site, never elsewhere."""
    wanted = request.values.get("next", "")
    parts = urlsplit(wanted)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff/"):
        return url_for("staff.overview")
    return wanted


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        return render_template("staff/sign_in.html", next=_next_url(),
                               signed_out=request.args.get("signed_out") == "1")
    if (request.content_length or 0) > MAX_FORM_BYTES:
        abort(413, description="The form is too large.")
    problem = _tokens().check(request.form.get("token", ""), FORM_SUBJECT, session.get("csrf"))
    if problem:
        return render_template("staff/sign_in.html", next=_next_url(), problem=problem), 400
    name = request.form.get("name", "")[:64]
    address = request.remote_addr or "unknown"
    throttle: Throttle = current_app.extensions["staff_throttle"]
    wait = throttle.wait(name, address)
    if wait:
        raise TooManyRequests(f"Too many wrong passwords for this account or from your "
                              f"address; try again in {wait // 60 + 1} minutes.",
                              retry_after=wait)
    account = verify(engine(), name, request.form.get("password", ""))
    if account is None:
        throttle.failed(name, address)
        return render_template("staff/sign_in.html", next=_next_url(), name=name,
                               problem="Wrong name or password."), 401
    session.clear()
    session.permanent = True
    session["staff"] = start_session(engine(), account)
    session["csrf"] = new_nonce()
    return redirect(_next_url(), code=303)


@bp.post("/sign-out")
def sign_out():
    problem = _tokens().check(request.form.get("token", ""), FORM_SUBJECT, session.get("csrf"))
    if problem:
        abort(400, description=f"You are still signed in. {problem}")
    if session.get("staff"):
        end_session(engine(), session["staff"])
    session.clear()
    return redirect(url_for("staff_auth.sign_in", signed_out=1), code=303)
