"""Articles written in the browser, on the full archive: how long from a publish to
the first search result, what 500 published articles cost search, and an export then
import of them into an empty database.

    python benchmarks/bench_authoring.py --kb COPY_OF_KB --index COPY_OF_INDEX
                                         --work DIR [--articles 50] [--bulk 500]
                                         [--queries 300]

It WRITES: KB/_authored and the index in place (as every instance's Follower does),
so give it copies (`cp -al /tmp/mskb/kb`, `cp -a` of an index generation and a
symlink). In --work it keeps a copy of the index without published articles (the
same-run baseline, about 1.3 GB) and a second KB_DIR of hard links.

1. Publish to searchable: `--articles` new articles, one after another, each published
   with app/authoring's own functions, then the incremental index run a Follower makes
   (`refresh_index`, in this process's main thread: bounded as in the helper; its scan
   limited to KB_DIR/_authored), then the app's search polled until the article is the
   first result for its own code. Reported: p50, p95 and the worst, and the index run
   alone. (What an instance adds in production: up to AUTHORING_CHECK_SECONDS before
   its Follower looks, and up to INDEX_REFRESH_SECONDS before its searchers reopen;
   benchmarks/bench_authoring_publish_load.py measures all of it, under load.)
2. `--bulk` more articles in one run (a Follower batches what was published while it
   ran).
3. Search with and without them, in the same run: `--queries` queries (codes and title
   words of random archive articles), each asked twice, alternately of the app on the
   index with the published articles and of one on the copy taken before any was
   published: p50, p95 of each and the ratios.
4. Export then import into an empty database, whose articles are indexed into the
   baseline copy: the rendered articles (the store's serialised HTML of each) of the
   two indexes, byte for byte.
SQLite in a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from app import create_app  # noqa: E402
from app.activity.database import database_url, make_engine  # noqa: E402
from app.authoring.files import AUTHORED_DIR, export_folder, import_folder  # noqa: E402
from app.authoring.follow import refresh_index  # noqa: E402
from app.authoring.source import Fields, compose  # noqa: E402
from app.authoring.versions import publish, published  # noqa: E402
from app.index.store import ArticleStore  # noqa: E402
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
        postings = postings_of(kb)
        deleted = postings.deleted.tolist()
        ids = [i for n, i in enumerate(postings.ids) if not deleted[n]]
        return queries_for(kb.store(), rng.sample(ids, count), rng)


def queries_for(store, sample: list[str], rng: random.Random) -> list[str]:
    """What people search for these articles: a code of two in five of those that
    carry one, else the first four words of the title."""
    facts, titles = store.facts(sample), store.titles(sample)
    queries = []
    for identifier in sample:
        found = facts.get(identifier)
        if found and found.codes and rng.random() < 0.4:
            queries.append(sorted(found.codes)[0])
        else:
            queries.append(" ".join(titles.get(identifier, "").split()[:4]) or "printer")
    return queries


def search_times(clients: list, queries: list[str]) -> list[list[float]]:
    """Each query asked of every client in turn (the order alternating), twice: the
    milliseconds of each client's answers."""
    times: list[list[float]] = [[] for _ in clients]
    for n, query in enumerate(queries * 2):
        order = list(range(len(clients)))
        for which in order if n % 2 == 0 else order[::-1]:
            started = time.perf_counter()
            response = clients[which].get("/api/search?" + urlencode({"q": query}))
            times[which].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (query, response.status_code)
    return times


def first_result(client, code: str) -> str:
    results = client.get("/api/search?" + urlencode({"q": code})).get_json()["results"]
    return results[0]["id"] if results else ""


def make_app(kb: Path, index: Path, database: Path):
    return create_app({"TESTING": True, "KB_DIR": str(kb), "INDEX_DIR": str(index),
                       "INDEX_REFRESH_SECONDS": 0, "ACTIVITY_DB": str(database),
                       "SECRET_KEY": "bench", "AUTHORING_CHECK_SECONDS": 0})


def baseline_copy(index: Path, work: Path) -> Path:
    """A copy of the index as it is now (its generation and a symlink to it)."""
    generation = index.resolve()
    copy = work / "baseline"
    if copy.exists():
        shutil.rmtree(copy)
    copy.mkdir(parents=True)
    subprocess.run(["cp", "-a", str(generation), str(copy / generation.name)], check=True)
    (copy / "index").symlink_to(generation.name)
    return copy / "index"


def publish_one_by_one(app, args, url: str) -> None:
    engine, client = app.extensions["activity_engine"], app.test_client()
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
          f"{statistics.median(runs):.2f} s, p95 {percentile(runs, 95):.2f} s)")
    started = time.perf_counter()
    for number in range(args.articles, args.articles + args.bulk):
        text, code = article_text(number)
        publish(engine, f"Q{FIRST_ID + number}", text, "", base=0, author="bench",
                summary="", title=code)
    refresh_index(str(args.kb), str(args.index), url)
    print(f"{args.bulk} more published, then one index run: "
          f"{time.perf_counter() - started:.1f} s")


def compare_search(apps: list, queries: list[str], published: int) -> None:
    clients = [app.test_client() for app in apps]
    search_times(clients, queries[:20])   # warm: searchers, postings, store
    with_them, without = search_times(clients, queries)
    for name, times in (("with", with_them), ("without", without)):
        print(f"search {name} the {published} published: p50 {statistics.median(times):.1f} "
              f"ms, p95 {percentile(times, 95):.1f} ms ({len(times)} queries)")
    print(f"ratios with/without, same run: p50 "
          f"{statistics.median(with_them) / statistics.median(without):.3f}, p95 "
          f"{percentile(with_them, 95) / percentile(without, 95):.3f}")


def export_import(app, args, baseline: Path, folder: Path) -> None:
    """Export, import into an empty database, index that into the baseline copy (over
    a KB_DIR of its own): the two stores' rendered articles, byte for byte."""
    shutil.rmtree(folder / "export", ignore_errors=True)   # an earlier run's
    for suffix in ("", "-wal", "-shm"):
        (folder / f"imported.sqlite{suffix}").unlink(missing_ok=True)
    exported = export_folder(app.extensions["activity_engine"], folder / "export")
    other = make_engine(database_url("", folder / "imported.sqlite"))
    report = import_folder(other, folder / "export", author="(import)")
    kb2 = folder / "kb-imported"
    if kb2.exists():
        shutil.rmtree(kb2)
    subprocess.run(["cp", "-al", str(args.kb), str(kb2)], check=True)
    shutil.rmtree(kb2 / AUTHORED_DIR, ignore_errors=True)
    refresh_index(str(kb2), str(baseline), database_url("", folder / "imported.sqlite"))
    ids = [version.article_id for version in published(other)]
    rendered = [_rendered(index, ids) for index in (args.index, baseline)]
    same = sum(rendered[0].get(i) == rendered[1].get(i) is not None for i in ids)
    print(f"export {exported} articles, import into an empty database: published "
          f"{len(report.published)}, refused {len(report.refused)}; rendered articles "
          f"byte-identical in the two indexes: {same} of {len(ids)}")
    other.dispose()


def _rendered(index: Path, ids: list[str]) -> dict[str, str]:
    store = ArticleStore(index, readonly=True)
    try:
        marks = ",".join("?" * len(ids))
        return dict(store.db.execute(f"SELECT id, data FROM articles WHERE id IN ({marks})",
                                     ids).fetchall())
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--bulk", type=int, default=500)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-authoring-"))
    app = make_app(args.kb, args.index, folder / "a.sqlite")
    url = database_url(app.config["DATABASE_URL"], app.config["ACTIVITY_DB"])
    # Untimed: an index run that also removes what an earlier run of this left published.
    refresh_index(str(args.kb), str(args.index), url)
    baseline = baseline_copy(args.index, args.work)
    queries = queries_of(app, random.Random(21), args.queries)
    publish_one_by_one(app, args, url)
    without = make_app(args.kb, baseline, folder / "b.sqlite")
    compare_search([app, without], queries, args.articles + args.bulk)
    export_import(app, args, baseline, args.work)
    for each in (app, without):
        each.extensions["knowledge_base"].close()


if __name__ == "__main__":
    main()
