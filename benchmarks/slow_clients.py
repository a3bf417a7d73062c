"""Slow clients against `make run`'s server: do they starve everyone else?

Starts gunicorn from gunicorn.conf.py on a free loopback port over a built index, opens
`--slow` connections that each send one more header line every `--every` seconds for
`--seconds` (a slowloris), and meanwhile `--clients` ordinary clients request pages
and searches one after another. Prints the ordinary requests' count, failures and
latency percentiles, and whether the slow connections were closed by the server.

    .venv/bin/python benchmarks/slow_clients.py                 # 4 slow clients, 60 s
    .venv/bin/python benchmarks/slow_clients.py --worker-class sync --seconds 20

Target (issue #13): p99 under 1 s, 0 failures. Loopback only; bounded in time.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["/", "/api/search?q=0x800ccc90", "/kb/198/Q198704/", "/search?q=outlook+password",
         "/healthz"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, index_dir: Path, activity_db: Path, worker_class: str,
                 log: Path) -> subprocess.Popen:
    env = dict(os.environ, BIND=f"127.0.0.1:{port}", ACCESS_LOG="",
               FLASK_INDEX_DIR=str(index_dir), FLASK_ACTIVITY_DB=str(activity_db),
               GUNICORN_CMD_ARGS=f"--worker-class {worker_class}")
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c",
                                str(ROOT / "gunicorn.conf.py")], cwd=ROOT, env=env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not start; see {log}")


def slow_client(port: int, seconds: float, every: float, closed: list[float],
                started: float) -> None:
    """Keep one request's headers coming, a line every `every` seconds."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=every + 5)
    try:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        n = 0
        while time.monotonic() - started < seconds:
            time.sleep(every)
            n += 1
            sock.sendall(f"X-Slow-{n}: {'x' * 20}\r\n".encode())
    except OSError:
        closed.append(time.monotonic() - started)
    finally:
        sock.close()


def ordinary_client(port: int, stop: threading.Event, latencies: list[float],
                    failures: list[str]) -> None:
    n = 0
    while not stop.is_set():
        path = PATHS[n % len(PATHS)]
        n += 1
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as reply:
                reply.read()
            latencies.append(time.perf_counter() - began)
        except (urllib.error.URLError, OSError) as error:
            failures.append(f"{path}: {error}")
        time.sleep(0.02)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=4, help="slow connections")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between lines")
    parser.add_argument("--clients", type=int, default=2, help="ordinary clients")
    parser.add_argument("--index-dir", type=Path, default=ROOT / "instance" / "index")
    parser.add_argument("--worker-class", default="gthread")
    args = parser.parse_args()
    if not (args.index_dir / "whoosh").is_dir():
        raise SystemExit(f"no index at {args.index_dir}; run: make index")
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"slow-clients-{os.getpid()}"
    scratch.mkdir(parents=True)
    port = free_port()
    server = start_server(port, args.index_dir.resolve(), scratch / "activity.sqlite",
                          args.worker_class, scratch / "gunicorn.log")
    latencies: list[float] = []
    failures: list[str] = []
    closed: list[float] = []
    stop = threading.Event()
    started = time.monotonic()
    slow = [threading.Thread(target=slow_client,
                             args=(port, args.seconds, args.every, closed, started))
            for _ in range(args.slow)]
    for thread in slow:
        thread.start()
    time.sleep(0.5)  # the slow ones connect first
    ordinary = [threading.Thread(target=ordinary_client, args=(port, stop, latencies, failures))
                for _ in range(args.clients)]
    for thread in ordinary:
        thread.start()
    for thread in slow:
        thread.join()
    stop.set()
    for thread in ordinary:
        thread.join()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    cores = os.cpu_count()
    print(f"gunicorn {args.worker_class}, {cores} cores; {args.slow} slow clients "
          f"(a header line every {args.every:g} s for {args.seconds:g} s), "
          f"{args.clients} ordinary clients")
    if latencies:
        print(f"served {len(latencies)} requests, {len(failures)} failures; latency "
              f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
              f"p90 {percentile(latencies, 0.90) * 1000:.1f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
              f"max {max(latencies) * 1000:.1f} ms")
    else:
        print(f"served 0 requests, {len(failures)} failures")
    for failure in failures[:5]:
        print("  failure:", failure)
    print(f"slow connections closed by the server: {len(closed)} of {args.slow}"
          + (f" (after {', '.join(f'{t:.0f}' for t in sorted(closed))} s)" if closed else ""))
    ok = bool(latencies) and not failures and percentile(latencies, 0.99) < 1.0
    print("target (p99 < 1 s, 0 failures):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
