"""Fault injection: the shared PostgreSQL stopped, then frozen, under two instances.

A PostgreSQL server of the script's own (benchmarks/own_postgres.py, port 54330 unless
`--pg-port`), an index of the first N archive articles (default 3,000; the bundled kb/
without the archive), and two gunicorn instances of this checkout sharing that
database. 8 clients, each a browser with its own cookies, mix reads (a search that finds
something, one that finds nothing, an article, suggestions, a wizard step) and votes
(the article's form, then its POST with a unique comment), 50 ms apart; one more
thread asks each instance's /healthz every half second. The schedule:

    normal 15 s | PostgreSQL stopped 60 s | back 15 s | frozen (SIGSTOP) 30 s | back 20 s

Afterwards every vote's comment is counted in the database. Targets: 0 non-2xx reads,
read p99 under 1 s in every phase, /healthz never non-200, every acknowledged vote
(303) stored exactly once, and no refused one (503) stored. Prints the figures per
phase. `--before DIR` serves the code at DIR instead (e.g. `git archive 74c63f6 | tar
-x -C DIR`), for the same figures of earlier code.

    .venv/bin/python benchmarks/fault_database.py [--articles 3000] [--before DIR]
        [--short]  (every phase a third as long)
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.fault_common import (
    PROJECT_ROOT,
    Client,
    Gunicorn,
    flask,
    percentile,
    prepare_kb,
    settings,
)
from benchmarks.own_postgres import OwnPostgres

PHASES = [("normal", 15), ("stopped", 60), ("back", 15), ("frozen", 30), ("resumed", 20)]
CLIENTS = 8
PAUSE = 0.05
TOKEN = re.compile(rb'name="token" value="([^"]+)"')


class Run:
    """What every client saw, by phase."""

    def __init__(self) -> None:
        self.phase = "normal"
        self.lock = threading.Lock()
        self.reads: dict[str, list[tuple[int, float, str]]] = defaultdict(list)
        self.votes: dict[str, list[tuple[int, float, str]]] = defaultdict(list)
        self.health: dict[str, list[int]] = defaultdict(list)
        self.stop = threading.Event()

    def note(self, table: dict, row: tuple) -> None:
        with self.lock:
            table[self.phase].append(row)


def client_loop(run: Run, number: int, ports: list[int], ids: list[str], words: list[str]) -> None:
    chooser = random.Random(number)
    browsers = [Client(port, timeout=30) for port in ports]
    count = 0
    while not run.stop.is_set():
        browser = chooser.choice(browsers)
        aid = chooser.choice(ids)
        article = f"/kb/{int(aid[1:]) // 1000:03d}/{aid}/"
        kind = chooser.random()
        if kind < 0.3:
            count += 1
            page = browser.get(article)
            run.note(run.reads, (page.status, page.seconds, article))
            token = TOKEN.search(page.body)
            if token is not None:
                comment = f"fault-vote-{number}-{count}"
                answer = browser.post(article + "feedback", {
                    "token": token.group(1).decode(), "helpful": "yes", "comment": comment})
                run.note(run.votes, (answer.status, answer.seconds, comment))
        else:
            path = chooser.choice([
                f"/search?q={chooser.choice(words)}",
                f"/search?q=zzqx{chooser.randrange(10**6)}+nothingatall",
                article,
                f"/api/suggest?q={chooser.choice(words)[:3]}",
                f"/troubleshoot?q={chooser.choice(words)}",
            ])
            answer = browser.get(path)
            run.note(run.reads, (answer.status, answer.seconds, path))
        time.sleep(PAUSE)


def health_loop(run: Run, ports: list[int]) -> None:
    browsers = [Client(port, timeout=10) for port in ports]
    while not run.stop.is_set():
        for browser in browsers:
            run.note(run.health, (browser.get("/healthz").status,))
        time.sleep(0.5)


def stored_votes(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    from app.activity.database import database_url

    engine = create_engine(database_url(url, ""))
    with engine.connect() as db:
        rows = db.execute(text("SELECT comment, count(*) FROM votes GROUP BY comment"))
        found = {comment: int(n) for comment, n in rows}
    engine.dispose()
    return found


def report(run: Run, stored: dict[str, int]) -> list[str]:
    """Prints the figures per phase; returns the targets missed."""
    missed = []
    print(f"{'phase':9} {'reads':>6} {'non-2xx':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'votes':>6} {'acked':>6} {'503':>5} {'other':>6} {'health!200':>10}")
    for phase, _ in PHASES:
        reads, votes = run.reads[phase], run.votes[phase]
        times = [seconds for _, seconds, _ in reads]
        bad = [row for row in reads if not 200 <= row[0] < 400]
        acked = sum(1 for status, _, _ in votes if status == 303)
        refused = sum(1 for status, _, _ in votes if status == 503)
        health_bad = sum(1 for (status,) in run.health[phase] if status != 200)
        p99 = percentile(times, 0.99)
        print(f"{phase:9} {len(reads):6} {len(bad):8} {percentile(times, 0.5) * 1000:7.0f} "
              f"{p99 * 1000:7.0f} {max(times, default=0) * 1000:7.0f} {len(votes):6} {acked:6} "
              f"{refused:5} {len(votes) - acked - refused:6} {health_bad:10}")
        if bad:
            missed.append(f"{phase}: {len(bad)} non-2xx reads, e.g. {bad[:3]}")
        if p99 >= 1.0:
            slowest = sorted(reads, key=lambda row: -row[1])[:3]
            missed.append(f"{phase}: read p99 {p99 * 1000:.0f} ms (slowest: "
                          + ", ".join(f"{path} {seconds:.1f} s" for _, seconds, path in slowest)
                          + ")")
        if health_bad:
            missed.append(f"{phase}: /healthz non-200 {health_bad} times")
    everything = [row for rows in run.votes.values() for row in rows]
    acked = [comment for status, _, comment in everything if status == 303]
    refused = [comment for status, _, comment in everything if status != 303]
    not_once = [c for c in acked if stored.get(c) != 1]
    stored_refused = [c for c in refused if stored.get(c)]
    print(f"votes acknowledged {len(acked)}, stored exactly once {len(acked) - len(not_once)}; "
          f"refused {len(refused)}, of which stored anyway {len(stored_refused)}")
    if not_once:
        missed.append(f"{len(not_once)} acknowledged votes not stored exactly once")
    if stored_refused:
        missed.append(f"{len(stored_refused)} refused votes stored")
    return missed


def run_schedule(run: Run, postgres: OwnPostgres, scale: float) -> None:
    run.phase = "warm-up"  # each thread's first searcher and pages: not counted
    time.sleep(5)
    for phase, seconds in PHASES:
        run.phase = phase  # before the change: a vote refused while it happens counts here
        if phase == "stopped":
            postgres.stop()
        elif phase == "back":
            postgres.start()
        elif phase == "frozen":
            postgres.freeze()
        elif phase == "resumed":
            postgres.thaw()
        print(f"{time.strftime('%H:%M:%S')} {phase} for {seconds * scale:.0f} s", flush=True)
        time.sleep(seconds * scale)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--pg-port", type=int, default=54330)
    parser.add_argument("--ports", type=int, nargs=2, default=[5500, 5501])
    parser.add_argument("--before", type=Path, help="serve the code at this folder")
    parser.add_argument("--short", action="store_true", help="every phase a third as long")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    root = args.before.resolve() if args.before else PROJECT_ROOT
    work = Path(tempfile.mkdtemp(prefix="kb-fault-db-"))
    postgres = OwnPostgres(args.pg_port)
    servers: list[Gunicorn] = []
    run = Run()
    try:
        kb, ids = prepare_kb(work, args.articles)
        env = settings(KB_DIR=kb, INDEX_DIR=work / "index", DATABASE_URL=postgres.url,
                       FEEDBACK_RATE_LIMIT=10**6, INDEX_REFRESH_SECONDS=2)
        code, output = flask(env, "index", root=root)
        if code:
            print(output)
            return 1
        postgres.create()
        flask(env, "activity", "migrate", root=root)
        for number, port in enumerate(args.ports):
            servers.append(Gunicorn(port, env, work / f"gunicorn-{number}.log", workers=2,
                                    root=root))
        words = ["outlook", "printer", "0x800ccc0e", "setup", "exchange", "driver", "modem",
                 "excel", "network", "access", "password", "stop+0x0000007b"]
        threads = [threading.Thread(target=client_loop, args=(run, n, args.ports, ids, words),
                                    daemon=True) for n in range(CLIENTS)]
        threads.append(threading.Thread(target=health_loop, args=(run, args.ports), daemon=True))
        for thread in threads:
            thread.start()
        run_schedule(run, postgres, 1 / 3 if args.short else 1.0)
        run.stop.set()
        for thread in threads:
            thread.join(60)
        time.sleep(3)  # the missed searches queued while it was away are written now
        print(f"code: {root}; {len(ids)} articles; {CLIENTS} clients on 2 instances "
              f"(2 workers x 8 threads each)")
        missed = report(run, stored_votes(postgres.url))
        for server in servers:  # what the instances said about the database
            said = [line for line in server.log.read_text().splitlines()
                    if "activity database" in line]
            print(f"instance {server.port}: {len(said)} log lines about the database; "
                  "first: " + " | ".join(line[-150:] for line in said[:3]))
        print("targets missed: " + ("; ".join(missed) if missed else "none"))
        return 1 if missed else 0
    finally:
        run.stop.set()
        for server in servers:
            server.stop()
        postgres.destroy()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
