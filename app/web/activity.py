"""The activity log, one connection per request behind `get_activity()`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g

from app.activity.log import ActivityLog


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_activity)


def get_activity() -> ActivityLog:
    if "activity" not in g:
        g.activity = ActivityLog(Path(current_app.config["ACTIVITY_DB"]))
    return g.activity


def close_activity(exception: BaseException | None = None) -> None:
    log = g.pop("activity", None)
    if log is not None:
        log.close()
