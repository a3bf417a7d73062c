"""Articles written in the browser, on the full archive: how long from a publish to
the first search result, and what 500 published articles cost search.

    python benchmarks/bench_authoring.py --kb COPY_OF_KB --index COPY_OF_INDEX
                                         [--articles 50] [--bulk 500] [--queries 300]

It WRITES: KB/_authored and the index in place (as every instance's Follower does),
so give it copies (`cp -a /tmp/mskb/kb`, `cp -a` of an index generation and a symlink).

1. Search, before: `--queries` queries (codes and title words of random archive
   articles) through `/api/search`, each asked twice, p50 and p95.
2. Publish to searchable: `--articles` new articles, one after another, each published
   with app/authoring's own functions, then the incremental index run a Follower makes
   (`refresh_index`, in this process's main thread: bounded as in the helper; its scan
   limited to KB_DIR/_authored), then
   the app's search polled until the article is the first result for its own code.
   Reported: p50, p95 and the worst, and the index run alone.
3. `--bulk` more articles in one run (a Follower batches what was published while it
   ran), then search again: p50 and p95 after, and the ratio after/before (the same
   process and index, measured one after the other: the machine's noise is in it).
SQLite in a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from app import create_app  # noqa: E402
from app.activity.database import database_url  # noqa: E402
from app.authoring.follow import refresh_index  # noqa: E402
from app.authoring.source import Fields, compose  # noqa: E402
from app.authoring.versions import publish  # noqa: E402
from app.search.scoring import postings_of  # noqa: E402
from app.web.knowledge import get_kb  # noqa: E402
from benchmarks.eval_wizard import percentile  # noqa: E402

FIRST_ID = 950_001


def article_text(number: int) -> tuple[str, str]:
    """A new article with its own made-up code (0x8FAB0000 + n), three steps."""
    code = f"0x8FAB{number:04X}"
    fields = Fields(id=f"Q{FIRST_ID + number}", title=f"Benchmark tool fails with {code}",
                    codes=[code], body=(
                        f"## Symptoms\n\nThe benchmark tool stops with error {code}.\n\n"
                        "## Resolution\n\n1. Close the tool.\n2. Delete its cache.\n"
                        "3. Start it again.\n"))
    return compose(fields), code


def queries_of(app, rng: random.Random, count: int) -> list[str]:
    with app.app_context():
        kb = get_kb()
        postings = postings_of(kb.searcher())
        deleted = postings.deleted.tolist()
        ids = [i for n, i in enumerate(postings.ids) if not deleted[n]]
        sample = rng.sample(ids, count)
        facts = kb.store().facts(sample)
        titles = kb.store().titles(sample)
    queries = []
    for identifier in sample:
        found = facts.get(identifier)
        if found and found.codes and rng.random() < 0.4:
            queries.append(sorted(found.codes)[0])
        else:
            words = titles.get(identifier, "").split()
            queries.append(" ".join(words[:4]) or "printer")
    return queries


def search_times(client, queries: list[str]) -> list[float]:
    times = []
    for query in queries * 2:
        started = time.perf_counter()
        response = client.get("/api/search?" + urlencode({"q": query}))
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (query, response.status_code)
    return times


def first_result(client, code: str) -> str:
    results = client.get("/api/search?" + urlencode({"q": code})).get_json()["results"]
    return results[0]["id"] if results else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--bulk", type=int, default=500)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-authoring-"))
    app = create_app({"TESTING": True, "KB_DIR": str(args.kb), "INDEX_DIR": str(args.index),
                      "INDEX_REFRESH_SECONDS": 0, "ACTIVITY_DB": str(folder / "a.sqlite"),
                      "SECRET_KEY": "bench", "AUTHORING_CHECK_SECONDS": 0})
    url = database_url(app.config["DATABASE_URL"], app.config["ACTIVITY_DB"])
    engine = app.extensions["activity_engine"]
    client = app.test_client()
    # Untimed: an index run that also removes what an earlier run of this left published.
    refresh_index(str(args.kb), str(args.index), url)
    queries = queries_of(app, random.Random(21), args.queries)
    search_times(client, queries[:20])   # warm: searchers, postings, store
    before = search_times(client, queries)
    print(f"search before: p50 {statistics.median(before):.1f} ms, "
          f"p95 {percentile(before, 95):.1f} ms ({len(before)} queries)")

    visible, runs = [], []
    for number in range(args.articles):
        text, code = article_text(number)
        started = time.perf_counter()
        publish(engine, f"Q{FIRST_ID + number}", text, "", base=0, author="bench",
                summary="", title=code)
        refresh_index(str(args.kb), str(args.index), url)
        runs.append(time.perf_counter() - started)
        while first_result(client, code) != f"Q{FIRST_ID + number}":
            time.sleep(0.01)
        visible.append(time.perf_counter() - started)
    print(f"publish to first result, {args.articles} articles one after another: "
          f"p50 {statistics.median(visible):.2f} s, p95 {percentile(visible, 95):.2f} s, "
          f"worst {max(visible):.2f} s (the index run alone: p50 "
          f"{statistics.median(runs):.2f} s)")

    started = time.perf_counter()
    for number in range(args.articles, args.articles + args.bulk):
        text, code = article_text(number)
        publish(engine, f"Q{FIRST_ID + number}", text, "", base=0, author="bench",
                summary="", title=code)
    refresh_index(str(args.kb), str(args.index), url)
    print(f"{args.bulk} more published, then one index run: "
          f"{time.perf_counter() - started:.1f} s")
    search_times(client, queries[:20])
    after = search_times(client, queries)
    print(f"search after {args.articles + args.bulk} published: p50 "
          f"{statistics.median(after):.1f} ms, p95 {percentile(after, 95):.1f} ms; "
          f"p95 ratio after/before {percentile(after, 95) / percentile(before, 95):.3f}")
    app.extensions["knowledge_base"].close()


if __name__ == "__main__":
    main()
