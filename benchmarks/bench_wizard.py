"""How long the troubleshooter takes to serve each step, on the full archive.

    python benchmarks/bench_wizard.py [--kb DIR] [--index DIR] [--sessions N]

Walks the evaluation's simulated sessions (benchmarks/eval_wizard.py) through the real
app with Flask's test client: every step page (`/troubleshoot?...`) a truthful user
would open, timed server side. The baseline, measured in the same run and interleaved
so both see the same machine load, is the plain search page for the same text. The
first step of a session ranks its text; later steps reuse that ranking (kept 60 s per
worker), as a session does. Reported: p50 and p95 of each, and the ratio to search.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from app import create_app  # noqa: E402
from app.query.typed import read_query  # noqa: E402
from app.web.knowledge import get_kb  # noqa: E402
from app.wizard import source as wizard_source  # noqa: E402
from app.wizard.candidates import candidates_for  # noqa: E402
from app.wizard.source import KnowledgeSource  # noqa: E402
from benchmarks.eval_wizard import load_cases, percentile  # noqa: E402

MAX_STEPS = 10


def timed(client, url: str) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, default=Path("/tmp/mskb/kb"))
    parser.add_argument("--index", type=Path, default=Path("/tmp/idx/index"))
    parser.add_argument("--sessions", type=int, default=100, help="sessions of each kind")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.kb.is_dir() or not args.index.exists():
        print(f"skipped: no archive at {args.kb} or no index at {args.index}")
        return 0
    app = create_app({"TESTING": True, "KB_DIR": str(args.kb), "INDEX_DIR": str(args.index),
                      "INDEX_REFRESH_SECONDS": 3600,
                      "ACTIVITY_DB": "/tmp/bench_wizard_activity.sqlite"})
    client = app.test_client()
    cases = load_cases(args.kb, args.sessions, args.seed)
    timed(client, "/troubleshoot?q=0x800CCC90")          # warm: searcher, store
    timed(client, "/search?q=0x800CCC90")
    first, later, search, api, ranking = [], [], [], [], []
    for case in cases:
        elapsed, _ = timed(client, "/search?" + urlencode({"q": case.query}))
        search.append(elapsed)
        state = urlencode({"q": case.query})
        for number in range(MAX_STEPS):
            elapsed, _ = timed(client, f"/troubleshoot?{state}")
            (first if number == 0 else later).append(elapsed)
            if number == 0:
                # The ranking alone, as the first step asked for it (after it, so any
                # cache inside the index favours this figure, not the wizard's).
                with app.app_context():
                    wizard_source._RANKED.clear()
                    started = time.perf_counter()
                    candidates_for(KnowledgeSource(get_kb()), read_query(case.query))
                    ranking.append((time.perf_counter() - started) * 1000)
            elapsed, response = timed(client, f"/api/troubleshoot?{state}")
            api.append(elapsed)
            question = response.get_json()["question"]
            if question is None:
                break
            options = question["options"]
            chosen = next((o for o in options if o["label"] != "Not sure"
                           and case.target in o["articles"]), options[-1])
            state = chosen["next"].split("?", 1)[1]
    every = first + later
    base = statistics.median(search)
    print(f"{len(cases)} sessions, {len(every)} step pages; index {args.index.resolve().name}")
    for name, values in [("search page (baseline)", search),
                         ("ranking for a 1st step", ranking), ("wizard, first step", first),
                         ("wizard, later steps", later), ("wizard, every step", every),
                         ("api, every step", api)]:
        p50 = statistics.median(values)
        print(f"{name:<24} n={len(values):>4}  p50 {p50:7.1f} ms  p95 "
              f"{percentile(values, 95):7.1f} ms  p50/search {p50 / base:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
