"""The activity database: records read back, old SQLite files adopted in place, old rows
folded into daily counts, rate limits exact across engines. SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from app.activity.database import alembic_config, database_url, make_engine
from app.activity.guard import RateLimiter, SharedWindow
from app.activity.log import ActivityLog
from tests.activity_db import BACKENDS, backend_config

# The schema of instance/activity.sqlite before migrations existed.
OLD_SCHEMA = """
CREATE TABLE votes (id INTEGER PRIMARY KEY, article_id TEXT NOT NULL,
    helpful INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL DEFAULT (datetime('now')));
CREATE INDEX votes_article ON votes (article_id);
CREATE TABLE missed_searches (text TEXT PRIMARY KEY, count INTEGER NOT NULL,
    last_seen TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE outcomes (id INTEGER PRIMARY KEY, fixed INTEGER NOT NULL, query TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '', article_id TEXT, step INTEGER,
    created TEXT NOT NULL DEFAULT (datetime('now')));
"""


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> str:
    config = backend_config(request.param, tmp_path)
    return database_url(config.get("DATABASE_URL", ""), config["ACTIVITY_DB"])


@pytest.fixture
def log(url):
    activity = ActivityLog(url)
    yield activity
    activity.close()


def test_records_read_back(log) -> None:
    log.record_vote("Q1", True, "  step   two\nis gone ")
    log.record_vote("Q1", False)
    log.record_vote("Q2", True)
    log.record_missed_search("Printer  JAM")
    log.record_missed_search("printer jam")
    log.record_outcome(fixed=False, query="0x1", answers="os=xp")
    log.record_outcome(fixed=False, query="0X1", answers="os=xp")
    log.record_outcome(fixed=True, query="0x2", article_id="Q2", step=3)
    assert [(c.article_id, c.helpful, c.not_helpful, c.comments) for c in log.vote_counts()] == [
        ("Q1", 1, 1, 1), ("Q2", 1, 0, 0)]
    assert [(m.text, m.count) for m in log.top_missed_searches()] == [("printer jam", 2)]
    assert [(d.answers, d.count) for d in log.top_dead_ends()] == [("os=xp", 2)]
    log.record_outcome(fixed=False, query="mail stuck", article_id="Q2", step=3)
    assert [(o.article_id, o.step, o.fixed, o.dead_ends) for o in log.outcomes_by_step()] == [
        ("Q2", 3, 1, 1)]
    assert log.dead_end_texts("Q2") == ["mail stuck"]
    assert [c[:2] for c in log.comments("Q1")] == [(True, "step two is gone")]


def test_an_old_sqlite_file_is_migrated_in_place(tmp_path) -> None:
    path = tmp_path / "activity.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        db.execute("INSERT INTO votes (article_id, helpful, comment) VALUES ('Q7', 1, 'ok')")
        db.execute("INSERT INTO missed_searches (text, count) VALUES ('modem', 4)")
        db.execute("INSERT INTO outcomes (fixed, query) VALUES (0, 'stuck')")
    db.close()
    log = ActivityLog(path)
    try:
        assert log.vote_totals().helpful == 1 and log.comments("Q7")[0][1] == "ok"
        assert [(m.text, m.count) for m in log.top_missed_searches()] == [("modem", 4)]
        log.record_missed_search("modem")
        assert log.top_missed_searches()[0].count == 5
        assert log.top_dead_ends()[0].query == "stuck"
        tables = set(inspect(log.engine).get_table_names())
        assert {"daily_counts", "rate_events", "alembic_version"} <= tables
        with log.engine.connect() as db:
            head = ScriptDirectory.from_config(alembic_config()).get_current_head()
            assert db.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    finally:
        log.close()


def test_old_activity_ages_out_and_its_counts_stay(log) -> None:
    log.record_vote("Q1", True, "thanks")
    log.record_vote("Q1", False)
    log.record_outcome(fixed=True, query="x", article_id="Q1", step=2)
    log.record_outcome(fixed=False, query="y")
    log.record_missed_search("gone")
    before = log.vote_totals()
    assert log.prune(30) == 0  # nothing is 30 days old yet
    assert log.prune(30, now=datetime.now(UTC) + timedelta(days=31)) == 5
    assert log.comments("Q1") == [] and log.top_missed_searches() == []
    assert log.top_dead_ends() == [] and log.outcomes_by_step() == []
    assert log.vote_totals() == before
    assert [(c.article_id, c.helpful, c.not_helpful) for c in log.vote_counts()] == [
        ("Q1", 1, 1)]
    kinds = {(kind, article, step): count for _, kind, article, step, count in log.daily_counts()}
    assert kinds == {("helpful", "Q1", 0): 1, ("not_helpful", "Q1", 0): 1,
                     ("comment", "Q1", 0): 1, ("fixed", "Q1", 2): 1, ("dead_end", "", 0): 1}
    log.record_vote("Q1", True)
    log.prune(30, now=datetime.now(UTC) + timedelta(days=31))
    assert log.vote_totals().helpful == 2  # folded into the same day's count


def test_a_shared_limit_is_exact_across_engines_and_threads(url) -> None:
    """Two engines stand for two workers (or two machines): 24 tries, 5 allowed."""
    engines = [make_engine(url), make_engine(url)]
    ActivityLog(engines[0])  # migrate
    limiters = [RateLimiter(5, 60, shared=SharedWindow(engine, "vote")) for engine in engines]
    allowed = []

    def hammer(limiter: RateLimiter) -> None:
        for _ in range(4):
            allowed.append(limiter.allow("203.0.113.9"))

    threads = [threading.Thread(target=hammer, args=(limiters[n % 2],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert allowed.count(True) == 5 and len(allowed) == 24
        assert limiters[1].allow("198.51.100.1")  # per client
        assert 59 <= limiters[0].retry_after("203.0.113.9") <= 61
        assert limiters[0].retry_after("192.0.2.1") == 1
    finally:
        for engine in engines:
            engine.dispose()


def test_a_shared_limit_slides_with_time(url) -> None:
    engine = make_engine(url)
    ActivityLog(engine)
    now = [1000.0]
    limiter = RateLimiter(2, 60, clock=lambda: now[0], shared=SharedWindow(engine, "t"))
    try:
        assert [limiter.allow("a"), limiter.allow("a"), limiter.allow("a")] == [
            True, True, False]
        assert limiter.retry_after("a") == 61
        now[0] = 1060.0
        assert limiter.allow("a")
    finally:
        engine.dispose()


def _open_and_vote(url: str) -> None:
    log = ActivityLog(url)
    log.record_vote("Q1", True)
    log.close()


def test_workers_starting_together_migrate_once(tmp_path) -> None:
    """Eight processes open a new database at once, as gunicorn's workers do."""
    url = database_url("", tmp_path / "fresh.sqlite")
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_open_and_vote, args=(url,)) for _ in range(8)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [process.exitcode for process in processes] == [0] * 8
    log = ActivityLog(url)
    try:
        assert log.vote_totals().helpful == 8
    finally:
        log.close()
