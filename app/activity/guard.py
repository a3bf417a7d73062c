"""Guards for the "Was this helpful?" form, free of Flask so tests call them directly.

Cross-site request forgery: the signed double-submit pattern. A browser gets a random
nonce in a SameSite cookie; the form carries a token signed with the SECRET_KEY that
binds that nonce to the article. A forged cross-site POST carries no cookie (SameSite)
and cannot read our page to copy a token, and a token lifted from one browser is
worthless without that browser's cookie. The nonce says nothing about the person.

Abuse: an in-memory sliding-window limit per client address. It is per worker
process, which is enough to stop a script hammering the form; it is not an account
system.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer

TOKEN_SALT = "kb-feedback"
TOKEN_MAX_AGE = 24 * 3600


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class FeedbackTokens:
    def __init__(self, secret_key: str, max_age: int = TOKEN_MAX_AGE) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT)
        self.max_age = max_age

    def issue(self, article_id: str, nonce: str) -> str:
        return self._serializer.dumps({"a": article_id, "n": nonce})

    def check(self, token: str, article_id: str, nonce: str | None) -> str | None:
        """None when the token is good for this article and cookie; else why not."""
        if not token:
            return "The form had no security token."
        if not nonce:
            return "Your browser did not send back the form's cookie; allow cookies for this site."
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except BadSignature:
            return "The form has expired or was not made by this site; reload the page."
        if not isinstance(data, dict) or data.get("a") != article_id:
            return "The form belongs to another article; reload the page."
        if not hmac.compare_digest(str(data.get("n", "")), nonce):
            return "The form was made for another browser session; reload the page."
        return None


class RateLimiter:
    """At most `limit` events per `window` seconds per key; thread-safe, bounded memory."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Record one event for key; False (and nothing recorded) when over the limit."""
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self.max_keys:
                    self._prune(now)
                events = self._events[key] = deque()
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def retry_after(self, key: str) -> int:
        """Whole seconds until key may try again (at least 1)."""
        with self._lock:
            events = self._events.get(key)
            if not events:
                return 1
            return max(1, int(self.window - (self.clock() - events[0])) + 1)

    def _prune(self, now: float) -> None:
        stale = [k for k, ev in self._events.items() if not ev or now - ev[-1] >= self.window]
        for key in stale:
            del self._events[key]
        if len(self._events) >= self.max_keys:  # still full: forget the oldest
            oldest = min(self._events, key=lambda k: self._events[k][-1])
            del self._events[oldest]
