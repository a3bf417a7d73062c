"""Publishing under load, on the full archive: two gunicorn instances (each machine its
own KB_DIR and index folder) over one real PostgreSQL, 8 clients searching on each,
while an editor publishes articles one after another on instance 1 through the
editor's form. Reported: the searches' and publishes' non-2xx answers, and how long
from a publish until the article is the first result for its own code on instance 2
(and on instance 1), p50, p95 and the worst.

    python benchmarks/bench_authoring_publish_load.py --kb /tmp/mskb/kb \\
        --index /tmp/options/index --database postgresql://kb:kb@127.0.0.1:54320/kb_x \\
        --work /tmp/pubload [--articles 50] [--clients 8] [--port 5150] [--root CHECKOUT]

It makes its own copies in --work: each machine's KB_DIR as hard links of --kb (a run
only adds files under KB_DIR/_authored, by rename, never writes an archive file) and
a copy of the index generation --index names. The authoring and staff tables of
--database are EMPTIED first: give it a database of its own. The instances run with
the app's defaults (AUTHORING_CHECK_SECONDS, INDEX_REFRESH_SECONDS: 2 s each), 2
workers of 8 threads; `--root` serves an earlier checkout of the project instead
(its own gunicorn.conf.py), for a before/after under the same conditions.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from app.activity.database import database_url, make_engine, upgrade  # noqa: E402
from app.index.store import ArticleStore  # noqa: E402
from app.staff.accounts import add_account  # noqa: E402
from benchmarks.bench_authoring import FIRST_ID, queries_for  # noqa: E402
from benchmarks.fault_common import Client, Gunicorn, percentile, settings  # noqa: E402

PASSWORD = "the benchmark editor's password"
EMPTIED = ("authored_versions", "authored_articles", "authored_drafts", "staff_sessions",
           "staff_accounts", "staff_audit")
SEARCHABLE_WITHIN = 60.0   # give up on one article after this


def machines(kb: Path, index: Path, work: Path) -> list[tuple[Path, Path]]:
    """Two (KB_DIR, INDEX_DIR): hard links of the archive, a copy of the generation."""
    made = []
    generation = index.resolve()
    for n in (1, 2):
        root = work / f"machine{n}"
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        subprocess.run(["cp", "-al", str(kb), str(root / "kb")], check=True)
        subprocess.run(["cp", "-a", str(generation), str(root / generation.name)], check=True)
        (root / "index").symlink_to(generation.name)
        made.append((root / "kb", root / "index"))
    return made


def empty_database(url: str) -> None:
    """The schema brought up to date (by the app's own migrations), its authoring and
    staff rows removed, and the benchmark's editor added."""
    url = database_url(url, "")
    engine = make_engine(url)
    upgrade(engine)
    with create_engine(url).begin() as db:
        db.execute(text(f"TRUNCATE {', '.join(EMPTIED)} RESTART IDENTITY"))
    add_account(engine, "bench-editor", "editor", PASSWORD, actor="benchmark")
    engine.dispose()


def queries_of(index: Path, count: int, rng: random.Random) -> list[str]:
    """Codes and title words of random archive articles."""
    store = ArticleStore(index, readonly=True)
    try:
        ids = [row[0] for row in store.db.execute("SELECT id FROM articles")]
        return queries_for(store, rng.sample(ids, count), rng)
    finally:
        store.close()


class Searchers:
    """`clients` threads per instance, each searching one query after another."""

    def __init__(self, ports: list[int], clients: int, queries: list[str]) -> None:
        self.stop = threading.Event()
        self.statuses: Counter[int] = Counter()
        self.seconds: list[float] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._search, args=(port, n, queries))
                        for port in ports for n in range(clients)]

    def _search(self, port: int, seed: int, queries: list[str]) -> None:
        client, rng = Client(port), random.Random(seed * 7919 + port)
        while not self.stop.is_set():
            answer = client.get("/api/search?" + urlencode({"q": rng.choice(queries)}))
            with self.lock:
                self.statuses[answer.status] += 1
                self.seconds.append(answer.seconds)

    def __enter__(self) -> Searchers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def signed_in_editor(port: int) -> Client:
    editor = Client(port)
    token = _token(editor.get("/staff/sign-in").body)
    answer = editor.post("/staff/sign-in", {"token": token, "name": "bench-editor",
                                            "password": PASSWORD})
    if answer.status != 303:
        raise SystemExit(f"the editor could not sign in: {answer.status}")
    return editor


def _token(page: bytes) -> str:
    marker = b'name="token" value="'
    start = page.index(marker) + len(marker)
    return page[start:page.index(b'"', start)].decode()


def editor_token(editor: Client, statuses: Counter) -> str:
    """The form's token from a fresh editor page; a page that did not come (counted
    with the publishes' answers) is asked for again."""
    for _ in range(5):
        page = editor.get("/staff/articles/new")
        if page.status == 200:
            return _token(page.body)
        statuses[f"editor page {page.status}"] += 1
        time.sleep(1)
    raise SystemExit("the editor's page did not come five times")


def article_form(number: int, token: str) -> tuple[dict[str, str], str, str]:
    """The editor's form for article `number`: (form, id, its own code)."""
    identifier, code = f"Q{FIRST_ID + number}", f"0x8FAB{number:04X}"
    body = (f"## Symptoms\n\nThe benchmark tool stops with error {code}.\n\n"
            "## Resolution\n\n1. Close the tool.\n2. Delete its cache.\n3. Start it again.\n")
    return ({"token": token, "base": "0", "new": "1", "id": identifier, "products": "",
             "messages": "", "title": f"Benchmark tool fails with {code}", "codes": code,
             "body": body, "tree": "", "summary": "Benchmark", "action": "publish"},
            identifier, code)


def first_result(client: Client, code: str) -> str:
    answer = client.get("/api/search?" + urlencode({"q": code}))
    if answer.status != 200:
        return ""
    results = json.loads(answer.body)["results"]
    return results[0]["id"] if results else ""


def publish_all(ports: list[int], count: int) -> tuple[list[float], list[float], Counter]:
    """Publish `count` articles on ports[0], each after the one before is searchable
    on both: (seconds to first result on instance 2, on instance 1, publish statuses)."""
    editor = signed_in_editor(ports[0])
    readers = [Client(port) for port in ports]
    on_two, on_one, statuses = [], [], Counter()
    for number in range(count):
        form, identifier, code = article_form(number, editor_token(editor, statuses))
        started = time.monotonic()
        answer = editor.post("/staff/articles/save", form)
        statuses[answer.status] += 1
        if answer.status != 303:
            print(f"publish {identifier}: {answer.status} {answer.body[:300]!r}")
            continue
        seen: dict[int, float] = {}
        while len(seen) < 2 and time.monotonic() - started < SEARCHABLE_WITHIN:
            for n, reader in enumerate(readers):
                if n not in seen and first_result(reader, code) == identifier:
                    seen[n] = time.monotonic() - started
            time.sleep(0.05)
        on_one.append(seen.get(0, float("inf")))
        on_two.append(seen.get(1, float("inf")))
    return on_two, on_one, statuses


def summary(values: list[float]) -> str:
    return (f"p50 {statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s, "
            f"worst {max(values):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=5150)
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT)
    args = parser.parse_args()
    empty_database(args.database)
    places = machines(args.kb, args.index, args.work)
    queries = queries_of(places[0][1], 300, random.Random(21))
    ports = [args.port, args.port + 1]
    servers = []
    try:
        for port, (kb_dir, index_dir) in zip(ports, places, strict=True):
            env = settings(KB_DIR=kb_dir, INDEX_DIR=index_dir, DATABASE_URL=args.database,
                           ACTIVITY_DB=args.work / f"unused{port}.sqlite")
            servers.append(Gunicorn(port, env, args.work / f"gunicorn-{port}.log", workers=2,
                                    root=args.root))
        for port in ports:   # every worker's searchers and postings warm
            warm = Client(port)
            for query in queries[:40]:
                warm.get("/api/search?" + urlencode({"q": query}))
        with Searchers(ports, args.clients, queries) as searching:
            started = time.monotonic()
            on_two, on_one, published = publish_all(ports, args.articles)
            elapsed = time.monotonic() - started
        wrong = sum(n for status, n in searching.statuses.items() if not 200 <= status < 300)
        print(f"{args.clients} clients searching on each of 2 instances for {elapsed:.0f} s: "
              f"{sum(searching.statuses.values())} searches, {wrong} non-2xx "
              f"{dict(searching.statuses)}; search p50 "
              f"{statistics.median(searching.seconds) * 1000:.0f} ms, p95 "
              f"{percentile(searching.seconds, 0.95) * 1000:.0f} ms")
        print(f"{args.articles} published one after another on instance 1: "
              f"answers {dict(published)}")
        print(f"publish -> first result on instance 2: {summary(on_two)}")
        print(f"publish -> first result on instance 1: {summary(on_one)}")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
