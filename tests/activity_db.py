"""The activity database backends a test runs against: SQLite always, PostgreSQL when
TEST_DATABASE_URL names a server (`.ci/run` starts one), else skipped with a hint."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.activity.database import database_url

BACKENDS = ["sqlite", "postgresql"]
HINT = ("PostgreSQL tests need a server: set TEST_DATABASE_URL=postgresql://user:pass@host/db "
        "(.ci/run installs Debian's postgresql and starts one)")
TABLES = ("votes", "missed_searches", "outcomes", "daily_counts", "rate_events",
          "staff_accounts", "staff_sessions", "staff_notes", "staff_retired", "staff_reviews",
          "staff_pins", "staff_audit", "authored_versions", "authored_articles",
          "authored_drafts", "insight_events", "insight_dismissed")


def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip(HINT)
    return url


def empty_postgres(url: str) -> None:
    """Start from empty tables (the schema stays: it is migrated once per run)."""
    engine = create_engine(database_url(url, ""))
    try:
        with engine.begin() as db:
            present = [t for t in TABLES if db.execute(
                text("SELECT to_regclass(:t)"), {"t": t}).scalar() is not None]
            if present:
                db.execute(text(f"TRUNCATE {', '.join(present)} RESTART IDENTITY"))
    finally:
        engine.dispose()


def backend_config(backend: str, tmp_path: Path) -> dict:
    """The settings that put an app's activity in this backend, emptied."""
    config = {"ACTIVITY_DB": str(tmp_path / "instance" / "activity.sqlite")}
    if backend == "postgresql":
        url = postgres_url()
        empty_postgres(url)
        config["DATABASE_URL"] = url
    return config
