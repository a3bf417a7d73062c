"""The troubleshooting wizard on the full archive, for three kinds of people.

    python benchmarks/eval_wizard.py [--kb DIR] [--index DIR] [--cases N] [--seed S]

Cases: an error code, or an error message quoted in the SYMPTOMS of 3 to 40 articles,
read from the raw archive files with the search benchmark's own reading
(benchmarks/search_cases.py: not the app's parser, so the evaluation is not circular),
one of those articles the target; and the descriptions in plain_cases.jsonl, written
the way people describe problems, each with the article a help desk would hand them.

Three people walk every case: the informed person answers every question truthfully
(the first option whose `articles` holds the target, else "Not sure"); the unsure
person does that for half of the questions and says "Not sure" to the others (the
same questions on every run); the give-up person says "Not sure" to everything and
"No" to every step. A walk succeeds when the first article whose fix is shown is the
target. Reported per person: success, questions, screens to the end (a fix accepted,
or the hand-over), the give-up person's screens to the hand-over, how often a fix
claimed on the first screen is right, and whether the first screen served offers a
way to a person.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from app.query.typed import read_query  # noqa: E402
from app.search.readers import KnowledgeBase  # noqa: E402
from app.wizard.engine import next_screen  # noqa: E402
from app.wizard.source import KnowledgeSource  # noqa: E402
from app.wizard.state import NOT_SURE, State, parse_state  # noqa: E402
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
from benchmarks.wizard_targets import (  # noqa: E402
    never_slower_than_search,
    search_cases,
    targets,
)

MIN_SHARED, MAX_SHARED = 3, 40
MAX_STEPS = 12
CASES_CACHE = Path("/tmp/wizard_eval_cases-v2.json")


@dataclass(frozen=True)
class Case:
    kind: str           # "code", "message" or "plain"
    query: str
    target: str
    shared: int         # how many articles carry the code or message
    also: tuple[str, ...] = ()   # other articles that answer it as well (plain cases)


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


PLAIN_CASES = Path(__file__).resolve().parent / "plain_cases.jsonl"
PEOPLE = ("informed", "unsure", "give-up")
MAX_SCREENS = 10


def load_plain_cases() -> list[Case]:
    """Descriptions written the way people talk (benchmarks/plain_cases.jsonl), each
    with the article a help desk would hand them."""
    cases = []
    for line in PLAIN_CASES.read_text().splitlines():
        if line.strip():
            item = json.loads(line)
            cases.append(Case("plain", item["text"], item["target"], len(item.get("also", [])),
                              tuple(item.get("also", ()))))
    return cases


@dataclass
class Outcome:
    case: Case
    person: str
    success: bool        # the first article walked (its fix shown) is the target
    questions: int
    screens: int         # screens until a fix was accepted, or the hand-over
    dead_end: bool       # the walk ended with the hand-over
    first_fix: str       # the article claimed as the fix on the first screen, if any
    search_first: bool
    step_ms: list[float]
    first_ms: float
    leader: str
    found: bool          # the target was among the first step's candidates at all
    from_list: bool = False   # the target was picked from "These might fit"
    uncovered: tuple[str, ...] = ()   # the first screen said the KB has nothing about these


class SavedRanking(KnowledgeSource):
    """For tuning only (`--saved-ranking FILE`): the rankings of a previous run, so the
    wizard's own logic can be re-run in seconds. Its step times mean nothing."""

    saved: dict[str, list[tuple[str, float]]] = {}

    def rank(self, query, limit: int) -> list[tuple[str, float]]:
        key = f"{limit}|{query.text}"
        if key not in self.saved:
            self.saved[key] = [tuple(p) for p in super().rank(query, limit)]
        return self.saved[key]


def _unsure_about(case: Case, question: int) -> bool:
    """The unsure person says "Not sure" to half of the questions, the same ones on
    every run (seeded by the case and the question's place)."""
    return random.Random(f"{case.query}|{case.target}|{question}").random() < 0.5


def simulate(source: KnowledgeSource, case: Case, person: str) -> Outcome:
    """One person's walk: answer questions, pick among "These might fit", try the
    fix's steps; the informed and the unsure say "Yes" once the target's fix is shown,
    the give-up person says "No" to everything."""
    targets = {case.target, *case.also}
    state = State(case.query)
    questions, screens = 0, 0
    times: list[float] = []
    result = None
    found, success, first_fix, landed, from_list = False, False, "", "", False
    uncovered: tuple[str, ...] = ()
    while screens < 40:
        state, _ = parse_state(state.params())  # as the link the person followed reads
        started = time.perf_counter()
        result = next_screen(source, state)
        times.append((time.perf_counter() - started) * 1000)
        screens += 1
        if screens == 1:
            found = any(c.id in targets for c in result.candidates)
            uncovered = tuple(result.uncovered)
            if result.fix is not None and result.evidence:
                first_fix = result.fix.article.id
        if result.dead_end:
            break
        if result.question is not None:
            options = result.question.options
            unsure = person == "give-up" or (person == "unsure" and _unsure_about(case, questions))
            chosen = next((o for o in options if o.value != NOT_SURE and not unsure
                           and targets & set(o.articles)),
                          next(o for o in options if o.value == NOT_SURE))
            state = chosen.state
            questions += 1
            continue
        if result.fits:
            pick = next((f for f in result.fits if f.id in targets and person != "give-up"),
                        None)
            state = pick.state if pick else result.none_fit
            from_list = from_list or pick is not None
            continue
        fix = result.fix
        if fix is None:
            break
        landed = landed or fix.article.id
        if person != "give-up" and fix.article.id in targets:
            success = landed in targets
            break
        if fix.next_state is None:
            break
        state = fix.next_state
    assert result is not None
    success = success or (person != "give-up" and landed in targets)
    leader = result.candidates[0].id if result.candidates else ""
    ranked = source.rank(read_query(case.query), 10)
    return Outcome(case, person, success, questions, screens, result.dead_end, first_fix,
                   bool(ranked) and ranked[0][0] in targets, times, times[0], landed or leader,
                   found, from_list, uncovered)


def report(outcomes: list[Outcome]) -> str:
    lines = [f"{'person':<9}{'group':<18}{'cases':>6}{'right':>8}{'questions':>11}"
             f"{'screens':>9}{'max':>5}{'search':>9}"]

    def row(person: str, name: str, group: list[Outcome]) -> None:
        if not group:
            return
        n = len(group)
        lines.append(
            f"{person:<9}{name:<18}{n:>6}{sum(o.success for o in group) / n:>8.1%}"
            f"{statistics.mean(o.questions for o in group):>11.2f}"
            f"{statistics.median(o.screens for o in group):>9.0f}"
            f"{max(o.screens for o in group):>5}"
            f"{sum(o.search_first for o in group) / n:>9.1%}"
        )

    for person in PEOPLE:
        mine = [o for o in outcomes if o.person == person]
        row(person, "all", mine)
        for kind in ("code", "message", "plain"):
            row(person, kind, [o for o in mine if o.case.kind == kind])
    give_up = [o for o in outcomes if o.person == "give-up"]
    if give_up:
        over = [o for o in give_up if o.screens > MAX_SCREENS or not o.dead_end]
        lines.append(f"give-up: reached the hand-over in {sum(o.dead_end for o in give_up)}/"
                     f"{len(give_up)} walks; within {MAX_SCREENS} screens: "
                     f"{len(give_up) - len(over)}/{len(give_up)}; screens median "
                     f"{statistics.median(o.screens for o in give_up):.0f}, worst "
                     f"{max(o.screens for o in give_up)}")
    for kind in ("code", "message", "plain"):
        claimed = [o for o in outcomes if o.person == "informed" and o.case.kind == kind
                   and o.first_fix]
        if claimed:
            right = sum(o.first_fix in {o.case.target, *o.case.also} for o in claimed)
            total = sum(1 for o in outcomes if o.person == "informed" and o.case.kind == kind)
            lines.append(f"{kind}: a fix claimed on the first screen in {len(claimed)}/{total} "
                         f"cases, right in {right}/{len(claimed)} ({right / len(claimed):.1%})")
    lines.extend(targets(outcomes))
    every = [t for o in outcomes for t in o.step_ms]
    first = [o.first_ms for o in outcomes]
    lines.append(f"step time, ms: all steps p50 {statistics.median(every):.1f} "
                 f"p95 {percentile(every, 95):.1f} (n={len(every)}); first step p50 "
                 f"{statistics.median(first):.1f} p95 {percentile(first, 95):.1f}")
    informed = [o for o in outcomes if o.person == "informed"]
    lost = sum(not o.found for o in informed)
    lines.append(f"target not among the first candidates (a ranking miss): {lost}/"
                 f"{len(informed)}")
    return "\n".join(lines)


def first_screens_offer_a_person(index: Path, cases: list[Case]) -> tuple[int, int]:
    """(first screens with "Contact the help desk", cases): the page as a person sees it."""
    from app import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "SECRET_KEY": "eval",
                      "ACTIVITY_DB": str(Path("/tmp/eval-activity.sqlite"))})
    client = app.test_client()
    offered = 0
    for case in cases:
        page = client.get("/troubleshoot", query_string={"q": case.query}).get_data(True)
        offered += "Contact the help desk" in page
    return offered, len(cases)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, default=Path("/tmp/mskb/kb"))
    parser.add_argument("--index", type=Path, default=Path("/tmp/idx/index"))
    parser.add_argument("--cases", type=int, default=150, help="cases of each kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--failures", type=int, default=12)
    parser.add_argument("--no-plain", action="store_true",
                        help="leave out the plain-language descriptions")
    parser.add_argument("--no-search-cases", action="store_true",
                        help="leave out eval_search's cases (never slower than search)")
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
    source = kind(kb)
    next_screen(source, State("0x800CCC90"))          # warm: open the searcher and the store
    if not args.no_plain:
        cases = cases + load_plain_cases()
    outcomes = []
    for person in PEOPLE:
        for case in cases:
            outcomes.append(simulate(kind(kb), case, person))
    if args.saved_ranking:
        args.saved_ranking.write_text(json.dumps(SavedRanking.saved))
        print("(saved rankings: step times below do not count)")
    print(report(outcomes))
    if not args.no_search_cases:
        print("\n".join(never_slower_than_search(kb, search_cases(args.kb))))
    offered, total = first_screens_offer_a_person(args.index, cases)
    print(f"first screens with a way to a person (as served): {offered}/{total}")
    failed = [o for o in outcomes if not o.success and o.person != "give-up"][: args.failures]
    for o in failed:
        print(f"  miss {o.person} {o.case.kind} {o.case.query[:60]!r} target {o.case.target} "
              f"landed on {o.leader or '-'} after {o.questions} questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
