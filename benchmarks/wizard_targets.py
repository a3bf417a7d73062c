"""The figures issue 18 sets targets for, from eval_wizard's walks, and the wizard
against search's own cases: where search ranks the article first, is the wizard's
first screen its fix? (benchmarks/eval_wizard.py prints them.)"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from app.query.typed import read_query
from app.search.readers import KnowledgeBase
from app.wizard.engine import next_screen
from app.wizard.source import KnowledgeSource
from app.wizard.state import State
from benchmarks.corpus import iter_raw_articles


def targets(outcomes: list) -> list[str]:
    """The figures issue 18 sets targets for, each with its target."""
    def share(part: int, whole: int) -> str:
        return f"{part}/{whole} ({part / whole:.1%})" if whole else "-"

    informed = [o for o in outcomes if o.person == "informed"]
    unsure = [o for o in outcomes if o.person == "unsure"]
    give_up = [o for o in outcomes if o.person == "give-up"]
    told = [o for o in informed if o.uncovered]
    return [
        f"target informed right: {share(sum(o.success for o in informed), len(informed))}"
        " (>= 97%)",
        f"target unsure reached: {share(sum(o.success for o in unsure), len(unsure))} (>= 95%);"
        " with the article first, not picked from a list: "
        f"{share(sum(o.success and not o.from_list for o in unsure), len(unsure))} (>= 85%)",
        f"informed with the article first: "
        f"{share(sum(o.success and not o.from_list for o in informed), len(informed))}",
        f"give-up hand-over within 7 screens: "
        f"{share(sum(o.dead_end and o.screens <= 7 for o in give_up), len(give_up))}",
        f"ordinary problems told the KB has no articles about something: "
        f"{share(len(told), len(informed))} (0 or near 0)"
        + "".join(f"\n  told: {o.case.query[:50]!r} -> {', '.join(o.uncovered)}"
                  for o in told[:10]),
    ]


SEARCH_CACHE = Path("/tmp/wizard_eval_search_cases-v1.json")
SEARCH_KINDS = ("message", "description", "code+words", "code")


def search_cases(kb: Path) -> list:
    """eval_search's cases (benchmarks/search_cases.py, its default seed), cached."""
    if SEARCH_CACHE.exists():
        cached = json.loads(SEARCH_CACHE.read_text())
        if cached.get("key") == str(kb):
            from benchmarks.eval_wizard import Case

            return [Case(**case) for case in cached["cases"]]
    from benchmarks.eval_wizard import Case
    from benchmarks.search_cases import generate_cases

    cases = [Case(c.kind, c.query, c.target, 0) for c in
             generate_cases(list(iter_raw_articles(kb))) if c.kind in SEARCH_KINDS]
    SEARCH_CACHE.write_text(json.dumps({"key": str(kb),
                                        "cases": [c.__dict__ for c in cases]}))
    return cases


def never_slower_than_search(kb: KnowledgeBase, cases: list) -> list[str]:
    """Where search ranks the target first, how often the wizard's first screen is
    its fix; and how often a fix on the first screen is right, over all cases."""
    seen: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    told: list[tuple[str, list[str]]] = []
    for case in cases:
        source = KnowledgeSource(kb)
        ranked = source.rank(read_query(case.query), 1)
        result = next_screen(source, State(case.query))
        shown = result.fix.article.id if result.fix is not None and not result.dead_end else ""
        counts = seen[case.kind]
        if result.uncovered:
            told.append((case.query, result.uncovered))
        if ranked and ranked[0][0] == case.target:
            counts[0] += 1
            counts[1] += shown == case.target
        counts[2] += bool(shown)
        counts[3] += shown == case.target
    lines = []
    groups = [(kind, [kind]) for kind in SEARCH_KINDS]
    groups.append(("message+description", ["message", "description"]))
    groups.append(("all", list(SEARCH_KINDS)))
    for name, kinds in groups:
        first, fixed, shown, right = (sum(seen[k][i] for k in kinds) for i in range(4))
        lines.append(f"search cases {name:<20} search first {first:>4}; the wizard's first "
                     f"screen is its fix {fixed:>4} ({fixed / max(first, 1):.1%}, >= 80%); "
                     f"first-screen fixes right {right}/{shown} ({right / max(shown, 1):.1%},"
                     " >= 97%)")
    lines.append(f"search cases told the KB has no articles about something: {len(told)}/"
                 f"{len(cases)} (0 or near 0)" + "".join(
                     f"\n  told: {query[:50]!r} -> {', '.join(names)}"
                     for query, names in told[:10]))
    return lines
