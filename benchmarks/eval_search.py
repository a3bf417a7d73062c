"""Search quality on the full KB archive: the app's search beside a plain FTS5 baseline.

    python benchmarks/eval_search.py [--kb DIR] [--index DIR] [--target all|fts5|app]

Cases come from benchmarks/search_cases.py (raw files, not the app's parser), and the
209 hand-written descriptions of benchmarks/plain_cases.jsonl (kind "plain", written
the way people talk; an article of its `also` list counts as well). A case succeeds
when its target article is in the top K (K per kind, see BARS); MRR@10 is the mean of
1/rank of the target within the first ten (0 when it is not there).

    --kinds code,plain     only these kinds (default: every kind)
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.corpus import SKIP_MESSAGE, corpus_dir, iter_raw_articles  # noqa: E402
from benchmarks.fts5_baseline import Fts5Baseline  # noqa: E402
from benchmarks.search_cases import KINDS, Case, generate_cases, plain_cases  # noqa: E402

SearchFn = Callable[[str, int], list[str]]
# kind -> (top K that counts as success, success rate the app must reach)
BARS = {"code": (5, 0.97), "message": (5, 0.95), "description": (10, 0.90),
        "code+words": (3, 0.98), "plain": (10, 0.97)}
ALL_KINDS = (*KINDS, "plain")
LIMIT = max(k for k, _ in BARS.values())
MAX_FAILURES_SHOWN = 10


@dataclass
class KindResult:
    """Outcome of one search function on the cases of one kind."""

    hits: int = 0
    reciprocal: float = 0.0  # sum of 1/rank within the first ten
    seconds: list[float] = field(default_factory=list)
    failures: list[tuple[Case, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Number of cases run."""
        return len(self.seconds)

    @property
    def rate(self) -> float:
        """Share of cases whose target was in the top K."""
        return self.hits / self.total if self.total else 0.0

    @property
    def mrr(self) -> float:
        """Mean reciprocal rank of the target within the first ten."""
        return self.reciprocal / self.total if self.total else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): a value that was actually observed."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def evaluate(search: SearchFn, cases: Sequence[Case]) -> dict[str, KindResult]:
    """Run every case through search, timing each query; errors count as failures."""
    results = {kind: KindResult() for kind in ALL_KINDS}
    for case in cases:
        top_k = BARS[case.kind][0]
        result = results[case.kind]
        started = time.perf_counter()
        try:
            ranked = search(case.query, LIMIT)
        except Exception as exc:  # one bad query must not hide the others
            ranked = [f"<{type(exc).__name__}: {exc}>"]
        result.seconds.append(time.perf_counter() - started)
        wanted = {case.target, *getattr(case, "also", ())}
        rank = next((at for at, found in enumerate(ranked[:10], 1) if found in wanted), None)
        if rank:
            result.reciprocal += 1 / rank
        if rank and rank <= top_k:
            result.hits += 1
        else:
            result.failures.append((case, ranked[0] if ranked else "<nothing>"))
    return results


def load_app_search(index_dir: Path) -> tuple[SearchFn | None, str]:
    """The app's search_ids over one KnowledgeBase of index_dir (opened once, as a
    worker keeps it), or None and the reason it is unavailable."""
    try:
        search_ids = importlib.import_module("app.search.results").search_ids
        knowledge_base = importlib.import_module("app.search.readers").KnowledgeBase
    except (ImportError, AttributeError) as exc:
        return None, f"app.search.search_ids unavailable ({exc})"
    if not index_dir.exists():
        return None, f"index {index_dir} missing (build it first)"
    kb = knowledge_base(index_dir)
    return (lambda query, limit: search_ids(kb, query, limit)), ""


def report(runs: dict[str, dict[str, KindResult]]) -> None:
    """Per kind: N, success rates against the bar, query times, and the last system's misses."""
    names = list(runs)
    for kind in ALL_KINDS:
        top_k, bar = BARS[kind]
        first = runs[names[0]][kind]
        if not first.total:
            continue
        print(f"\n== {kind}: N={first.total}, success = target in top {top_k}, bar {bar:.0%}")
        for name in names:
            result = runs[name][kind]
            verdict = "ok" if result.rate >= bar else "below bar"
            print(
                f"  {name:<5} {result.rate:6.1%} ({result.hits}/{result.total}) {verdict:<9}"
                f"  MRR@10 {result.mrr:.3f}"
                f"  median {statistics.median(result.seconds or [0]) * 1000:7.1f} ms"
                f"  p95 {percentile(result.seconds, 95) * 1000:7.1f} ms"
            )
        last = runs[names[-1]][kind]
        if last.failures:
            print(f"  failures of {names[-1]} (up to {MAX_FAILURES_SHOWN}):")
        for case, first_id in last.failures[:MAX_FAILURES_SHOWN]:
            print(f"    {case.query!r}  want {case.target}, first {first_id}")


def main() -> int:
    """Generate cases, build the baseline, evaluate, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, help="archive kb/ directory (default: found)")
    parser.add_argument("--index", type=Path, default=PROJECT_ROOT / "instance" / "index-mskb")
    parser.add_argument("--target", choices=("all", "fts5", "app"), default="all")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--kinds", default=",".join(ALL_KINDS),
                        help="comma-separated kinds to run (default: all)")
    args = parser.parse_args()
    kb = args.kb or corpus_dir()
    if kb is None:
        print(SKIP_MESSAGE)
        return 0
    started = time.perf_counter()
    articles = list(iter_raw_articles(kb))
    kinds = set(args.kinds.split(","))
    cases = [case for case in [*generate_cases(articles, seed=args.seed), *plain_cases()]
             if case.kind in kinds]
    print(
        f"read {len(articles)} articles and generated {len(cases)} cases "
        f"in {time.perf_counter() - started:.1f} s"
    )
    runs: dict[str, dict[str, KindResult]] = {}
    if args.target in ("all", "fts5"):
        with tempfile.TemporaryDirectory() as tmp:
            baseline = Fts5Baseline.build(articles, Path(tmp) / "fts5.sqlite")
            print(f"FTS5 baseline built in {baseline.build_seconds:.1f} s")
            runs["fts5"] = evaluate(baseline.search, cases)
            baseline.close()
    if args.target in ("all", "app"):
        app_search, reason = load_app_search(args.index)
        if app_search is None:
            print(f"app search not evaluated: {reason}; reporting the baseline only")
        else:
            runs["app"] = evaluate(app_search, cases)
    if runs:
        report(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
