"""What the insights cost: the lead's dashboard over 1,000,000 recorded events, and
what recording an event adds to the request it belongs to.

    python benchmarks/bench_insights.py [--events N] [--loads N] [--database-url URL]
                                        [--kb DIR] [--index DIR] [--requests N]

Dashboard: N events (default 1,000,000) generated over the last 90 days with the
domain's own kinds and gap keys (searches, misses, results followed, votes, and walks
of three screens ending fixed, handed over or abandoned), inserted in bulk into a
database migrated to head (so with the migrations' indexes); then --loads (20) loads
of what /staff/insights/ reads: deflection over 28 days, the gaps of 4 weeks (with
50 of them pinned and 50 written up in published articles, so "answered" is worked
out), the 10 latest walks. Twice: straight after the bulk insert, with whatever
statistics the database has then (PostgreSQL: none until autovacuum analyses the
tables, the case that once took 1 s), and after ANALYZE. Reported: p50 and p95
(target: p95 <= 1 s).

Recording: --requests searches, then as many wizard first screens, of the full archive
through Flask's test client, in alternating blocks of RECORDING_BLOCK with recording
and with it switched off (the same app, the same machine load; the background writer
writes a block's events while the block's next requests run). Reported: the medians,
their difference (target: <= 1 ms) and ratio, the means (the writer's work lands on
whichever request runs beside it), and that every event queued was written and
counted; and record() itself, the work moved to the background thread.

SQLite in a temporary folder unless --database-url names a throwaway PostgreSQL
database (its insight events and authored articles are emptied first; a new database
for the no-statistics case, since emptying a table keeps its statistics).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlalchemy import delete, func, insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.activity.database import (  # noqa: E402
    MAINTENANCE_TIMEOUT,
    database_url,
    ensure_schema,
    make_engine,
)
from app.activity.tables import daily_counts  # noqa: E402
from app.authoring.source import Fields, compose  # noqa: E402
from app.authoring.tables import articles as authored  # noqa: E402
from app.authoring.tables import versions  # noqa: E402
from app.authoring.versions import publish  # noqa: E402
from app.insights import record as recording  # noqa: E402
from app.insights.deflection import deflection  # noqa: E402
from app.insights.gaps import gaps  # noqa: E402
from app.insights.grouping import gap_key  # noqa: E402
from app.insights.tables import dismissed, events  # noqa: E402
from app.insights.walks import recent_walks  # noqa: E402
from app.web import visits  # noqa: E402
from benchmarks.eval_wizard import percentile  # noqa: E402

WORDS = ["printer", "outlook", "mail", "vpn", "server", "password", "install", "update",
         "network", "disk", "boot", "screen", "sound", "driver", "share", "folder", "excel",
         "word", "backup", "logon", "dns", "proxy"]
KINDS = [(recording.SEARCH, 40), (recording.MISS, 10), (recording.CLICK, 20),
         (recording.VOTE_NO, 2), (recording.HELPFUL, 3)]   # the rest: walks
BATCH = 20_000
RECORDING_BLOCK = 5    # requests in a row with, then without, recording


def queries(rng: random.Random, n: int = 3000) -> list[tuple[str, str]]:
    """(query, gap) pairs: codes in several spellings and word queries."""
    found = []
    for _ in range(n):
        if rng.random() < 0.5:
            value = rng.randrange(0x800CCC00, 0x800CCCFF)
            text = rng.choice((f"0x{value:08x}", f"{value:08X}", f"error 0x{value:08X} outlook"))
        else:
            text = " ".join(rng.sample(WORDS, rng.randint(1, 4)))
        found.append((text, gap_key(text)))
    return found


def generate(engine, total: int, now: datetime, rng: random.Random) -> None:
    pool = queries(rng)
    rows: list[dict] = []
    counted: Counter = Counter()

    def flush() -> None:
        if rows:
            with engine.begin() as db:
                db.execute(insert(events), [{k: v for k, v in row.items() if k != "starts"}
                                            for row in rows])
            rows.clear()

    made, walk_number = 0, 0
    kinds, weights = zip(*KINDS, strict=True)
    start = now - timedelta(days=90)
    while made < total:
        when = start + timedelta(days=90 * made / total)   # in time order, as recorded
        text, gap = rng.choice(pool)
        article = f"Q{rng.randrange(100000, 999999)}"
        base = {"created": when.strftime("%Y-%m-%d %H:%M:%S"), "query": text, "gap": gap,
                "article_id": None, "walk": None, "step": None, "screen": "", "detail": "",
                "state": "", "starts": False}
        if rng.random() < 0.75:
            kind = rng.choices(kinds, weights)[0]
            rows.append({**base, "kind": kind,
                         "article_id": article if kind != recording.SEARCH else None,
                         "detail": article if kind == recording.SEARCH else ""})
            made += 1
        else:
            walk_number += 1
            walk = f"{walk_number:016x}"
            for n in range(3):
                rows.append({**base, "kind": recording.SCREEN, "walk": walk, "starts": n == 0,
                             "screen": f"Step {n + 1} of 3 of {article}", "article_id": article,
                             "state": f"q={text}", "detail": "Program: Outlook Express"})
            end = rng.random()
            if end < 0.5:
                rows.append({**base, "kind": recording.FIXED, "walk": walk,
                             "article_id": article, "step": 3})
            elif end < 0.8:
                rows.append({**base, "kind": recording.HANDOVER, "walk": walk,
                             "article_id": article, "detail": "Tried, then moved on: " + article})
            made += 4 if end < 0.8 else 3
        if len(rows) >= BATCH:
            counted.update(counts_of(rows))
            flush()
    counted.update(counts_of(rows))
    flush()
    with engine.begin() as db:
        db.execute(insert(daily_counts), [
            {"day": day, "kind": kind, "article_id": key, "step": 0, "count": n}
            for (day, kind, key), n in counted.items()])


def counts_of(rows: list[dict]) -> Counter:
    """The counts record() keeps for these events, made in bulk."""
    found: Counter = Counter()
    for row in rows:
        measure = recording.MEASURES.get(row["kind"])
        if measure is None or (row["kind"] == recording.SCREEN and not row["starts"]):
            continue
        found[row["created"][:10], recording.DAY + measure, ""] += 1
        week = recording.monday(row["created"])
        if row["gap"]:
            found[week, recording.GAP + measure, row["gap"]] += 1
        if row["kind"] in recording.SOLVED and row["article_id"]:
            found[week, recording.ARTICLE + measure, row["article_id"]] += 1
    return found


def bench_dashboard(engine, loads: int, pins: dict) -> list[float]:
    times = []
    for _ in range(loads):
        start = time.perf_counter()
        now = datetime.now(UTC)
        deflection(engine, now, 28)
        gaps(engine, now, pins)
        recent_walks(engine, now, 10)
        times.append((time.perf_counter() - start) * 1000)
    return times


def answers(engine, rng: random.Random, now: datetime) -> dict:
    """50 published articles, each listing a code people searched for, and 50 pins:
    what the dashboard checks to mark gaps answered."""
    codes = sorted({key for _, key in queries(rng) if key.startswith("code:")})
    for n, key in enumerate(codes[:50]):
        code = key.split(":")[1]
        source = compose(Fields(id=f"Q9{n:05d}", title=f"Outlook stops with {code}",
                                codes=[code], body="## Symptoms\n\nIt stops.\n"))
        publish(engine, f"Q9{n:05d}", source, "", base=0, author="bench", summary="",
                title=f"Outlook stops with {code}")
    when = (now - timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
    return {("code", key.split(":")[1]): when for key in codes[50:100]}


def bench_recording(args, activity: Path, url: str) -> None:
    """Searches and wizard screens with their events queued, against the same requests
    with recording switched off (visits._record a no-op), in alternating blocks, so
    the background writer's work lands among the requests it belongs to."""
    app = create_app({"TESTING": True, "KB_DIR": str(args.kb), "INDEX_DIR": str(args.index),
                      "INDEX_REFRESH_SECONDS": 3600, "ACTIVITY_DB": str(activity),
                      "DATABASE_URL": url, "SECRET_KEY": "bench"})
    client = app.test_client()
    background = app.extensions["activity_background"]
    engine = app.extensions["activity_engine"]
    real = visits._record
    rng = random.Random(args.seed)
    texts = [f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(args.requests)]
    for path in ("/search", "/troubleshoot"):
        for typed in texts[:5]:
            client.get(path, query_string={"q": typed})   # warm the searcher
        assert background.wait_idle(60)
        before = events_and_counts(engine)
        timings: dict[bool, list[float]] = {True: [], False: []}
        for block in range(0, len(texts), RECORDING_BLOCK):
            order = (True, False) if block // RECORDING_BLOCK % 2 else (False, True)
            for on in order:
                visits._record = real if on else (lambda event: None)
                for typed in texts[block:block + RECORDING_BLOCK]:
                    start = time.perf_counter()
                    response = client.get(path, query_string={"q": typed})
                    timings[on].append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200
        visits._record = real
        assert background.wait_idle(60)
        after = events_and_counts(engine)
        with_, without = statistics.median(timings[True]), statistics.median(timings[False])
        mean_with, mean_without = (statistics.fmean(timings[on]) for on in (True, False))
        print(f"{path} ({engine.dialect.name}), {args.requests} each: with recording p50 "
              f"{with_:.2f} ms, without {without:.2f} ms, difference {with_ - without:+.2f} ms"
              f" (ratio {with_ / without:.3f}); mean {mean_with:.2f} vs {mean_without:.2f} ms "
              f"({mean_with - mean_without:+.2f}: the writer's work among the requests); "
              f"p95 {percentile(timings[True], 95):.2f} vs {percentile(timings[False], 95):.2f}"
              f" ms; events written {after[0] - before[0]}, counted {after[1] - before[1]}, "
              f"dropped {background.dropped}")
    single = []
    for typed in texts:
        start = time.perf_counter()
        recording.record(engine, recording.Event(recording.SEARCH, typed, detail="Q100001"))
        single.append((time.perf_counter() - start) * 1000)
    print(f"record() itself, now on the background thread: p50 "
          f"{statistics.median(single):.2f} ms, p95 {percentile(single, 95):.2f} ms")


def events_and_counts(engine) -> tuple[int, int]:
    """How many events there are, and what the day counts add up to (each recorded
    search or walk start adds one to both)."""
    kinds = [recording.DAY + m for m in ("search", "search_miss", "started")]
    with engine.connect() as db:
        return (db.execute(select(func.count()).select_from(events)).scalar(),
                db.execute(select(func.sum(daily_counts.c.count))
                           .where(daily_counts.c.kind.in_(kinds))).scalar() or 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--kb", type=Path, default=Path("/tmp/mskb/kb"))
    parser.add_argument("--index", type=Path, default=Path("/tmp/options/index"))
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        activity = Path(tmp) / "activity.sqlite"
        url = database_url(args.database_url, activity)
        engine = make_engine(url, MAINTENANCE_TIMEOUT)   # ANALYZE takes longer than a page
        ensure_schema(engine)
        with engine.begin() as db:
            for table in (events, dismissed, daily_counts, versions, authored):
                db.execute(delete(table))
        start = time.perf_counter()
        generate(engine, args.events, datetime.now(UTC), random.Random(args.seed))
        pins = answers(engine, random.Random(args.seed), datetime.now(UTC))
        print(f"{engine.dialect.name}: {args.events:,} events generated in "
              f"{time.perf_counter() - start:.0f} s")
        for when in ("straight after the insert", "after ANALYZE"):
            if when == "after ANALYZE":
                with engine.begin() as db:
                    db.execute(text("ANALYZE"))
            times = bench_dashboard(engine, args.loads, pins)
            print(f"dashboard {when}, {args.loads} loads: p50 {statistics.median(times):.0f}"
                  f" ms, p95 {percentile(times, 95):.0f} ms, worst {max(times):.0f} ms")
        if args.requests:
            bench_recording(args, activity, args.database_url)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
