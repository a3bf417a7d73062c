"""The activity database: one engine per URL, its schema brought up to date by Alembic.

SQLite (`ACTIVITY_DB`, the default: nothing to install) or PostgreSQL (`DATABASE_URL`,
for several workers on several machines). Every worker migrates on first use; a lock
(SQLite's write lock, PostgreSQL's advisory lock) lets one do it while the others wait
and then find the schema at head. A SQLite file from before migrations existed is
adopted in place: the first migration creates only the tables it lacks.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: the advisory lock PostgreSQL holds while one process migrates.
MIGRATION_LOCK = 713_013
# How long a SQLite connection waits for another's lock before it gives up.
SQLITE_BUSY_SECONDS = 30

_migrated: set[str] = set()
_migrated_lock = threading.Lock()


def database_url(config) -> str:
    """DATABASE_URL when set (postgresql://user:pass@host/db), else SQLite at ACTIVITY_DB."""
    url = str(config.get("DATABASE_URL") or "")
    if url:
        # postgresql:// means psycopg 3 here (SQLAlchemy's default would be psycopg2).
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    return sqlite_url(Path(config["ACTIVITY_DB"]))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS,
                                                  "check_same_thread": False})
        _sqlite_transactions(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         pool_recycle=1800)


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions, so that a write
    that must count first (the rate limit) can take the write lock up front with
    BEGIN IMMEDIATE and two workers never both see room for one more."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        _enter_wal(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _enter_wal(dbapi_connection: sqlite3.Connection) -> None:
    """Switch the file to write-ahead logging, retrying while another process holds it.

    SQLite answers "database is locked" at once, without waiting out the busy timeout,
    when this pragma meets a connection that is switching the same new file or
    recovering its log: which is what gunicorn's workers starting together do.
    """
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
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
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def ensure_schema(engine: Engine) -> None:
    """upgrade() once per database per process."""
    key = engine.url.render_as_string(hide_password=False)
    if key in _migrated:
        return
    with _migrated_lock:
        if key not in _migrated:
            upgrade(engine)
            _migrated.add(key)


def ping(engine: Engine) -> bool:
    """Does the database answer?"""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "no"
        return False
