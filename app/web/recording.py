"""How the web layer records what people did: the activity database behind a breaker.

One pooled engine per process (`DATABASE_URL`, PostgreSQL shared by every worker and
machine, or SQLite at `ACTIVITY_DB`), reached only through an
`app.activity.breaker.Breaker`: every call waits at most `DEADLINE` seconds, and after a
failure calls fail at once for `COOLDOWN` seconds. So the database being stopped or
stalled never holds a reader:

- Reading pages never touches it. A search that finds nothing queues its text for a
  background thread (`BackgroundRecorder`) and answers at once.
- What a person submits (a vote, a comment, a wizard outcome) is written while they
  wait, and when the database is away it is refused: `DatabaseUnavailableError`, which
  app.web.errors turns into a 503 "not saved, please try again" (the article form gives
  the comment back). Never acknowledged and then lost; and no copy kept on this machine,
  whose disk is not where the site's records live (see the README, "When a shared part
  fails").
- Staff pages read it and answer that same 503 while it is away.

Rows older than `ACTIVITY_RETENTION_DAYS` are folded into daily counts, by
`flask --app app activity prune` and at most once an hour by each worker's background
thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import Engine

from app.activity.background import BackgroundRecorder
from app.activity.breaker import Breaker
from app.activity.database import (
    MAINTENANCE_TIMEOUT,
    database_url,
    make_engine,
    ping,
    upgrade,
)
from app.activity.guard import RateLimiter, SharedWindow
from app.activity.log import ActivityLog

# Seconds a request waits for the database, and seconds it is left alone after failing.
DEADLINE = 1.0
COOLDOWN = 3.0


class GuardedLog:
    """The ActivityLog's methods, each run through the breaker (bounded, 503 when the
    database is away), except `record_missed_search`, which is queued."""

    def __init__(self, engine: Engine, breaker: Breaker, background: BackgroundRecorder) -> None:
        self._engine = engine
        self._breaker = breaker
        self._background = background

    def open(self) -> ActivityLog:
        """An ActivityLog whose writes roll back if their caller stopped waiting."""
        return ActivityLog(self._engine, commit_check=self._breaker.still_wanted)

    def record_missed_search(self, text: str) -> None:
        self._background.missed_search(text)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(ActivityLog, name)  # AttributeError for a name it lacks
        if not callable(method) or name.startswith("_"):
            raise AttributeError(name)

        def guarded(*args: Any, **kwargs: Any) -> Any:
            return self._breaker.call(lambda: getattr(self.open(), name)(*args, **kwargs))

        return guarded


def init_app(app: Flask) -> None:
    engine = make_engine(database_url(app.config["DATABASE_URL"], app.config["ACTIVITY_DB"]),
                         DEADLINE)
    breaker = Breaker(deadline=DEADLINE, cooldown=COOLDOWN)
    background = BackgroundRecorder(
        lambda: ActivityLog(engine, commit_check=breaker.still_wanted), breaker,
        float(app.config["ACTIVITY_RETENTION_DAYS"]))
    app.extensions["activity_engine"] = engine
    app.extensions["activity"] = GuardedLog(engine, breaker, background)
    app.extensions["activity_breaker"] = breaker
    app.extensions["activity_background"] = background
    app.before_request(background.start)
    app.cli.add_command(activity_command)


def engine() -> Engine:
    return current_app.extensions["activity_engine"]


def breaker() -> Breaker:
    return current_app.extensions["activity_breaker"]


def get_activity() -> GuardedLog:
    return current_app.extensions["activity"]


def database_answers() -> bool:
    """Does the database answer now (at most DEADLINE seconds; at once while the
    circuit is open)?"""
    database = engine()  # read here: the call runs on a breaker thread, outside the app
    try:
        breaker().call(lambda: ping(database))
        return True
    except Exception:  # any failure means "no"; the breaker logged it
        return False


def rate_limiter(app: Flask, bucket: str, limit: int, window: float) -> RateLimiter:
    """A limit every worker and machine counts together, in the activity database."""
    return RateLimiter(limit, window, shared=SharedWindow(
        app.extensions["activity_engine"], bucket, app.extensions["activity_breaker"]))


def _maintenance_engine() -> Engine:
    """The commands' own engine: they may wait longer than a request."""
    config = current_app.config
    return make_engine(database_url(config["DATABASE_URL"], config["ACTIVITY_DB"]),
                       MAINTENANCE_TIMEOUT)


@click.group("activity")
def activity_command() -> None:
    """The activity database: votes, missed searches, outcomes, rate limits."""


@activity_command.command("migrate")
def migrate_command() -> None:
    """Bring the database's schema up to date (workers also do it on first use)."""
    maintenance = _maintenance_engine()
    upgrade(maintenance)
    click.echo(f"activity database up to date: {maintenance.url.render_as_string()}")
    maintenance.dispose()


@activity_command.command("prune")
@click.option("--days", type=float, default=None,
              help="Keep this many days (default: ACTIVITY_RETENTION_DAYS).")
def prune_command(days: float | None) -> None:
    """Fold activity older than the retention into daily counts and delete it."""
    days = float(current_app.config["ACTIVITY_RETENTION_DAYS"]) if days is None else days
    maintenance = _maintenance_engine()
    deleted = ActivityLog(maintenance).prune(days)
    maintenance.dispose()
    click.echo(f"deleted {deleted} rows older than {days:g} days (their counts are kept)")
