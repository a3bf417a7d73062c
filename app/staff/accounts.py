"""Staff accounts: a name, a role and a Werkzeug password hash; sessions that sign a
browser in until it signs out; wrong passwords throttled per account and per address.

Roles are cumulative: an agent sees the staff pages and writes notes; an editor also
pins, retires and sets review dates; a lead also manages accounts and reads the audit
log. Werkzeug is a password-hashing library here (scrypt with a random salt), not the
web framework, so this module stays free of Flask.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.activity.database import ensure_schema, writer
from app.activity.tables import rate_events
from app.staff.audit import RefusedError, change, now_text, record
from app.staff.tables import accounts, sessions

ROLES = ("agent", "editor", "lead")
RANK = {role: rank for rank, role in enumerate(ROLES)}
NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
# Wrong passwords: this many per account, and per address, in THROTTLE_WINDOW seconds,
# then every attempt (a right password too) waits until the oldest leaves the window.
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
THROTTLE_WINDOW = 15 * 60.0
# Checked against when the account does not exist, so both cases take as long.
_DUMMY_HASH = generate_password_hash("not a password of anyone's")


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    disabled: bool = False

    def can(self, role: str) -> bool:
        """Whether this account has `role` or a higher one."""
        return not self.disabled and RANK[self.role] >= RANK[role]


def normal_name(name: str) -> str:
    clean = str(name).strip().lower()
    if not NAME.match(clean):
        raise RefusedError("A staff name is 1 to 64 lower-case letters, digits, '.', '_', '@' "
                      "or '-', starting with a letter or digit.")
    return clean


def _check_role(role: str) -> str:
    if role not in RANK:
        raise RefusedError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    return role


def _check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise RefusedError(f"A password is {MIN_PASSWORD} to {MAX_PASSWORD} characters long.")
    return password


def _row(engine: Engine, name: str):
    ensure_schema(engine)
    with engine.connect() as db:
        return db.execute(select(accounts).where(accounts.c.name == name)).first()


def get_account(engine: Engine, name: str) -> Account | None:
    row = _row(engine, name)
    return Account(row.name, row.role, bool(row.disabled)) if row else None


def list_accounts(engine: Engine) -> list[Account]:
    ensure_schema(engine)
    with engine.connect() as db:
        return [Account(r.name, r.role, bool(r.disabled))
                for r in db.execute(select(accounts).order_by(accounts.c.name))]


def add_account(engine: Engine, name: str, role: str, password: str, *, actor: str) -> Account:
    """A new account; a password of "" makes one that only signs in through SSO."""
    name, role = normal_name(name), _check_role(role)
    hashed = generate_password_hash(_check_password(password)) if password else ""
    with change(engine) as db:
        if db.execute(select(accounts.c.name).where(accounts.c.name == name)).first():
            raise RefusedError(f"There is already a staff account {name!r}.", 409)
        db.execute(insert(accounts).values(name=name, role=role, password_hash=hashed,
                                           disabled=0, created=now_text()))
        record(db, actor, "account.add", subject=name, after={"role": role})
    return Account(name, role)


def _update(engine: Engine, name: str, actor: str, action: str, values: dict,
            before: dict, after: dict) -> None:
    name = normal_name(name)
    with change(engine) as db:
        if not db.execute(update(accounts).where(accounts.c.name == name)
                          .values(**values)).rowcount:
            raise RefusedError(f"There is no staff account {name!r}.", 404)
        if action != "account.role":
            db.execute(delete(sessions).where(sessions.c.account == name))
        record(db, actor, action, subject=name, before=before, after=after)


def set_password(engine: Engine, name: str, password: str, *, actor: str) -> None:
    """A new password; the account's sessions end (a stolen cookie with them)."""
    hashed = generate_password_hash(_check_password(password))
    _update(engine, name, actor, "account.password", {"password_hash": hashed, "disabled": 0},
            {}, {"password": "changed"})


def disable(engine: Engine, name: str, *, actor: str) -> None:
    _update(engine, name, actor, "account.disable", {"disabled": 1},
            {"disabled": False}, {"disabled": True})


def set_role(engine: Engine, name: str, role: str, *, actor: str) -> None:
    before = get_account(engine, normal_name(name))
    _update(engine, name, actor, "account.role", {"role": _check_role(role)},
            {"role": before.role if before else None}, {"role": role})


def verify(engine: Engine, name: str, password: str) -> Account | None:
    """The account when the password is its own and it is enabled, else None (the
    hash is checked either way, so a missing name takes as long as a wrong password)."""
    try:
        name = normal_name(name)
    except RefusedError:
        return None
    row = _row(engine, name)
    hashed = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
    good = check_password_hash(hashed, password[:MAX_PASSWORD])
    if row is None or not good or row.disabled or not row.password_hash:
        return None
    return Account(row.name, row.role)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(engine: Engine, account: Account) -> str:
    """A new session token for the cookie; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    ensure_schema(engine)
    with writer(engine).begin() as db:
        db.execute(insert(sessions).values(token_hash=_token_hash(token), account=account.name,
                                           created=now_text()))
    return token


def session_account(engine: Engine, token: str) -> Account | None:
    """The enabled account a session token signs in, or None."""
    if not token:
        return None
    ensure_schema(engine)
    query = (select(accounts).join(sessions, sessions.c.account == accounts.c.name)
             .where(sessions.c.token_hash == _token_hash(token), accounts.c.disabled == 0))
    with engine.connect() as db:
        row = db.execute(query).first()
    return Account(row.name, row.role) if row else None


def end_session(engine: Engine, token: str) -> None:
    ensure_schema(engine)
    with writer(engine).begin() as db:
        db.execute(delete(sessions).where(sessions.c.token_hash == _token_hash(token)))


class Throttle:
    """Wrong passwords per account and per address, counted in the shared database's
    rate-limit events, so every worker and machine counts the same failures."""

    def __init__(self, engine: Engine, window: float = THROTTLE_WINDOW) -> None:
        self.engine = engine
        self.window = window

    def _keys(self, name: str, address: str) -> list[tuple[str, str, int]]:
        return [("staff-login-account", name.strip().lower()[:64], FAILURES_PER_ACCOUNT),
                ("staff-login-address", address, FAILURES_PER_ADDRESS)]

    def wait(self, name: str, address: str, now: float | None = None) -> int:
        """Seconds to wait before trying again (0: go ahead)."""
        now = time.time() if now is None else now
        ensure_schema(self.engine)
        longest = 0.0
        with self.engine.connect() as db:
            for bucket, key, limit in self._keys(name, address):
                times = sorted(db.execute(select(rate_events.c.at).where(
                    rate_events.c.bucket == bucket, rate_events.c.key == key,
                    rate_events.c.at > now - self.window)).scalars())
                if len(times) >= limit:
                    longest = max(longest, times[-limit] + self.window - now)
        return int(longest) + 1 if longest > 0 else 0

    def failed(self, name: str, address: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        ensure_schema(self.engine)
        with writer(self.engine).begin() as db:
            for bucket, key, _ in self._keys(name, address):
                db.execute(delete(rate_events).where(
                    rate_events.c.bucket == bucket, rate_events.c.key == key,
                    rate_events.c.at <= now - self.window))
                db.execute(insert(rate_events).values(bucket=bucket, key=key, at=now))
