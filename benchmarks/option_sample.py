"""Are the wizard's options what a person sees? A labelled random sample, full archive.

    python benchmarks/option_sample.py --index DIR [--walks FILE] [--todo FILE]

Walks the wizard over benchmarks/eval_wizard.py's cases (codes, messages and the
plain descriptions), as the informed person and as the give-up person (who says
"Not sure" to everything, so sees every question the walk can ask), and keeps every
option of every message, symptom, version and program question shown. From the
distinct options a seeded random sample is drawn per kind (STRATA), and each drawn
option is looked up in the labels read by hand (LABELS: kind, label, option, reason,
the case it was first drawn from, and which run drew it). A label is "yes" when an
office worker reads the option as what the question asks: a message as it appears
on screen, whole; a sentence saying what they see or were doing; a version with its
program; a program that has to do with the problem typed.

Printed: per kind, the share of "yes" among the labelled drawn options, and how many
drawn options have no label yet. Those go to `--todo` (TSV, label column empty) to be
read and labelled by hand and appended to LABELS: the figure then covers the whole
sample, so a change that shows new options is measured on them too, not only on the
options it kept.

The runs in LABELS (its last column): "before", the sample of 74c63f6's options,
labelled before any change (`--sample-seed 18`); "after-1", the same draw over an
intermediate build, labelled and then used to tune; "after", a fresh draw over the
final build (`--sample-seed 19`), so the figure after is not measured on the options
the tuning looked at.

Measured (full archive; yes / labelled drawn options, by hand):

    kind      before (74c63f6, seed 18)   after (seed 19)
    message   62/130  47.7%               124/130  95.4%
    symptom   26/110  23.6%               102/110  92.7%
    version   14/40   35.0% (24 of 53     40/40   100.0% (0 of 97 bare)
                      distinct bare)
    product   21/40   52.5%               25/40    62.5%

"after-wizard3": the same draw (seed 19) after the symptom options also say when a
quoted message appears (the draw moves with the options shown: 427 distinct symptom
options instead of 137); the 217 drawn options without a label were labelled by hand.
On main just before (efe0608, same seed, 78 and 90 of the drawn labelled) messages
were 73/78 (93.6%) and symptoms 84/90 (93.3%): message options did not change.

    kind      after-wizard3 (seed 19)
    message   121/130  93.1%
    symptom   100/110  90.9%
    version    40/40  100.0%
    product    31/40   77.5%

"after-coordinator": seed 19 again after message options lost the article's "Error
Msg:" tag and "(... only)" note and stopped offering trace lines and numbered messages
run together (format 9), rules read off that draw's nine misses, so partly tuned; the
158 newly drawn options labelled by hand. "fresh-seed20": a draw with seed 20 over the
same build, nothing tuned on it; its 140 unlabelled options labelled by hand.

    kind      after-coordinator (seed 19)   fresh-seed20 (untuned)
    message   125/130  96.2%                123/130  94.6%
    symptom    99/110  90.0%                 95/110  86.4%
    version    40/40  100.0%                 40/40  100.0%
    product    29/40   72.5%                 29/40   72.5%

Format 10 (branch options4), four rounds of rules, each measured on a seed no rule
had been read off: round 1 (rules from seed 20's and after-coordinator's misses: no
set-up, cause or cut opening as a symptom, no status line, list, directive or article
note as a message) on "fresh-seed21"; round 2 (read off seeds 19-21: the article's
notes and labels, event-log entries, advice, a name with its version) on
"fresh-seed22"; round 3 (read off seed 22: the conditions a message appears under)
on "fresh-seed23"; round 4 (read off seeds 19-23: lists of features and of things
done, "Error Text:") on "fresh-seed24". Options newly drawn from the other seeds over
each build are run "after-options4". Every drawn option labelled by hand.

    kind      seed 21 (round 1,  seed 22 (round 2,  seed 23 (round 3,  seed 24 (round 4,
              untuned)           untuned)           untuned)           untuned)
    message   122/130  93.8%     123/130  94.6%     126/130  96.9%     125/130  96.2%
    symptom   108/110  98.2%     103/110  93.6%     100/110  90.9%     105/110  95.5%
    version    40/40  100.0%      40/40  100.0%      40/40  100.0%      40/40  100.0%
    product    31/40   77.5%      28/40   70.0%      32/40   80.0%      31/40   77.5%

The final build (round 4) on every seed; seeds 19 to 23 were read while tuning, so
only seed 24 is untuned. The draws overlap (130 of 871 distinct messages each), so
their spread (messages 95.4-100%, symptoms 90.9-96.4%) is the figure's noise:

    kind      seed 19   seed 20   seed 21   seed 22   seed 23   seed 24
    message   130/130   125/130   124/130   125/130   125/130   125/130
    symptom   103/110   104/110   100/110   106/110   100/110   105/110
    version    40/40     40/40     40/40     40/40     40/40     40/40 (0 of 70 bare)

The situation question ("Which of these matches when it happens?", from the situation
a title names: app/articles/situations.py) adds a stratum of 60, drawn after the
others so their draws do not move. Format 12 (situations, yes/no questions, symptoms
of up to 160 characters opening on the person) on a fresh seed, "fresh-seed25";
then rules read off its situation misses (a cause, a title cut at 64 characters),
format 13, measured on "fresh-seed26", a seed no rule was read off. Every drawn
option labelled by hand.

    kind      seed 25 (format 12, untuned)   seed 26 (format 13, untuned)
    message   125/130  96.2%                 125/130  96.2%
    symptom   103/110  93.6%                 105/110  95.5%
    version    40/40  100.0%                  40/40  100.0% (0 of 71 distinct bare)
    product    31/40   77.5%                  30/40   75.0%
    situation  51/60   85.0%                  55/60   91.7%

"Something else" offered on every question where an article fits it changes which
walks happen, so seed 26 draws other options over the same build; its 89 newly drawn
options were labelled by hand (run fresh-seed26 too): messages 129/130 (99.2%),
symptoms 102/110 (92.7%), versions 40/40 (0 of 71 bare), situations 53/60 (88.3%).

Programs asked as a yes/no, systems read as people type them ("nt 4") and a how-to
weighing less for a problem change the walks again: format 15 ("seed26-final15", 85
new options labelled). Rules read off that draw's misses (no "%1" template as a
message, no "With Windows" or hanging clause as a situation), format 17
("seed26-final17"); rules read off seed 27's misses (INI lines, a formula, "If a
Windows 95 client:"), format 18; seed 28 drawn over it with no rule read off
("fresh-seed28"). Every drawn option labelled by hand; all on the final build:

    kind      seed 26 (tuned)   seed 27 (rules read)   seed 28 (untuned)
    message   125/130  96.2%    125/130  96.2%         123/130  94.6%
    symptom   107/110  97.3%    106/110  96.4%         101/110  91.8%
    version    40/40  100.0%     40/40  100.0%          40/40  100.0% (0 of 54 bare)
    product    28/40   70.0%     30/40   75.0%          28/40   70.0%
    situation  51/60   85.0%     47/60   78.3%          49/60   81.7%

Of all 834 distinct message options the final walks show, 773 are labelled and 747
of those (96.6%) are messages a person sees.

A question answered "Not sure" asked again as a yes/no changes the walks again. Over
its build (format 19) seed 29 was drawn with no rule read off it ("fresh-seed29"), and
the 55 message options no draw had reached were labelled ("census-messages"): all 837
distinct message options the walks show are labelled, 801 (95.7%) of them messages a
person sees. Rules read off that census's misses (where the article says a message
shows, "(IIS 4.0 Error Message)", a second message joined by "Or"), format 20; seed 30
drawn over it ("fresh-seed30"; its messages were all in the census, its symptoms and
situations new). Every drawn option labelled by hand; all on the final build:

    kind      seed 26   seed 27   seed 28   seed 29   seed 30   every option shown
    message   124/130   126/130   124/130   125/130   127/130   806/838  96.2%
    symptom   107/110   106/110   100/110   104/110   103/110
    version    40/40     40/40     40/40     40/40     40/40     0 of 54 bare
    product    28/40     30/40     27/40     30/40     30/40
    situation  51/60     47/60     48/60     49/60     48/60

Messages are 95.4% to 97.7% of each draw; symptoms 90.9% to 97.3%.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from app.search.readers import KnowledgeBase  # noqa: E402
from app.wizard.engine import next_screen  # noqa: E402
from app.wizard.source import KnowledgeSource  # noqa: E402
from app.wizard.state import NOT, NOT_SURE, OTHER, State, parse_state  # noqa: E402
from benchmarks.eval_wizard import Case, load_cases, load_plain_cases  # noqa: E402

LABELS = Path(__file__).resolve().parent / "option_labels.tsv"
FIELDS = ("kind", "label", "option", "reason", "query", "drawn")
# Options drawn per kind: messages and symptoms are what a person reads most.
STRATA = {"message": 130, "symptom": 110, "version": 40, "product": 40, "situation": 60}
MAX_SCREENS = 12
SEED = 18


def walk(source: KnowledgeSource, case: Case, informed: bool) -> list[tuple[str, str, str]]:
    """(kind, option label, question) for every option of every question shown."""
    shown = []
    state = State(case.query)
    for _ in range(MAX_SCREENS):
        state, _ = parse_state(state.params())
        result = next_screen(source, state)
        if result.dead_end:
            break
        if result.question is not None:
            options = result.question.options
            # A yes/no question offers "Yes: <the message>": the message is what is read
            # ("No", to a question asked again, is `not.<value>`: nothing to read).
            shown += [(result.question.id, o.label.removeprefix("Yes: "), result.question.text)
                      for o in options
                      if o.value not in (NOT_SURE, OTHER) and not o.value.startswith(NOT)]
            pick = next((o for o in options if informed and o.value not in (NOT_SURE, OTHER)
                         and case.target in o.articles), None)
            state = (pick or next(o for o in options if o.value == NOT_SURE)).state
            continue
        if result.fits:
            pick = next((f for f in result.fits if informed and f.id == case.target), None)
            state = pick.state if pick else result.none_fit
            continue
        if result.fix is None or result.fix.next_state is None or informed:
            break
        state = result.fix.next_state
    return shown


def collect(index: Path, kb: Path, count: int, seed: int) -> dict[str, dict[str, str]]:
    """kind -> {option label: the first case's text that showed it}."""
    cases = load_cases(kb, count, seed) + load_plain_cases()
    knowledge = KnowledgeBase(index, refresh_seconds=3600)
    found: dict[str, dict[str, str]] = {}
    started = time.perf_counter()
    for number, case in enumerate(cases, 1):
        for informed in (True, False):
            for kind, label, _question in walk(KnowledgeSource(knowledge), case, informed):
                found.setdefault(kind, {}).setdefault(label, case.query)
        if number % 50 == 0:
            print(f"  {number}/{len(cases)} cases walked, "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return found


def read_labels(path: Path = LABELS) -> dict[tuple[str, str], dict[str, str]]:
    if not path.exists():
        return {}
    lines = path.read_text().splitlines()
    rows = [dict(zip(FIELDS, line.split("\t"), strict=True)) for line in lines[1:] if line]
    return {(row["kind"], row["option"]): row for row in rows}


def draw(found: dict[str, dict[str, str]], seed: int = SEED) -> list[tuple[str, str, str]]:
    """The seeded sample: (kind, option, query), STRATA[kind] per kind at most."""
    rng = random.Random(seed)
    out = []
    for kind, size in STRATA.items():
        options = sorted(found.get(kind, {}))
        for option in rng.sample(options, min(size, len(options))):
            out.append((kind, option, found[kind][option]))
    return out


def report(sample: list[tuple[str, str, str]], labels: dict[tuple[str, str], dict[str, str]],
           found: dict[str, dict[str, str]]) -> list[tuple[str, str, str]]:
    """Print the shares; return the drawn options without a label."""
    todo = [item for item in sample if (item[0], item[1]) not in labels]
    print(f"{'kind':<9}{'distinct':>9}{'drawn':>7}{'labelled':>10}{'yes':>6}{'share':>8}")
    for kind in STRATA:
        drawn = [item for item in sample if item[0] == kind]
        marks = Counter(labels[(kind, option)]["label"] for _, option, _ in drawn
                        if (kind, option) in labels)
        done = sum(marks.values())
        share = f"{marks['yes'] / done:.1%}" if done else "-"
        print(f"{kind:<9}{len(found.get(kind, {})):>9}{len(drawn):>7}{done:>10}"
              f"{marks['yes']:>6}{share:>8}")
    others = {kind: len(options) for kind, options in found.items() if kind not in STRATA}
    print(f"other questions' distinct options (not drawn): {others}")
    print(f"drawn without a label yet: {len(todo)}")
    return todo


def write_todo(path: Path, todo: list[tuple[str, str, str]], run: str) -> None:
    rows = ["\t".join(FIELDS)] + ["\t".join([kind, "", _clean(option), "", _clean(query), run])
                                  for kind, option, query in todo]
    path.write_text("\n".join(rows) + "\n")


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, default=Path("/tmp/mskb/kb"))
    parser.add_argument("--index", type=Path, default=Path("/tmp/base/index"))
    parser.add_argument("--cases", type=int, default=100, help="code and message cases each")
    parser.add_argument("--seed", type=int, default=7, help="the eval's case seed")
    parser.add_argument("--walks", type=Path, help="cache of the options shown (JSON)")
    parser.add_argument("--todo", type=Path, help="write drawn options without a label here")
    parser.add_argument("--run", default="after", help="the name the todo rows carry")
    parser.add_argument("--sample-seed", type=int, default=SEED, help="the draw's seed")
    args = parser.parse_args()
    if not args.kb.is_dir() or not args.index.exists():
        print(f"skipped: no archive at {args.kb} or no index at {args.index}")
        return 0
    if args.walks and args.walks.exists():
        found = json.loads(args.walks.read_text())
    else:
        found = collect(args.index, args.kb, args.cases, args.seed)
        if args.walks:
            args.walks.write_text(json.dumps(found, ensure_ascii=False))
    found = {kind: {_clean(k): v for k, v in options.items()} for kind, options in found.items()}
    todo = report(draw(found, args.sample_seed), read_labels(), found)
    if args.todo and todo:
        write_todo(args.todo, todo, args.run)
        print(f"wrote {len(todo)} to {args.todo}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
