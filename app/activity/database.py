"""The activity database: one engine per URL, its schema brought up to date by Alembic.

SQLite (`ACTIVITY_DB`, the default: nothing to install) or PostgreSQL (`DATABASE_URL`,
for several workers on several machines). Every wait is bounded by the engine's
`timeout`: connecting, a statement, a lock, a pool slot, SQLite's busy wait; a web
worker's engine waits about a second (app.activity.breaker bounds the rest), the
commands' engines longer. Every worker migrates on first use; a lock
(SQLite's write lock, PostgreSQL's advisory lock) lets one do it while the others wait
and then find the schema at head. A SQLite file from before migrations existed is
adopted in place: the first migration creates only the tables it lacks.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: the advisory lock PostgreSQL holds while one process migrates.
MIGRATION_LOCK = 713_013
# How long a web worker waits for the database: connecting, a statement, a lock.
REQUEST_TIMEOUT = 1.0
# How long a migration or a prune may run, whatever the engine's own timeout.
MAINTENANCE_TIMEOUT = 120

_migrated: set[str] = set()
_migrated_lock = threading.Lock()


def database_url(url: str, activity_db: str | Path) -> str:
    """url when set (postgresql://user:pass@host/db), else SQLite at activity_db."""
    if url:
        # postgresql:// means psycopg 3 here (SQLAlchemy's default would be psycopg2).
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    return sqlite_url(Path(activity_db))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def make_engine(url: str, timeout: float = REQUEST_TIMEOUT) -> Engine:
    """A pooled engine whose every wait gives up after about `timeout` seconds."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": timeout,
                                                  "check_same_thread": False})
        _sqlite_transactions(engine, timeout)
        return engine
    milliseconds = int(timeout * 1000)
    # libpq's connect_timeout is whole seconds, at least 2; the breaker's deadline is
    # what bounds a request.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         pool_recycle=1800, pool_timeout=timeout,
                         connect_args={"connect_timeout": max(2, math.ceil(timeout)),
                                       "options": f"-c statement_timeout={milliseconds} "
                                                  f"-c lock_timeout={milliseconds}"})


def _sqlite_transactions(engine: Engine, timeout: float) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions, so that a write
    that must count first (the rate limit) can take the write lock up front with
    BEGIN IMMEDIATE and two workers never both see room for one more."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        _enter_wal(dbapi_connection, timeout)

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _enter_wal(dbapi_connection: sqlite3.Connection, timeout: float) -> None:
    """Switch the file to write-ahead logging, retrying while another process holds it.

    SQLite answers "database is locked" at once, without waiting out the busy timeout,
    when this pragma meets a connection that is switching the same new file or
    recovering its log: which is what gunicorn's workers starting together do.
    """
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def writer(engine: Engine) -> Engine:
    """The engine for read-then-write transactions: serialised on SQLite."""
    return engine.execution_options(immediate=True)


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration, under a lock across processes."""
    config = alembic_config()
    with writer(engine).begin() as connection:
        if is_postgresql(engine):
            allow_time(connection, MAINTENANCE_TIMEOUT)
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def allow_time(connection: Connection, seconds: float) -> None:
    """Let this PostgreSQL transaction's statements and lock waits run up to seconds
    (a migration or a prune), whatever the engine's timeout."""
    if connection.dialect.name == "postgresql":
        milliseconds = int(seconds * 1000)
        connection.execute(text(f"SET LOCAL statement_timeout = {milliseconds}"))
        connection.execute(text(f"SET LOCAL lock_timeout = {milliseconds}"))


def ensure_schema(engine: Engine) -> None:
    """upgrade() once per database per process."""
    key = engine.url.render_as_string(hide_password=False)
    if key in _migrated:
        return
    with _migrated_lock:
        if key not in _migrated:
            upgrade(engine)
            _migrated.add(key)


def ping(engine: Engine) -> None:
    """SELECT 1: returns when the database answers, raises when it does not."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
