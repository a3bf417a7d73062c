"""Throughput under load: /api/search and the article page against a plain Flask page.

    .venv/bin/python benchmarks/bench_throughput.py --index DIR [--kb DIR] [--seconds 20]

e.g. `--index /tmp/idx-final/index --kb /tmp/mskb/kb` (a built full-archive index and
the archive it was built from). Needs `wrk` on the PATH.

Starts two gunicorns from the project's gunicorn.conf.py (its worker class, threads,
timeouts and limits; 2 workers each, on free 127.0.0.1 ports, access log off so
neither pays for writing one):

* the app itself (`app:create_app()`, FLASK_INDEX_DIR=--index, FLASK_KB_DIR=--kb, a
  throw-away activity database);
* a plain Flask app defined here (`plain_app()`), one route that returns 10 KB of
  text: what the same server and framework cost with no work behind them. The app
  itself gets no route for this.

Then, one after another, each preceded by a warm-up (--warmup, 5 s) on other URLs, runs
`wrk -t2 -c16 -d20s --latency` against:

1. the plain page;
2. `/api/search` with mixed queries nobody repeated: codes, messages and descriptions
   made from the archive by benchmarks/search_cases.py, URL-encoded, which a generated
   wrk Lua script cycles through, each wrk thread taking every second one (so no query
   is asked twice unless the run outlasts the list; the output says when it did);
3. article pages of distinct, mixed articles, the same way;
4. with `--before CHECKOUT --before-index DIR`, /api/search again, the same queries, on a
   third gunicorn serving earlier code (a `git worktree`, its own gunicorn.conf.py) over
   the index that code built: the baseline of issue #11, measured in the same run.

Prints, with each wrk command line, requests/s, p50/p99 latency, the requests wrk
counts as failed (status >= 400: "non-2xx/3xx") or socket errors, and the server's CPU
time a request (from /proc, recycled workers included); then /api/search's requests/s
as a share of the plain page's, and the same share from CPU a request, which other
load on the machine does not move; with --before, how many times the earlier code's
shares this code's are (issue #11: at least 3x).
Loopback only; bounded (each run --seconds, warm-ups --warmup); every process it
starts runs in its own process group and is stopped on exit, errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from flask import Flask, Response

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

if TYPE_CHECKING:
    from benchmarks.search_cases import Case

PLAIN_BYTES = 10 * 1024
WORKERS = 2
THREADS = 2  # wrk -t
CONNECTIONS = 16  # wrk -c
MAX_QUERY = 1000  # the app's own limit on a query's length
TARGET_RATIO = 3  # issue #11: three times the share of the code it was filed against
PLAIN_SPEC = "benchmarks.bench_throughput:plain_app()"
RESULT_LINE = re.compile(r"^BENCH (.*)$", re.MULTILINE)


def plain_app() -> Flask:
    """The page to compare with: Flask and gunicorn returning 10 KB and doing nothing else."""
    app = Flask("plain")
    line = "The quick brown fox jumps over the lazy dog, 0123456789.\n"
    body = (line * (PLAIN_BYTES // len(line) + 1))[:PLAIN_BYTES]

    @app.get("/")
    def page() -> Response:
        return Response(body, mimetype="text/plain")

    return app


def search_paths(cases: Iterable[Case]) -> list[str]:
    """`/api/search?q=...` for each distinct query (first seen order), URL-encoded."""
    queries = dict.fromkeys(" ".join(case.query.split()) for case in cases)
    return [f"/api/search?q={quote_plus(query)}" for query in queries
            if query and len(query) <= MAX_QUERY]


def article_paths(article_ids: Iterable[str]) -> list[str]:
    """The canonical page of each article (`/kb/<number // 1000>/<id>/`), no redirect."""
    return [f"/kb/{int(ident[1:]) // 1000:03d}/{ident}/"
            for ident in dict.fromkeys(article_ids)]


def lua_string(text: str) -> str:
    """A Lua string literal for the text (escapes every byte that is not plain ASCII)."""
    escaped = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char.isascii() and char.isprintable() and char not in '"\\':
            escaped.append(char)
        else:
            escaped.append(f"\\{byte:03d}")
    return '"' + "".join(escaped) + '"'


def wrk_script(paths: Sequence[str] = (), threads: int = THREADS) -> str:
    """A wrk Lua script that requests the paths in turn (thread k takes k, k+threads, ...,
    so threads never ask the same one) and prints one `BENCH key=value ...` line at the
    end; with no paths it requests the URL given to wrk."""
    lines = ["-- written by benchmarks/bench_throughput.py"]
    if paths:
        lines += ["local paths = {", *(f"  {lua_string(path)}," for path in paths), "}",
                  "local threads = 0",
                  "function setup(thread)",
                  "  thread:set('first', threads)",
                  "  threads = threads + 1",
                  "end",
                  "function init(args)",
                  "  position = first",
                  "end",
                  "function request()",
                  "  local path = paths[(position % #paths) + 1]",
                  f"  position = position + {threads}",
                  "  return wrk.format('GET', path)",
                  "end"]
    lines += ["function done(summary, latency, requests)",
              "  local e = summary.errors",
              "  io.write(string.format('BENCH requests=%d duration_us=%d bytes=%d '"
              " .. 'p50_us=%d p99_us=%d status=%d connect=%d read=%d write=%d '"
              " .. 'timeout=%d\\n', summary.requests, summary.duration, summary.bytes,"
              " latency:percentile(50), latency:percentile(99), e.status, e.connect,"
              " e.read, e.write, e.timeout))",
              "end"]
    return "\n".join(lines) + "\n"


def parse_result(output: str) -> dict[str, int]:
    """The figures of the script's `BENCH` line in wrk's output."""
    match = RESULT_LINE.search(output)
    if match is None:
        raise ValueError("no BENCH line in wrk's output")
    return {key: int(float(value)) for key, value in
            (field.split("=", 1) for field in match.group(1).split())}


def requests_per_second(result: dict[str, int]) -> float:
    return result["requests"] / (result["duration_us"] / 1e6) if result["duration_us"] else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """Every process started, each in its own process group; stop() ends them all."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen] = []

    def start(self, command: list[str], **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(command, start_new_session=True, **kwargs)
        self.started.append(process)
        return process

    def stop(self, process: subprocess.Popen, grace: float = 25) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
        # A worker that outlived its master would still be in the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for process in reversed(self.started):
            self.stop(process)


def status_of(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def wait_until_up(port: int, path: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {log}")
        try:
            if status_of(port, path) == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {path} in 120 s; see {log}")


def start_gunicorn(processes: Processes, port: int, env: dict[str, str], log: Path,
                   spec: str | None = None, root: Path = PROJECT_ROOT) -> subprocess.Popen:
    """gunicorn -c gunicorn.conf.py [spec] of the project at `root` (this checkout, or
    an earlier one to compare with), 2 workers on 127.0.0.1:port."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c",
               str(root / "gunicorn.conf.py")]
    if spec:
        command.append(spec)
    env = {**os.environ, **env, "BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": str(WORKERS)}
    return processes.start(command, cwd=root, env=env, stdout=log.open("w"),
                           stderr=subprocess.STDOUT)


def server_cpu_seconds(master: int) -> float:
    """CPU time of a gunicorn: its master and live workers, and the workers it has
    reaped (recycled by max_requests), from /proc. Unlike requests/s it does not
    depend on what else the machine runs."""
    ticks = os.sysconf("SC_CLK_TCK")

    def fields(pid: int) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    own = fields(master)  # from the state on: utime is [11], stime [12], cutime [13], cstime [14]
    total = sum(int(value) for value in own[11:15])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = fields(int(entry.name))
            except OSError:
                continue
            if int(stat[1]) == master:
                total += int(stat[11]) + int(stat[12])
    return total / ticks


def run_wrk(processes: Processes, port: int, path: str, script: Path, seconds: int,
            latency: bool = True) -> tuple[list[str], dict[str, int]]:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    command += ["--latency"] if latency else []
    command += ["-s", str(script), f"http://127.0.0.1:{port}{path}"]
    process = processes.start(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        output, _ = process.communicate(timeout=seconds + 60)
    finally:
        processes.stop(process, grace=5)
    if process.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed ({process.returncode}):\n{output}")
    return command, parse_result(output)


def report(label: str, command: list[str], result: dict[str, int], distinct: int = 0,
           cpu: float = 0.0) -> float:
    rate = requests_per_second(result)
    socket_errors = sum(result[key] for key in ("connect", "read", "write", "timeout"))
    print(f"\n{label}\n  $ {shlex.join(command)}")
    print(f"  {rate:9.1f} requests/s  ({result['requests']} in "
          f"{result['duration_us'] / 1e6:.1f} s, {result['bytes'] / result['requests'] / 1024:.1f}"
          f" KB each)" if result["requests"] else "  no requests answered")
    print(f"  latency p50 {result['p50_us'] / 1000:7.1f} ms   "
          f"p99 {result['p99_us'] / 1000:7.1f} ms")
    print(f"  non-2xx/3xx {result['status']}   socket errors {socket_errors} "
          f"(connect {result['connect']}, read {result['read']}, write {result['write']}, "
          f"timeout {result['timeout']})")
    if cpu and result["requests"]:
        print(f"  server CPU {cpu:.1f} s: {cpu / result['requests'] * 1000:.2f} ms a request")
    if distinct:
        repeated = max(0, result["requests"] - distinct)
        print(f"  {distinct} distinct URLs; " + (
            "none asked twice" if not repeated else f"{repeated} requests repeated one"))
    return rate


def write_script(directory: Path, name: str, paths: Sequence[str] = ()) -> Path:
    path = directory / name
    path.write_text(wrk_script(paths), encoding="utf-8")
    return path


def check_paths(port: int, paths: Sequence[str]) -> None:
    """A few of the URLs, one at a time: each must answer 200 itself (no redirect)."""
    for path in paths:
        status = status_of(port, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="built index of the archive")
    parser.add_argument("--kb", type=Path, help="archive kb/ directory (default: found)")
    parser.add_argument("--seconds", type=int, default=20, help="length of each wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up before each run, s")
    parser.add_argument("--per-kind", type=int, default=2000,
                        help="search cases asked of benchmarks/search_cases.py per kind")
    parser.add_argument("--articles", type=int, default=30000, help="distinct article pages")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--before", type=Path,
                        help="a checkout of earlier code (git worktree) whose /api/search is "
                             "measured in the same run, on --before-index")
    parser.add_argument("--before-index", type=Path, help="the index that code built")
    args = parser.parse_args()
    # Here, not at the top: the plain page's workers import this module, and a worker
    # that max_requests recycles should cost what a tiny app costs to start.
    from benchmarks.corpus import SKIP_MESSAGE, corpus_dir, iter_raw_articles
    from benchmarks.search_cases import generate_cases

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    kb = args.kb or corpus_dir()
    if kb is None:
        print(SKIP_MESSAGE)
        return 0
    print(f"$ {shlex.join([sys.executable, *sys.argv])}")
    print(f"{os.cpu_count()} CPUs; gunicorn.conf.py, {WORKERS} workers each; "
          f"wrk -t{THREADS} -c{CONNECTIONS}, {args.seconds} s a run")

    rng = random.Random(args.seed)
    articles = list(iter_raw_articles(kb))
    queries = search_paths(generate_cases(articles, seed=args.seed, per_kind=args.per_kind))
    rng.shuffle(queries)
    warm_queries, queries = queries[:300], queries[300:]
    ids = rng.sample([ident for ident, _, _ in articles], min(len(articles), args.articles + 300))
    pages = article_paths(ids)
    warm_pages, pages = pages[:300], pages[300:]
    print(f"{len(queries)} distinct queries and {len(pages)} distinct articles measured "
          f"(300 others of each to warm up)")

    # SIGTERM (or a closed terminal) unwinds like Ctrl-C, through the finally below.
    def interrupted(number: int, _frame) -> None:
        raise SystemExit(f"stopped by signal {number}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    processes = Processes()
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        work = Path(tmp)
        try:
            quiet = {"ACCESS_LOG": "", "LOG_LEVEL": "info"}
            app_port, plain_port = free_port(), free_port()
            app_log, plain_log = work / "app.log", work / "plain.log"
            app = start_gunicorn(processes, app_port, {
                **quiet, "FLASK_INDEX_DIR": str(args.index), "FLASK_KB_DIR": str(kb),
                "FLASK_ACTIVITY_DB": str(work / "activity.sqlite")}, app_log)
            plain = start_gunicorn(processes, plain_port, quiet, plain_log, PLAIN_SPEC)
            masters = {app_port: app.pid, plain_port: plain.pid}
            wait_until_up(plain_port, "/", plain, plain_log)
            wait_until_up(app_port, "/healthz", app, app_log)
            check_paths(app_port, warm_queries[:5] + warm_pages[:5])
            logs = {"plain": plain_log, "app": app_log}
            if args.before:
                before_port, logs["before"] = free_port(), work / "before.log"
                before = start_gunicorn(processes, before_port, {
                    **quiet, "FLASK_INDEX_DIR": str(args.before_index), "FLASK_KB_DIR": str(kb),
                    "FLASK_ACTIVITY_DB": str(work / "before.sqlite")}, logs["before"],
                    root=args.before.resolve())
                masters[before_port] = before.pid
                wait_until_up(before_port, "/healthz", before, logs["before"])
                check_paths(before_port, warm_queries[:5])

            plain_script = write_script(work, "plain.lua")
            runs = [("plain 10 KB Flask page (second gunicorn, same settings)", plain_port,
                     "/", plain_script, plain_script, 0),
                    ("/api/search, mixed queries, none repeated", app_port, "/",
                     write_script(work, "warm-search.lua", warm_queries),
                     write_script(work, "search.lua", queries), len(queries)),
                    ("article pages, mixed articles", app_port, "/",
                     write_script(work, "warm-articles.lua", warm_pages),
                     write_script(work, "articles.lua", pages), len(pages))]
            if args.before:
                runs.append((f"/api/search of the code at {args.before}, same queries",
                             before_port, "/", runs[1][3], runs[1][4], len(queries)))
            rates, costs = [], []
            for label, port, path, warm, measured, distinct in runs:
                if args.warmup > 0:
                    run_wrk(processes, port, path, warm, args.warmup, latency=False)
                before = server_cpu_seconds(masters[port])
                command, result = run_wrk(processes, port, path, measured, args.seconds)
                cpu = server_cpu_seconds(masters[port]) - before
                rates.append(report(label, command, result, distinct, cpu))
                costs.append(cpu / max(result["requests"], 1))
            restarts = {name: log.read_text(errors="replace").count("Autorestarting worker")
                        for name, log in logs.items()}
        finally:
            processes.stop_all()
    plain_rate, search_rate, article_rate = rates[:3]
    share = search_rate / plain_rate if plain_rate else 0.0
    print("\nworkers recycled by max_requests: "
          + ", ".join(f"{name} {count}" for name, count in restarts.items()))
    print(f"/api/search requests/s as a share of the plain page's: {share:.1%}")
    print(f"article page requests/s as a share of the plain page's: "
          f"{article_rate / plain_rate if plain_rate else 0.0:.1%}")
    plain_cost, search_cost = costs[:2]
    print(f"server CPU a request: plain {plain_cost * 1000:.2f} ms, /api/search "
          f"{search_cost * 1000:.2f} ms; the plain page's as a share of /api/search's: "
          f"{plain_cost / search_cost if search_cost else 0.0:.1%} (what the share of "
          f"requests/s would be with the cores to themselves)")
    if args.before:
        before_share = rates[3] / plain_rate if plain_rate else 0.0
        by_cpu = costs[3] / search_cost if search_cost else 0.0
        ratio = share / before_share if before_share else 0.0
        print(f"the code at {args.before}: /api/search {before_share:.1%} of the plain page, "
              f"{costs[3] * 1000:.2f} ms of CPU a request. This code's share is {ratio:.2f}x "
              f"that by requests/s, {by_cpu:.2f}x by CPU (issue #11: at least "
              f"{TARGET_RATIO:.0f}x: {'met' if min(ratio, by_cpu) >= TARGET_RATIO else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
