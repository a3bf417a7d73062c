"""Search latency and worker memory on the full archive, served as in production.

    python benchmarks/bench_search.py --index DIR [--kb DIR] [--per-kind 40]
                                      [--memory-queries 5000]

Starts gunicorn from the project's gunicorn.conf.py (as `make run` does, 2 workers) on
127.0.0.1 (a free port) over the built index, warms each worker with one set of
queries, then times another set: codes,
messages and descriptions made from the archive by benchmarks/search_cases.py, the
way users type them. Prints p50/p95 per page and kind:

* client side, one client on loopback: an upper bound of the server's time (it adds
  the HTTP round trip, which on loopback is well under a millisecond);
* in process, Flask's test client: the app's own time, no network at all;
* the baseline, in the same run: the same /api/search queries given to a plain SQLite
  FTS5 bm25 index of the same articles (benchmarks/fts5_baseline.py), and the ratio
  of the app's p95 to it, which stays comparable when the machine is busier;

and each gunicorn worker's resident memory (VmRSS, and how much of it is anonymous)
after the run. `/api/suggest` is timed on the first 3, 6, 10 and 15 characters of
the /api/search queries (as the box asks while they are typed), and its p95 is
given as a share of /api/search's p95 in the same run. With --memory-queries N, last, a
one-worker gunicorn answers N more distinct queries and its private memory is printed
as it goes. Bounded by --max-seconds; only talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.corpus import SKIP_MESSAGE, corpus_dir, iter_raw_articles  # noqa: E402
from benchmarks.eval_search import percentile  # noqa: E402
from benchmarks.fts5_baseline import Fts5Baseline  # noqa: E402
from benchmarks.search_cases import KINDS, Case, generate_cases  # noqa: E402

ENDPOINTS = ("/search", "/api/search")
SUGGEST = "/api/suggest"
PREFIXES = (3, 6, 10, 15)  # characters typed when the box asks for suggestions
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def split_cases(cases: list[Case], per_kind: int, seed: int, sets: int) -> list[list[Case]]:
    """Disjoint sets of per_kind queries of each kind: one to warm up with, one for each
    page measured, so no page is timed on queries another page has just cached."""
    rng = random.Random(seed)
    split: list[list[Case]] = [[] for _ in range(sets)]
    for kind in KINDS:
        of_kind = [case for case in cases if case.kind == kind]
        rng.shuffle(of_kind)
        for number in range(sets):
            split[number] += of_kind[number * per_kind : (number + 1) * per_kind]
    return split


def typed_prefixes(cases: list[Case]) -> list[Case]:
    """What the box sends /api/suggest while each query is typed: its first characters."""
    return [case._replace(query=case.query[:length]) for case in cases
            for length in PREFIXES if len(case.query) > length]


def url_for(endpoint: str, text: str) -> str:
    return f"{endpoint}?{urlencode({'q': text})}"


def private_kb(pid: int) -> int:
    """Memory only this process holds (Private_Clean + Private_Dirty of smaps_rollup):
    pages of mapped index files the workers share are not in it."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in rollup.splitlines()
               if line.startswith(("Private_Clean:", "Private_Dirty:")))


def worker_rss(master: int) -> dict[int, tuple[int, int]]:
    """(VmRSS, RssAnon) in kB of each child process of the gunicorn master."""
    rss = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == master and "VmRSS" in fields:
            rss[int(entry.name)] = (int(fields["VmRSS"].split()[0]),
                                    int(fields.get("RssAnon", "0 kB").split()[0]))
    return rss


def timed(fetch: Callable[[str], int], cases: list[Case], endpoint: str,
          deadline: float) -> dict[str, list[float]]:
    """Seconds per request, by kind; a non-200 answer stops the run (it is a bug)."""
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for case in cases:
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        status = fetch(url_for(endpoint, case.query))
        times[case.kind].append(time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"{endpoint} answered {status} for {case.query!r}")
    return times


def timed_articles(fetch: Callable[[str], int], cases: list[Case],
                   deadline: float) -> dict[str, list[float]]:
    """Seconds per article page, for the articles the cases are about."""
    times: dict[str, list[float]] = {"article": []}
    for case in cases:
        if time.monotonic() > deadline:
            break
        number = int(case.target[1:])
        started = time.perf_counter()
        status = fetch(f"/kb/{number // 1000:03d}/{case.target}/")
        times["article"].append(time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"article page {case.target} answered {status}")
    return times


def timed_baseline(baseline: Fts5Baseline, cases: list[Case]) -> dict[str, list[float]]:
    """Seconds per query of the FTS5 baseline, by kind: ten results, as /api/search."""
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for case in cases:
        started = time.perf_counter()
        baseline.search(case.query, 10)
        times[case.kind].append(time.perf_counter() - started)
    return times


def p95_all(times: dict[str, list[float]]) -> float:
    return percentile([t for values in times.values() for t in values], 95)


def report(label: str, endpoint: str, times: dict[str, list[float]]) -> None:
    every = [t for values in times.values() for t in values]
    parts = [f"{label:<11} {endpoint:<12}"]
    for kind, values in [*times.items(), ("all", every)]:
        if values:
            parts.append(f"{kind} p50 {statistics.median(values) * 1000:5.1f} "
                         f"p95 {percentile(values, 95) * 1000:5.1f} ms (n={len(values)})")
    print("  ".join(parts))


def serve(index: Path, kb: Path, port: int, workers: int = WORKERS) -> subprocess.Popen:
    """gunicorn as `make run` starts it (gunicorn.conf.py: its worker class, threads and
    the warm-up of each worker), with `workers` workers, no access log."""
    env = {**os.environ, "FLASK_INDEX_DIR": str(index), "FLASK_KB_DIR": str(kb),
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "ACCESS_LOG": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py")],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def http_fetcher(port: int) -> Callable[[str], int]:
    def fetch(path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
                answer.read()
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
    return fetch


def wait_until_up(fetch: Callable[[str], int], deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if fetch("/api/stats") == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


def memory_after(index: Path, kb: Path, cases: list[Case], deadline: float) -> None:
    """One worker's private memory while it answers `cases`, all different, one by one
    (issue #11: under 300 MB after 5,000 varied queries, whatever the caches keep)."""
    port = free_port()
    server = serve(index, kb, port, workers=1)
    try:
        fetch = http_fetcher(port)
        wait_until_up(fetch, time.monotonic() + 120)
        (pid,) = worker_rss(server.pid)
        samples = [f"0: {private_kb(pid) / 1024:.0f}"]
        step = max(1, len(cases) // 5)
        answered = 0
        for start in range(0, len(cases), step):
            answered += sum(map(len, timed(fetch, cases[start:start + step], "/api/search",
                                           deadline).values()))
            samples.append(f"{answered}: {private_kb(pid) / 1024:.0f}")
        print(f"one worker's private memory (MB) after N distinct /api/search queries, "
              f"N: MB  {'  '.join(samples)}")
    finally:
        stop(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="built index of the archive")
    parser.add_argument("--kb", type=Path, help="archive kb/ directory (default: found)")
    parser.add_argument("--per-kind", type=int, default=40, help="queries per kind, each set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--memory-queries", type=int, default=0,
                        help="then this many other distinct queries to one worker, for its "
                             "memory (issue #11 asks 5000)")
    args = parser.parse_args()
    kb = args.kb or corpus_dir()
    if kb is None:
        print(SKIP_MESSAGE)
        return 0
    deadline = time.monotonic() + args.max_seconds
    articles = list(iter_raw_articles(kb))
    cases = generate_cases(articles, seed=args.seed)
    cold, warm, *measured = split_cases(cases, args.per_kind, args.seed, 2 + len(ENDPOINTS))
    print(f"{len(warm)} warm-up queries, then {len(measured[0])} other ones for each page; "
          f"{os.cpu_count()} CPUs")

    port = free_port()
    server = serve(args.index, kb, port)
    first: dict[str, list[float]] = {}
    try:
        fetch = http_fetcher(port)
        wait_until_up(fetch, time.monotonic() + 120)
        endpoints = [e for e in ENDPOINTS if fetch(url_for(e, "printer")) != 404]
        if "/api/search" not in endpoints:
            print("/api/search does not exist yet: measuring /search only")
        # Queries nobody asked, on workers that have answered one query each, then
        # the same queries again: what a first query costs beyond a repeated one.
        first = timed(fetch, cold, endpoints[-1], deadline)
        report("cold", endpoints[-1], first)
        again = timed(fetch, cold, endpoints[-1], deadline)
        report("warm again", endpoints[-1], again)
        print(f"p95 ratio, cold to the same queries warm: {p95_all(first) / p95_all(again):.2f}")
        for endpoint in endpoints:  # both workers see every warm-up query, about
            for _ in range(WORKERS):
                timed(fetch, warm, endpoint, deadline)
        loopback = {}
        for endpoint, queries in zip(endpoints, measured, strict=False):
            loopback[endpoint] = timed(fetch, queries, endpoint, deadline)
            report("loopback", endpoint, loopback[endpoint])
        if fetch(url_for(SUGGEST, "printer")) == 200 and "/api/search" in loopback:
            for _ in range(WORKERS):  # each worker reads its suggestion lists once
                timed(fetch, typed_prefixes(warm[:10]), SUGGEST, deadline)
            suggested = timed(fetch, typed_prefixes(measured[-1]), SUGGEST, deadline)
            report("loopback", SUGGEST, suggested)
            print(f"p95 of {SUGGEST} / p95 of /api/search: "
                  f"{p95_all(suggested) / p95_all(loopback['/api/search']):.3f}")
        for _ in range(WORKERS):
            timed_articles(fetch, warm, deadline)
        report("loopback", "/kb/…/", timed_articles(fetch, measured[0], deadline))
        rss = worker_rss(server.pid)
        for pid, (resident, anonymous) in sorted(rss.items()):
            print(f"worker {pid}: VmRSS {resident / 1024:.0f} MB "
                  f"(anonymous {anonymous / 1024:.0f} MB, private "
                  f"{private_kb(pid) / 1024:.0f} MB)")
    finally:
        stop(server)

    os.environ["FLASK_INDEX_DIR"], os.environ["FLASK_KB_DIR"] = str(args.index), str(kb)
    from app import create_app

    client = create_app().test_client()

    def in_process(path: str) -> int:
        return client.get(path).status_code

    for endpoint in endpoints:
        timed(in_process, warm, endpoint, deadline)
    in_process_times = {}
    for endpoint, queries in zip(endpoints, measured, strict=False):
        in_process_times[endpoint] = timed(in_process, queries, endpoint, deadline)
        report("in process", endpoint, in_process_times[endpoint])
    if in_process(url_for(SUGGEST, "printer")) == 200 and "/api/search" in in_process_times:
        suggested = timed(in_process, typed_prefixes(measured[-1]), SUGGEST, deadline)
        report("in process", SUGGEST, suggested)
        print(f"in process, p95 of {SUGGEST} / p95 of /api/search: "
              f"{p95_all(suggested) / p95_all(in_process_times['/api/search']):.3f}")
    timed_articles(in_process, warm, deadline)
    report("in process", "/kb/…/", timed_articles(in_process, measured[0], deadline))

    with tempfile.TemporaryDirectory() as tmp:
        baseline = Fts5Baseline.build(articles, Path(tmp) / "fts5.sqlite")
        timed_baseline(baseline, warm)
        baseline_times = timed_baseline(baseline, measured[-1])
        cold_baseline = timed_baseline(baseline, cold)
        baseline.close()
    if first:
        print(f"p95 ratio, cold loopback /api/search to FTS5 on the same queries: "
              f"{p95_all(first) / p95_all(cold_baseline):.3f} (FTS5 p95 "
              f"{p95_all(cold_baseline) * 1000:.1f} ms)")
    report("FTS5 bm25", "same queries", baseline_times)
    if "/api/search" in in_process_times:
        ratio = p95_all(in_process_times["/api/search"]) / p95_all(baseline_times)
        print(f"p95 ratio, in-process /api/search to FTS5 on the same queries: {ratio:.3f}")
    if args.memory_queries:
        used = {case.query for group in (cold, warm, *measured) for case in group}
        others = [case for case in generate_cases(
            articles, seed=args.seed + 1, per_kind=args.memory_queries)
            if case.query not in used]
        random.Random(args.seed).shuffle(others)
        memory_after(args.index, kb, others[:args.memory_queries],
                     time.monotonic() + args.max_seconds)
    if time.monotonic() > deadline:
        print(f"stopped at --max-seconds {args.max_seconds:.0f}: figures cover fewer queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
