"""Problems about things the knowledge base never mentions, walked through the wizard.

    python benchmarks/eval_uncovered.py [--index DIR] [--cases FILE]

The cases (benchmarks/uncovered_cases.jsonl) are problems written the way people
say them, about products and things the Microsoft KB archive never mentions
(Microsoft Teams, iPhone, OneDrive, Wi-Fi, Bluetooth, BitLocker, Windows 10...),
each with the thing it is about. Each is opened as a person opens it (the page, with
Flask's test client) and walked as someone who picks nothing: "Not sure" to every
question, "None of these" to every list, "No" to every step.

Reported: first screens that say the knowledge base has no articles about it (and
name it), first screens that offer the help desk, walks that reach the hand-over
within 2 screens, and walks that showed a fix the person did not pick. Runs on the
code before issue 18 too (it reads only what both have), for the figures before.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from app import create_app  # noqa: E402
from app.search.readers import KnowledgeBase  # noqa: E402
from app.wizard import engine  # noqa: E402
from app.wizard.source import KnowledgeSource  # noqa: E402
from app.wizard.state import NOT_SURE, State, parse_state  # noqa: E402

CASES = Path(__file__).resolve().parent / "uncovered_cases.jsonl"
SAYS_SO = "This knowledge base has no articles about"
MAX_SCREENS = 12
# next_screen since issue 17, step before it: the walk reads what both return.
SCREEN = getattr(engine, "next_screen", None) or getattr(engine, "step")  # noqa: B009


def give_up_walk(source: KnowledgeSource, text: str) -> tuple[int, bool, int]:
    """(screens to the hand-over, or MAX_SCREENS + 1 if never; whether a fix was shown;
    questions asked) for someone who picks nothing."""
    state = State(text)
    fix_shown, questions = False, 0
    for screens in range(1, MAX_SCREENS + 1):
        state, _ = parse_state(state.params())
        result = SCREEN(source, state)
        if result.dead_end:
            return screens, fix_shown, questions
        if result.question is not None:
            state = next(o for o in result.question.options if o.value == NOT_SURE).state
            questions += 1
        elif result.fits:
            state = result.none_fit
        elif result.fix is not None and result.fix.next_state is not None:
            fix_shown = True
            state = result.fix.next_state
        else:
            break
    return MAX_SCREENS + 1, fix_shown, questions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/idx/index"))
    parser.add_argument("--cases", type=Path, default=CASES)
    args = parser.parse_args()
    if not args.index.exists():
        print(f"skipped: no index at {args.index}")
        return 0
    cases = [json.loads(line) for line in args.cases.read_text().splitlines() if line.strip()]
    app = create_app({"TESTING": True, "INDEX_DIR": str(args.index), "SECRET_KEY": "eval",
                      "INDEX_REFRESH_SECONDS": 3600,
                      "ACTIVITY_DB": "/tmp/eval-uncovered-activity.sqlite"})
    client = app.test_client()
    kb = KnowledgeBase(args.index, refresh_seconds=3600)
    said = named = offered = within_two = fixes = 0
    for case in cases:
        page = client.get("/troubleshoot", query_string={"q": case["text"]}).get_data(True)
        says = SAYS_SO in page
        said += says
        named += says and case["about"].lower() in page.lower().split(SAYS_SO.lower(), 1)[1][:200]
        offered += "Contact the help desk" in page
        screens, fix_shown, questions = give_up_walk(KnowledgeSource(kb), case["text"])
        within_two += screens <= 2
        fixes += fix_shown
        print(f"  {'says so' if says else 'silent ':<8} {screens:>2} screens {questions} "
              f"questions{' FIX SHOWN' if fix_shown else '':<10} {case['text'][:60]!r}")
    n = len(cases)
    print(f"{n} problems about things the archive never mentions ({args.cases.name})")
    print(f"first screen says the KB has no articles about it: {said}/{n} "
          f"({said / n:.0%}); naming the thing: {named}/{n}")
    print(f"first screen offers the help desk: {offered}/{n}")
    print(f"hand-over within 2 screens (picking nothing): {within_two}/{n}")
    print(f"walks showing a fix the person did not pick: {fixes}/{n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
