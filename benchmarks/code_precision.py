"""How precise is `find_codes` over the real archive?

Codes drive ranking, so a false code (a stack address, a STOP parameter, a year) is worse
than a missed one. This script runs `find_codes` over every article and reports:

1. coverage: articles with codes, mentions per kind, the most frequent codes, run time;
2. an automatic precision estimate: a mention is "confirmed" when its form is unambiguous
   (STOP, symbolic name, `0x8.../0xC...` HRESULT or NTSTATUS) or the text just before it names
   it (error, code, status, event, HRESULT...). Unconfirmed mentions are not necessarily wrong:
   the figure is a lower bound on precision;
3. a seeded random sample of mentions with context, written to a file for a person to label;
4. precision against hand labels (`code_precision_labels.tsv`: canonical, article id, yes/no)
   when that file is present.

Usage: python benchmarks/code_precision.py [--kb /tmp/mskb/kb] [--sample 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from app.codes.decode import decode  # noqa: E402
from app.codes.recognise import find_codes  # noqa: E402
from benchmarks.corpus import SKIP_MESSAGE, corpus_dir, iter_raw_articles  # noqa: E402

LABELS = Path(__file__).resolve().parent / "code_precision_labels.tsv"
CONTEXT_CHARS = 60
CONFIRMING_WORDS = re.compile(
    r"\b(?:error|err|errmsg|code|stop|bug\s?check|event|hresult|status|exception|fail\w*|"
    r"id\s+no|asp|http|warning|query\s+words)\b",
    re.IGNORECASE,
)
UNAMBIGUOUS_KINDS = {"stop", "symbol", "runtime", "event", "asp", "http", "compiler", "crt"}


def kind_of(canonical: str) -> str:
    """The decoded kind, with the severity-bit HRESULT/NTSTATUS forms kept apart."""
    return decode(canonical).kind


def confirmed(canonical: str, kind: str, near: str) -> bool:
    """Automatic check: a self-describing form, or a confirming word in or just before it."""
    if kind in UNAMBIGUOUS_KINDS:
        return True
    if kind in ("hresult", "ntstatus") and canonical[2] in "8C":
        return bool(CONFIRMING_WORDS.search(near)) or canonical[2:5] == "800"
    return bool(CONFIRMING_WORDS.search(near))


def one_line(text: str) -> str:
    return " ".join(text.split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=None, help="the archive's kb/ directory")
    parser.add_argument("--sample", type=int, default=300, help="mentions to sample for labels")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(tempfile.gettempdir()) / "code_precision_sample.tsv",
        help="where to write the sample for labelling (outside the repository by default)",
    )
    args = parser.parse_args()

    kb = args.kb if args.kb else corpus_dir()
    if kb is None or not kb.is_dir():
        print(SKIP_MESSAGE)
        return 0

    started = time.perf_counter()
    articles = with_codes = 0
    per_kind: Counter[str] = Counter()
    per_code: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    mentions: list[tuple[str, str, str, str, str]] = []  # id, canonical, kind, left, match+right
    for article_id, title, body in iter_raw_articles(kb):
        articles += 1
        text = f"{title}\n{body}"
        found = find_codes(text)
        with_codes += bool(found)
        for mention in found:
            kind = kind_of(mention.canonical)
            left = text[max(0, mention.start - CONTEXT_CHARS) : mention.start]
            right = text[mention.start : mention.end + CONTEXT_CHARS]
            per_kind[kind] += 1
            per_code[mention.canonical] += 1
            near = left[-40:] + text[mention.start : mention.end]
            checked["confirmed" if confirmed(mention.canonical, kind, near) else "not"] += 1
            mentions.append((article_id, mention.canonical, kind, left, right))
    elapsed = time.perf_counter() - started

    total = len(mentions)
    print(f"articles: {articles}, with codes: {with_codes}, mentions: {total}")
    print(f"run time (read + find_codes + decode): {elapsed:.1f} s")
    print("mentions per kind:")
    for kind, count in per_kind.most_common():
        print(f"  {kind:10} {count}")
    print("20 most frequent codes:")
    for code, count in per_code.most_common(20):
        print(f"  {code:28} {count}")
    if total:
        share = checked["confirmed"] / total
        print(
            "automatic precision (lower bound): "
            f"{checked['confirmed']}/{total} = {share:.1%} confirmed by form or by a "
            "confirming word in the mention or the 40 characters before it"
        )

    rng = random.Random(args.seed)
    sample = rng.sample(mentions, min(args.sample, total))
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["canonical", "article", "correct", "kind", "context"])
        for article_id, canonical, kind, left, right in sample:
            context = f"{one_line(left)} [[{one_line(right)}"
            writer.writerow([canonical, article_id, "", kind, context])
    print(f"sample of {len(sample)} mentions (seed {args.seed}) written to {args.out}")

    report_labels(mentions)
    return 0


def report_labels(mentions: list[tuple[str, str, str, str, str]]) -> None:
    """Precision against the hand labels, counting only labels whose mention still exists."""
    if not LABELS.is_file():
        print(f"no hand labels ({LABELS.name} absent)")
        return
    present = {(canonical, article_id) for article_id, canonical, *_ in mentions}
    yes = no = stale = 0
    wrong: list[str] = []
    with LABELS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            key = (row["canonical"], row["article"])
            if key not in present:
                stale += 1
            elif row["correct"].strip().lower() == "yes":
                yes += 1
            else:
                no += 1
                wrong.append(f"{key[0]} in {key[1]}")
    labelled = yes + no
    if labelled:
        print(f"hand-labelled precision: {yes}/{labelled} = {yes / labelled:.1%}")
    if wrong:
        print("  labelled wrong: " + ", ".join(wrong))
    if stale:
        print(f"  {stale} labels no longer match a mention (the extractor changed)")


if __name__ == "__main__":
    sys.exit(main())
