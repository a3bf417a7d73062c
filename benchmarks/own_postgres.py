"""A throwaway PostgreSQL server of our own, to stop and freeze (never the shared one).

Debian's binaries (`/usr/lib/postgresql/*/bin`), a data folder in a temporary folder,
a loopback port; as root, the server runs as the `postgres` user (initdb refuses root),
as .ci/run does. `stop()`/`start()` stop and start it (fast shutdown: connections are
dropped); `freeze()`/`thaw()` send SIGSTOP/SIGCONT to every one of its processes, which
is what a stalled server or a network partition looks like to a client: connections are
accepted by the kernel and then nothing answers.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

SKIP_REASON = ("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
               "apt-get install postgresql, or run .ci/run")


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parts[-3].split(".")])
    return found[-1].parent if found else None


class OwnPostgres:
    def __init__(self, port: int, root: Path | None = None) -> None:
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError(SKIP_REASON)
        self.port = port
        self.root = Path(root or tempfile.mkdtemp(prefix="kb-own-pg-"))
        self.data = self.root / "data"
        self.url = f"postgresql://kb:kb@127.0.0.1:{port}/kb"
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")

    def create(self) -> OwnPostgres:
        self.root.mkdir(parents=True, exist_ok=True)
        if self._as_root:
            shutil.chown(self.root, "postgres")
        self._run(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        self.start()
        self._run(self.bin / "psql", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "postgres", "-c", "CREATE ROLE kb LOGIN PASSWORD 'kb'",
                  "-c", "CREATE DATABASE kb OWNER kb")
        return self

    def start(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.root / "log", "-w",
                  "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1",
                  "start")

    def stop(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def pids(self) -> list[int]:
        """The postmaster and every process it started."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True,
                                  text=True, check=False).stdout.split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        self._frozen = self.pids()
        for pid in self._frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in getattr(self, "_frozen", []):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self._frozen = []

    def destroy(self) -> None:
        """Thaw, stop at once and remove the folder; whatever state it was left in."""
        self.thaw()
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
