"""The troubleshooting wizard on the full archive, against plain search.

    python benchmarks/eval_wizard.py [--kb DIR] [--index DIR] [--cases N] [--seed S]

Cases are read from the raw archive files with the search benchmark's own reading
(benchmarks/search_cases.py: not the app's parser, so the evaluation is not circular):
an error code, or an error message quoted in the SYMPTOMS of 3 to 40 articles, and one
of those articles as the target. A simulated user types the code or message, then
answers every question truthfully for the target: the first option whose `articles`
holds it, else "Not sure". A case succeeds when the target leads once the wizard stops
asking. Plain search succeeds when the target is the first result of the same text.

Reported: success, mean questions, plain search's success, and the server-side time of
each step (`wizard.step`, warm: every case's first step is timed after one warm-up
query; later steps of a case reuse the ranking of its text, as a session would).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from app.search.readers import KnowledgeBase  # noqa: E402
from app.wizard.engine import step  # noqa: E402
from app.wizard.source import KnowledgeSource  # noqa: E402
from app.wizard.state import NOT_SURE, State  # noqa: E402
from benchmarks.corpus import iter_raw_articles  # noqa: E402
from benchmarks.eval_search import percentile  # noqa: E402
from benchmarks.search_cases import (  # noqa: E402
    PLACEHOLDER,
    _code_key,
    _code_mentions,
    code_variants,
    error_messages,
    sections,
)

MIN_SHARED, MAX_SHARED = 3, 40
MAX_STEPS = 12
CASES_CACHE = Path("/tmp/wizard_eval_cases-v2.json")


@dataclass(frozen=True)
class Case:
    kind: str           # "code" or "message"
    query: str
    target: str
    shared: int         # how many articles carry the code or message


def _norm(message: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", message.lower()).split())


def generate_cases(kb: Path, count: int, seed: int) -> list[Case]:
    """`count` code cases and `count` message cases, seeded."""
    carriers: dict[tuple[str, int], set[str]] = defaultdict(set)
    asks: dict[tuple[str, int], list[tuple[str, str, str]]] = defaultdict(list)
    messages: dict[str, set[str]] = defaultdict(set)
    message_text: dict[str, str] = {}
    for article_id, _title, body in iter_raw_articles(kb):
        keys, wanted = _code_mentions(body)
        for key in keys:
            carriers[key].add(article_id)
        for style, raw in wanted:
            asks[_code_key(style, raw)].append((article_id, style, raw))
        for message in error_messages(sections(body).get("SYMPTOMS", [])):
            norm = _norm(message)
            if 3 <= len(norm.split()) <= 40 and not PLACEHOLDER.search(message):
                messages[norm].add(article_id)
                message_text.setdefault(norm, message)
    rng = random.Random(seed)
    code_pool = []
    # Sorted: a set of tuples iterates in an order that changes with every process
    # (string hashing is salted), and the seeded draws below must not.
    for key, ids in sorted(carriers.items()):
        if MIN_SHARED <= len(ids) <= MAX_SHARED and asks.get(key):
            article_id, style, raw = rng.choice(sorted(asks[key]))
            code_pool.append(Case("code", rng.choice(code_variants(style, raw)), article_id,
                                  len(ids)))
    message_pool = [
        Case("message", message_text[norm], rng.choice(sorted(ids)), len(ids))
        for norm, ids in sorted(messages.items()) if MIN_SHARED <= len(ids) <= MAX_SHARED
    ]
    code_pool.sort(key=lambda c: (c.query, c.target))
    message_pool.sort(key=lambda c: (c.query, c.target))
    rng.shuffle(code_pool)
    rng.shuffle(message_pool)
    return code_pool[:count] + message_pool[:count]


def load_cases(kb: Path, count: int, seed: int) -> list[Case]:
    key = f"{kb}|{count}|{seed}"
    if CASES_CACHE.exists():
        cached = json.loads(CASES_CACHE.read_text())
        if cached.get("key") == key:
            return [Case(**case) for case in cached["cases"]]
    cases = generate_cases(kb, count, seed)
    CASES_CACHE.write_text(json.dumps({"key": key, "cases": [c.__dict__ for c in cases]}))
    return cases


@dataclass
class Outcome:
    case: Case
    success: bool
    questions: int
    search_first: bool
    step_ms: list[float]
    first_ms: float
    leader: str
    found: bool          # the target was among the first step's candidates at all


class SavedRanking(KnowledgeSource):
    """For tuning only (`--saved-ranking FILE`): the rankings of a previous run, so the
    wizard's own logic can be re-run in seconds. Its step times mean nothing."""

    saved: dict[str, list[tuple[str, float]]] = {}

    def rank(self, text: str, limit: int) -> list[tuple[str, float]]:
        key = f"{limit}|{text}"
        if key not in self.saved:
            self.saved[key] = super().rank(text, limit)
        return self.saved[key]


def simulate(source: KnowledgeSource, kb: KnowledgeBase, case: Case) -> Outcome:
    state = State(case.query)
    questions = 0
    times = []
    result = None
    found = False
    for _ in range(MAX_STEPS):
        started = time.perf_counter()
        result = step(source, state)
        times.append((time.perf_counter() - started) * 1000)
        if len(times) == 1:
            found = any(c.id == case.target for c in result.candidates)
        if result.question is None:
            break
        options = result.question.options
        chosen = next((o for o in options if o.value != NOT_SURE and case.target in o.articles),
                      next(o for o in options if o.value == NOT_SURE))
        state = chosen.state
        questions += 1
    assert result is not None
    leader = result.candidates[0].id if result.candidates else ""
    ranked = source.rank(case.query, 10)
    return Outcome(case, leader == case.target, questions,
                   bool(ranked) and ranked[0][0] == case.target, times, times[0], leader, found)


def report(outcomes: list[Outcome]) -> str:
    lines = [f"{'group':<24}{'cases':>6}{'wizard':>9}{'questions':>11}{'search':>9}"]

    def row(name: str, group: list[Outcome]) -> None:
        if not group:
            return
        n = len(group)
        lines.append(
            f"{name:<24}{n:>6}{sum(o.success for o in group) / n:>9.1%}"
            f"{statistics.mean(o.questions for o in group):>11.2f}"
            f"{sum(o.search_first for o in group) / n:>9.1%}"
        )

    row("all", outcomes)
    for kind in ("code", "message"):
        row(f"{kind}", [o for o in outcomes if o.case.kind == kind])
        row(f"{kind}, 3-5 share", [o for o in outcomes if o.case.kind == kind
                                    and o.case.shared <= 5])
        row(f"{kind}, 6-40 share", [o for o in outcomes if o.case.kind == kind
                                     and o.case.shared > 5])
    every = [t for o in outcomes for t in o.step_ms]
    first = [o.first_ms for o in outcomes]
    later = [t for o in outcomes for t in o.step_ms[1:]]
    lines.append(f"step time, ms: all steps p50 {statistics.median(every):.1f} "
                 f"p95 {percentile(every, 95):.1f} (n={len(every)}); first step p50 "
                 f"{statistics.median(first):.1f} p95 {percentile(first, 95):.1f}; later steps "
                 f"p95 {percentile(later, 95) if later else 0:.1f}")
    lost = sum(not o.found for o in outcomes)
    lines.append(f"target not among the first candidates (a ranking miss): {lost}; wizard "
                 f"success when it was: {sum(o.success for o in outcomes if o.found)}/"
                 f"{len(outcomes) - lost}")
    asked = Counter(o.questions for o in outcomes)
    lines.append("questions asked: " + ", ".join(f"{k}: {asked[k]}" for k in sorted(asked)))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, default=Path("/tmp/mskb/kb"))
    parser.add_argument("--index", type=Path, default=Path("/tmp/idx/index"))
    parser.add_argument("--cases", type=int, default=150, help="cases of each kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--failures", type=int, default=8)
    parser.add_argument("--saved-ranking", type=Path,
                        help="tuning only: reuse (and save) rankings in this JSON file")
    args = parser.parse_args()
    if not args.kb.is_dir() or not args.index.exists():
        print(f"skipped: no archive at {args.kb} or no index at {args.index}")
        return 0
    started = time.perf_counter()
    cases = load_cases(args.kb, args.cases, args.seed)
    print(f"{len(cases)} cases in {time.perf_counter() - started:.0f} s")
    kb = KnowledgeBase(args.index, refresh_seconds=3600)
    kind = KnowledgeSource
    if args.saved_ranking:
        kind = SavedRanking
        if args.saved_ranking.exists():
            SavedRanking.saved = {k: [tuple(p) for p in v] for k, v in
                                  json.loads(args.saved_ranking.read_text()).items()}
    source = kind(kb, args.kb)
    step(source, State("0x800CCC90"))          # warm: open the searcher and the store
    outcomes = []
    for case in cases:
        outcomes.append(simulate(kind(kb, args.kb, source.trees), kb, case))
    if args.saved_ranking:
        args.saved_ranking.write_text(json.dumps(SavedRanking.saved))
        print("(saved rankings: step times below do not count)")
    print(report(outcomes))
    failed = [o for o in outcomes if not o.success][: args.failures]
    for o in failed:
        print(f"  miss {o.case.kind} {o.case.query[:60]!r} target {o.case.target} "
              f"(shared {o.case.shared}) led by {o.leader or '-'} after {o.questions} questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
