"""The production server started for real in a test: gunicorn from gunicorn.conf.py
on a free loopback port, with the settings a test gives (`start`, tests/conftest.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app import PROJECT_ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"
LIMIT = 5  # FEEDBACK_RATE_LIMIT of every server started: votes per window


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, tmp_path: Path, index_dir: Path, kb_dir: Path, workers: int,
                 port: int | None = None, **settings: str) -> None:
        self.port = port or free_port()
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
