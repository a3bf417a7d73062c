"""The activity database of the app: one pooled engine in `app.extensions`, an
`ActivityLog` over it behind `get_activity()`, rate limiters that count in it, and the
`flask --app app activity` commands (migrate, prune).

`DATABASE_URL` (PostgreSQL, shared by every worker and machine) or SQLite at
`ACTIVITY_DB`. Rows older than `ACTIVITY_RETENTION_DAYS` are folded into daily
counts, by `activity prune` and at most once an hour by each worker as it writes.
"""

from __future__ import annotations

import threading
import time

import click
from flask import Flask, current_app, g
from sqlalchemy import Engine

from app.activity.database import database_url, make_engine, ping, upgrade
from app.activity.guard import RateLimiter, SharedWindow
from app.activity.log import ActivityLog
from app.insights.facts import prune as prune_insights

PRUNE_EVERY = 3600.0


class _Pruning:
    """When this process last pruned old activity."""

    def __init__(self) -> None:
        self.last = 0.0
        self.lock = threading.Lock()


def init_app(app: Flask) -> None:
    app.config.setdefault("DATABASE_URL", "")
    app.config.setdefault("ACTIVITY_RETENTION_DAYS", 365)
    app.extensions["activity_engine"] = make_engine(database_url(app.config))
    app.extensions["activity_pruning"] = _Pruning()
    app.teardown_appcontext(close_activity)
    app.cli.add_command(activity_command)


def engine() -> Engine:
    return current_app.extensions["activity_engine"]


def get_activity() -> ActivityLog:
    if "activity" not in g:
        g.activity = ActivityLog(engine())
        _prune_now_and_then(g.activity)
    return g.activity


def database_answers() -> bool:
    return ping(engine())


def rate_limiter(app: Flask, bucket: str, limit: int, window: float) -> RateLimiter:
    """A limit every worker and machine counts together, in the activity database."""
    return RateLimiter(limit, window,
                       shared=SharedWindow(app.extensions["activity_engine"], bucket))


def close_activity(exception: BaseException | None = None) -> None:
    g.pop("activity", None)


def _prune_now_and_then(log: ActivityLog) -> None:
    pruning: _Pruning = current_app.extensions["activity_pruning"]
    now = time.monotonic()
    if pruning.last and now - pruning.last < PRUNE_EVERY:
        return
    if not pruning.lock.acquire(blocking=False):
        return
    try:
        pruning.last = now
        log.prune(float(current_app.config["ACTIVITY_RETENTION_DAYS"]))
        prune_insights(log.engine, float(current_app.config["ACTIVITY_RETENTION_DAYS"]))
    finally:
        pruning.lock.release()


@click.group("activity")
def activity_command() -> None:
    """The activity database: votes, missed searches, outcomes, rate limits."""


@activity_command.command("migrate")
def migrate_command() -> None:
    """Bring the database's schema up to date (workers also do it on first use)."""
    upgrade(engine())
    click.echo(f"activity database up to date: {engine().url.render_as_string()}")


@activity_command.command("prune")
@click.option("--days", type=float, default=None,
              help="Keep this many days (default: ACTIVITY_RETENTION_DAYS).")
def prune_command(days: float | None) -> None:
    """Fold activity older than the retention into daily counts and delete it."""
    days = float(current_app.config["ACTIVITY_RETENTION_DAYS"]) if days is None else days
    deleted = ActivityLog(engine()).prune(days) + prune_insights(engine(), days)
    click.echo(f"deleted {deleted} rows older than {days:g} days (their counts are kept)")
