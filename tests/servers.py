"""The production server started for real in a test: gunicorn from gunicorn.conf.py
on a free loopback port, with the settings a test gives (`start`, tests/conftest.py);
and several instances, each machine its own KB_DIR and index folder, over one real
PostgreSQL (`over_one_postgresql`), as a help desk runs them on several machines."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest

from app import PROJECT_ROOT
from app.activity.database import database_url, make_engine
from app.index.build import build_index
from app.index.generations import live_generation
from app.staff.accounts import add_account
from tests.activity_db import backend_config

GUNICORN = Path(sys.executable).parent / "gunicorn"
LIMIT = 5  # FEEDBACK_RATE_LIMIT of every server started: votes per window


def free_port(ports: Iterable[int] | None = None) -> int:
    """A loopback port free now: the first in `ports` (a suite's own range, skipped
    when none is free), or any the system picks."""
    for port in ports if ports is not None else [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    pytest.skip(f"no free port in {ports}")


class Server:
    def __init__(self, tmp_path: Path, index_dir: Path, kb_dir: Path, workers: int,
                 port: int | None = None, **settings: str) -> None:
        self.port = port or free_port()
        self.settings = settings   # what it was started with: a restart takes the same
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=str(workers),
                   THREADS="4", ACCESS_LOG="", FLASK_KB_DIR=str(kb_dir),
                   FLASK_INDEX_DIR=str(index_dir), FLASK_SECRET_KEY="shared-secret",
                   FLASK_FEEDBACK_RATE_LIMIT=str(LIMIT))
        env.update({f"FLASK_{name}": value for name, value in settings.items()})
        self.log = (tmp_path / f"gunicorn-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", str(PROJECT_ROOT / "gunicorn.conf.py")], cwd=PROJECT_ROOT,
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready()

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {Path(self.log.name).read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz")

    def workers(self) -> int:
        return Path(self.log.name).read_text().count("Booting worker")

    def kill(self) -> None:
        """SIGKILL to gunicorn and its workers at once, as a crash or an OOM kill would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def over_one_database(start: Callable[..., Server], tmp_path: Path,
                      machines: Sequence[tuple[Path, Path]], *, backend: str = "postgresql",
                      workers: int = 1, ports: Iterable[int] | None = None,
                      accounts: Sequence[tuple[str, str, str]] = (),
                      **settings: str) -> list[Server]:
    """One gunicorn instance per (KB_DIR, index folder) in `machines` (each index built
    first if there is none), all over one database, its tables emptied: the
    PostgreSQL of TEST_DATABASE_URL (skipped without one), or with backend="sqlite"
    one SQLite file (instances on one machine). `accounts` (name, role, password) are
    added to it. `start` is the fixture of tests/conftest.py, which stops them all
    when the test ends."""
    config = backend_config(backend, tmp_path)
    database = config.get("DATABASE_URL", "")
    Path(config["ACTIVITY_DB"]).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url(database, config["ACTIVITY_DB"]))
    try:
        for name, role, password in accounts:
            add_account(engine, name, role, password, actor="test")
    finally:
        engine.dispose()
    servers = []
    for n, (kb_dir, index_dir) in enumerate(machines):
        if live_generation(index_dir) is None:
            build_index(kb_dir, index_dir, procs=1)
        own = {"DATABASE_URL": database} if database else {}
        servers.append(start(index_dir, kb_dir, workers,
                             port=free_port(ports) if ports is not None else None,
                             ACTIVITY_DB=config["ACTIVITY_DB"] if not database
                             else str(tmp_path / f"unused{n}.sqlite"), **own, **settings))
    return servers
