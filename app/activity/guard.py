"""Guards for the "Was this helpful?" form, free of Flask so tests call them directly.

Cross-site request forgery: the signed double-submit pattern. A browser gets a random
nonce in a SameSite cookie; the form carries a token signed with the SECRET_KEY that
binds that nonce to the article. A forged cross-site POST carries no cookie (SameSite)
and cannot read our page to copy a token, and a token lifted from one browser is
worthless without that browser's cookie. The nonce says nothing about the person.

Abuse: a sliding-window limit per client address. Given the activity database
(`SharedWindow`), every worker and every machine counts against the same window, so
a client gets exactly `limit` events however many workers serve it; without one it
counts in memory, per process. It is not an account system.
"""

from __future__ import annotations

import hmac
import random
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine, delete, func, insert, select, text

from app.activity.breaker import Breaker
from app.activity.database import ensure_schema, is_postgresql, writer
from app.activity.tables import rate_events

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


class SharedWindow:
    """Rate-limit events in the activity database, one row per event.

    Counting and recording happen in one transaction that holds a lock on the key
    (PostgreSQL: an advisory lock on its hash; SQLite: the write lock, BEGIN
    IMMEDIATE), so two workers can never both take the last free place. Given a
    `breaker`, each call goes through it: bounded in time, and DatabaseUnavailableError
    while the database is away (nothing can be counted then, so nothing is allowed).
    """

    def __init__(self, engine: Engine, bucket: str, breaker: Breaker | None = None) -> None:
        self.engine = engine
        self.bucket = bucket
        self.breaker = breaker

    def allow(self, key: str, limit: int, window: float, now: float) -> bool:
        if self.breaker is not None:
            return self.breaker.call(lambda: self._allow(key, limit, window, now))
        return self._allow(key, limit, window, now)

    def oldest(self, key: str, window: float, now: float) -> float | None:
        if self.breaker is not None:
            return self.breaker.call(lambda: self._oldest(key, window, now))
        return self._oldest(key, window, now)

    def _allow(self, key: str, limit: int, window: float, now: float) -> bool:
        ensure_schema(self.engine)
        mine = (rate_events.c.bucket == self.bucket) & (rate_events.c.key == key)
        with writer(self.engine).begin() as db:
            if is_postgresql(self.engine):
                db.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                           {"k": f"{self.bucket} {key}"})
            db.execute(delete(rate_events).where(mine, rate_events.c.at <= now - window))
            if random.random() < 0.01:  # now and then, forget every idle key of the bucket
                db.execute(delete(rate_events).where(rate_events.c.bucket == self.bucket,
                                                     rate_events.c.at <= now - window))
            count = db.execute(select(func.count()).where(mine)).scalar_one()
            if count >= limit:
                return False
            db.execute(insert(rate_events).values(bucket=self.bucket, key=key, at=now))
            return True

    def _oldest(self, key: str, window: float, now: float) -> float | None:
        ensure_schema(self.engine)
        query = select(func.min(rate_events.c.at)).where(
            rate_events.c.bucket == self.bucket, rate_events.c.key == key,
            rate_events.c.at > now - window)
        with self.engine.connect() as db:
            return db.execute(query).scalar_one()


class RateLimiter:
    """At most `limit` events per `window` seconds per key; thread-safe.

    In memory (bounded to `max_keys` keys) unless given a `shared` window in the
    activity database; then the clock is wall time, the same on every machine.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] | None = None,
                 max_keys: int = 10_000, shared: SharedWindow | None = None) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock or (time.time if shared is not None else time.monotonic)
        self.max_keys = max_keys
        self.shared = shared
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Record one event for key; False (and nothing recorded) when over the limit."""
        now = self.clock()
        if self.shared is not None:
            return self.shared.allow(key, self.limit, self.window, now)
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
        now = self.clock()
        if self.shared is not None:
            oldest = self.shared.oldest(key, self.window, now)
        else:
            with self._lock:
                events = self._events.get(key)
                oldest = events[0] if events else None
        if oldest is None:
            return 1
        return max(1, int(self.window - (now - oldest)) + 1)

    def _prune(self, now: float) -> None:
        stale = [k for k, ev in self._events.items() if not ev or now - ev[-1] >= self.window]
        for key in stale:
            del self._events[key]
        if len(self._events) >= self.max_keys:  # still full: forget the oldest
            oldest = min(self._events, key=lambda k: self._events[k][-1])
            del self._events[oldest]
