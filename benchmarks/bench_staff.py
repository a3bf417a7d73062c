"""What the help desk's overlays cost, and how fast a change reaches another instance,
on the full archive.

    python benchmarks/bench_staff.py [--kb DIR] [--index DIR] [--queries N] [--changes N]
                                     [--database-url URL]

Two apps over the same index, in one process with Flask's test client: one whose
database holds 1,000 notes, 1,000 pins (500 for error codes, 500 for queries' words)
and 500 retired articles (half with a replacement), made with the staff domain's own
functions; one with none. Each query is asked of both, in alternating order, so both
see the same machine load: `/api/search` and the wizard's first step
(`/api/troubleshoot`, its ranking cache emptied first, so every step ranks). The
queries mix the pinned codes and words, the codes of retired articles, and title words.
Reported: p50 and p95 of each, and the ratio with overlays to without (target: p95
within 10%).

Then change-to-visible: a second app on the same database (another instance: its own
overlay snapshot), the default STAFF_CHECK_SECONDS; each of --changes notes is saved
through the first, and the second's `/api/articles/<id>` is polled every 10 ms until
it shows it. Reported: p50, p95 and the worst (target: p95 within 5 s).

SQLite in a temporary folder unless --database-url names a throwaway PostgreSQL
database (its staff tables are emptied first).
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

from sqlalchemy import delete  # noqa: E402

from app import create_app  # noqa: E402
from app.search.scoring import postings_of  # noqa: E402
from app.staff import edits, tables  # noqa: E402
from app.staff.audit import change  # noqa: E402
from app.web.knowledge import get_kb  # noqa: E402
from app.wizard import source as wizard_source  # noqa: E402
from benchmarks.eval_wizard import percentile  # noqa: E402

NOTES, CODE_PINS, WORD_PINS, RETIRED = 1000, 500, 500, 500


def app_for(args, activity: Path, url: str = ""):
    return create_app({"TESTING": True, "KB_DIR": str(args.kb), "INDEX_DIR": str(args.index),
                       "INDEX_REFRESH_SECONDS": 3600, "ACTIVITY_DB": str(activity),
                       "DATABASE_URL": url, "SECRET_KEY": "bench"})


def sample_world(app, rng: random.Random) -> tuple[list[str], dict[str, list[str]]]:
    """Live article ids, and the codes of a sample of them."""
    with app.app_context():
        kb = get_kb()
        postings = postings_of(kb.searcher())
        deleted = postings.deleted.tolist()
        ids = [i for n, i in enumerate(postings.ids) if not deleted[n]]
        sample = rng.sample(ids, 4000)
        facts = kb.store().facts(sample)
    return ids, {i: sorted(facts[i].codes) for i in sample if i in facts and facts[i].codes}


def populate(app, rng: random.Random, ids: list[str], codes: dict[str, list[str]]
             ) -> list[str]:
    """The overlays; returns the queries that exercise them, title words added."""
    engine = app.extensions["activity_engine"]
    with change(engine) as db:
        for table in (tables.notes, tables.retired, tables.pins, tables.audit):
            db.execute(delete(table))
    yes = lambda _id: True  # noqa: E731  (every id comes from the index)
    chosen = rng.sample(ids, NOTES + RETIRED * 2 + WORD_PINS)
    noted, retired, kept = chosen[:NOTES], chosen[NOTES:NOTES + RETIRED], chosen[NOTES + RETIRED:]
    for n, article in enumerate(noted):
        edits.save_note(engine, article, f"Call **extension {4000 + n}** before step {n % 5}.",
                        0, actor="bench", exists=yes)
    for n, article in enumerate(retired):
        edits.retire(engine, article, kept[n] if n % 2 else "", "outdated", actor="bench",
                     exists=yes)
    with app.app_context():
        titles = get_kb().store().titles(rng.sample(ids, WORD_PINS + 200))
    title_words = [" ".join(t.split()[:4]) for t in titles.values() if len(t.split()) >= 2]
    queries = []
    code_list = sorted({c for found in codes.values() for c in found})
    for n, code in enumerate(rng.sample(code_list, min(CODE_PINS, len(code_list)))):
        edits.add_pin(engine, code, kept[n], actor="bench", exists=yes)
        queries.append(code)
    for n, words in enumerate(title_words[:WORD_PINS]):
        try:
            edits.add_pin(engine, words, kept[-1 - n], actor="bench", exists=yes)
            queries.append(words)
        except edits.RefusedError:
            continue
    retired_codes = [codes[i][0] for i in retired if i in codes]
    return (rng.sample(queries, 100) + retired_codes[:50]
            + rng.sample(code_list, 50) + title_words[WORD_PINS:WORD_PINS + 100])


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def speed(args, shaped, plain, queries: list[str]) -> None:
    clients = {"overlays": shaped.test_client(), "none": plain.test_client()}
    times: dict[tuple[str, str], list[float]] = {}
    for client in clients.values():  # warm: searchers, postings, store
        timed(client, "/api/search?q=0x800CCC90")
        timed(client, "/api/troubleshoot?q=0x800CCC90")
    for turn in range(args.rounds):
        for n, query in enumerate(queries):
            order = list(clients) if (n + turn) % 2 else list(reversed(clients))
            for endpoint in ("/api/search", "/api/troubleshoot"):
                for name in order:
                    wizard_source._RANKED.clear()
                    elapsed = timed(clients[name], f"{endpoint}?{urlencode({'q': query})}")
                    times.setdefault((endpoint, name), []).append(elapsed)
    print(f"{len(queries)} queries x {args.rounds} rounds, each asked of both apps in "
          "alternating order")
    for endpoint in ("/api/search", "/api/troubleshoot"):
        with_, without = times[endpoint, "overlays"], times[endpoint, "none"]
        for name, values in (("with overlays", with_), ("without", without)):
            print(f"{endpoint:<18} {name:<14} p50 {statistics.median(values):7.1f} ms  "
                  f"p95 {percentile(values, 95):7.1f} ms")
        print(f"{endpoint:<18} ratio with/without: p50 "
              f"{statistics.median(with_) / statistics.median(without):.3f}  p95 "
              f"{percentile(with_, 95) / percentile(without, 95):.3f}")


def visibility(args, first, second, ids: list[str], rng: random.Random) -> None:
    engine = first.extensions["activity_engine"]
    reader = second.test_client()
    delays = []
    for n, article in enumerate(rng.sample(ids, args.changes)):
        reader.get(f"/api/articles/{article}")  # its snapshot is warm and current
        current = second.extensions["staff_overlays"].current().notes.get(article)
        text = f"Change {n} at {time.time():.3f}"
        started = time.perf_counter()
        edits.save_note(engine, article, text, current.revision if current else 0,
                        actor="bench", exists=lambda _id: True)
        while True:
            note = reader.get(f"/api/articles/{article}").get_json()["note"]
            if note and note["text"] == text:
                break
            time.sleep(0.01)
        delays.append(time.perf_counter() - started)
        time.sleep(rng.random() * 0.5)  # changes land anywhere in the check interval
    print(f"change to visible on the second instance, {len(delays)} changes: p50 "
          f"{statistics.median(delays):.2f} s  p95 {percentile(delays, 95):.2f} s  "
          f"worst {max(delays):.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, default=Path("/tmp/mskb/kb"))
    parser.add_argument("--index", type=Path, default=Path("/tmp/base/index"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    if not args.kb.is_dir() or not args.index.exists():
        print(f"skipped: no archive at {args.kb} or no index at {args.index}")
        return 0
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        shaped = app_for(args, Path(folder) / "overlays.sqlite", args.database_url)
        plain = app_for(args, Path(folder) / "none.sqlite")
        started = time.perf_counter()
        ids, codes = sample_world(shaped, rng)
        queries = populate(shaped, rng, ids, codes)
        print(f"index {args.index.resolve().name}: {len(ids):,} articles; overlays made in "
              f"{time.perf_counter() - started:.0f} s")
        speed(args, shaped, plain, queries)
        second = app_for(args, Path(folder) / "overlays.sqlite", args.database_url)
        visibility(args, shaped, second, ids, rng)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
