"""Every change the help desk makes, in one transaction with its audit row and the
change counter: who, what, when, the value before and after.

`change(engine)` is the only way the staff modules write: it takes the write lock
(SQLite's BEGIN IMMEDIATE; on PostgreSQL the counter row's lock), raises the counter
other workers poll, and commits the change, its audit row and the counter together,
so a worker never sees one without the others.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from app.activity.database import ensure_schema, writer
from app.staff.tables import audit, state


class RefusedError(ValueError):
    """A change that cannot be made as asked: the message says why, for a person; the
    status is the HTTP status the web layer answers with (400, 404, 409, ...)."""

    def __init__(self, message: str, status: int = 400, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


@contextmanager
def change(engine: Engine) -> Iterator[Connection]:
    """A write transaction that raises the change counter first (so two writers queue
    on its row, and the counter a reader sees never runs ahead of the data)."""
    ensure_schema(engine)
    with writer(engine).begin() as db:
        raised = db.execute(update(state).where(state.c.id == 1)
                            .values(version=state.c.version + 1)).rowcount
        if not raised:  # the row was lost (an emptied table): count on from a number
            # no process has cached
            db.execute(insert(state).values(id=1, version=int(time.time())))
        yield db


def record(db: Connection, actor: str, action: str, *, article_id: str = "",
           subject: str = "", before: object = None, after: object = None) -> None:
    """One audit row; before and after are kept as JSON ("" when there was none)."""
    db.execute(insert(audit).values(
        at=now_text(), actor=actor, action=action, article_id=article_id, subject=subject,
        before=_json(before), after=_json(after)))


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    article_id: str
    subject: str
    before: str
    after: str


def entries(engine: Engine, *, actor: str = "", article_id: str = "",
            limit: int = 200) -> list[AuditEntry]:
    """The newest changes first, of one person and/or one article when given."""
    ensure_schema(engine)
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if actor:
        query = query.where(audit.c.actor == actor)
    if article_id:
        query = query.where(audit.c.article_id == article_id)
    with engine.connect() as db:
        return [AuditEntry(**row._mapping) for row in db.execute(query)]


def actors(engine: Engine) -> list[str]:
    """Everyone who has changed something, for the audit page's filter."""
    ensure_schema(engine)
    with engine.connect() as db:
        return list(db.execute(select(audit.c.actor).distinct().order_by(audit.c.actor))
                    .scalars())


def version(db: Connection) -> int:
    """The change counter: raised by every change, on every instance."""
    return int(db.execute(select(state.c.version).where(state.c.id == 1)).scalar() or 0)
