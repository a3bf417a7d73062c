"""What the shared-part fault scripts (fault_database.py, fault_disk.py) share: a copy
of the first archive articles, an index of it, gunicorn instances of this checkout (or
an earlier one), and a client that times every request and keeps its cookies."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.corpus import corpus_dir  # noqa: E402
from benchmarks.fault_injection import copy_articles  # noqa: E402

SECRET = "fault-script-secret"


def prepare_kb(work: Path, count: int) -> tuple[Path, list[str]]:
    """The first `count` archive articles (else the bundled kb/) in work/kb: (folder, ids)."""
    kb = work / "kb"
    source = corpus_dir()
    if source is None:
        subprocess.run(["cp", "-r", str(PROJECT_ROOT / "kb"), str(kb)], check=True)
        ids = sorted(p.name for p in kb.rglob("Q*") if p.is_dir())
        return kb, ids or ["Q198704"]
    return kb, [aid for aid, _ in copy_articles(source, kb, count)]


def flask(env: dict[str, str], *args: str, root: Path = PROJECT_ROOT,
          timeout: float = 900) -> tuple[int, str]:
    """`flask --app app <args>` of the project at root: (exit code, output)."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=root,
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return done.returncode, (done.stdout + done.stderr).strip()


def settings(**values: str) -> dict[str, str]:
    """FLASK_ variables for the app's settings, plus the same secret for every node."""
    return {f"FLASK_{name}": str(value) for name, value in
            {"SECRET_KEY": SECRET, **values}.items()}


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py` of the project at root, on 127.0.0.1:port."""

    def __init__(self, port: int, env: dict[str, str], log: Path, workers: int = 1,
                 threads: int = 8, root: Path = PROJECT_ROOT) -> None:
        self.port, self.log = port, log
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c",
                   str(root / "gunicorn.conf.py")]
        full_env = {**os.environ, **env, "BIND": f"127.0.0.1:{port}", "ACCESS_LOG": "",
                    "WEB_CONCURRENCY": str(workers), "THREADS": str(threads)}
        self.process = subprocess.Popen(command, cwd=root, env=full_env,
                                        stdout=log.open("w"), stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 120
        while Client(port).get("/healthz").status in (0, 599):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn on {port} did not start; see {log}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Answer:
    status: int          # 599: no HTTP answer at all (refused, reset, timed out)
    seconds: float
    body: bytes
    location: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: its own cookies, redirects not followed (a 303 is an answer)."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def get(self, path: str) -> Answer:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, form: dict[str, str]) -> Answer:
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.base + path, data=data))

    def _open(self, request: urllib.request.Request) -> Answer:
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as answer:
                return Answer(answer.status, time.monotonic() - started, answer.read())
        except urllib.error.HTTPError as error:
            try:
                body = error.read()
            except (OSError, http.client.HTTPException):  # cut off mid-answer
                return Answer(599, time.monotonic() - started, b"")
            return Answer(error.code, time.monotonic() - started, body,
                          error.headers.get("Location", ""))
        except (OSError, http.client.HTTPException) as error:
            return Answer(599, time.monotonic() - started, str(error).encode())


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
