"""Seeded generation of held-out-style search cases from the raw KB archive.

Each case is (kind, query, target_id): a query typed the way a user would type it, and
the article that should answer it. Cases are derived from the raw files with a reading
that shares nothing with the app's parser, so the evaluation is not circular.

    python benchmarks/search_cases.py [--kb DIR] [--show 10] [--write]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import SKIP_MESSAGE, corpus_dir, iter_raw_articles

CASES_FILE = Path(__file__).resolve().parent / "cases.jsonl"
KINDS = ("code", "message", "description", "code+words")
PLAIN_FILE = Path(__file__).resolve().parent / "plain_cases.jsonl"
# A code shared by this many articles, typed with a few words of one article's situation.
SHARED_CARRIERS = (3, 40)
TITLE_STOPWORDS = frozenset({
    "about", "after", "also", "and", "are", "but", "can", "cannot", "does", "error", "errors",
    "for", "from", "have", "how", "into", "is", "may", "message", "messages", "not", "occurs",
    "that", "the", "this", "when", "while", "with", "you", "your", "using", "used", "windows",
    "microsoft"})
MAX_CARRIERS = 5  # a code shared by more articles cannot single out its target in a top 5
CODE_QUOTAS = {"hex": 90, "stop": 30, "error": 60, "runtime": 30, "event": 60, "asp": 30}

# Each pattern opens with a literal (word boundaries checked by look-behind) so the regex
# engine can skip ahead: the leading-\\b forms took 30 s over the archive instead of 1 s.
HEX_ANY = re.compile(r"0x(?<!\w0x)([0-9A-Fa-f]{1,8})\b")
HEX_CODE = re.compile(r"0x(?<!\w0x)([0-9A-Fa-f]{8})\b")
STOP_BEFORE = re.compile(r"\b[Ss][Tt][Oo][Pp]:?\s*$")
ERROR_NUM = re.compile(r"rror(?<=\b[Ee]rror):?\s*#?\s*(\d{3,6})\b")
RUNTIME_NUM = re.compile(r"un-?\s?[Tt]ime [Ee]rror:?\s*'?(\d{1,5})\b")
EVENT_NUM = re.compile(r"vent(?<=\b[Ee]vent)(?:\s+I[Dd])?:?\s*(\d{2,5})\b")
ASP_NUM = re.compile(r"ASP(?<!\wASP)\s+(0\d{3})\b")

TAG_PREFIX = re.compile(r"^(?:[A-Z0-9][A-Z0-9/+-]{1,11}|Err ?Msg|Error|HOWTO|How To):\s+")
HEADING_RULE = re.compile(r"^=+\s*$")
PLACEHOLDER = re.compile(r"[<>]|xxx|nnn|\.\.\.", re.IGNORECASE)
MESSAGE_TRIGGER = re.compile(r"error message|following error", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z0-9']+")

FORM_SWAPS = {
    "fails": "failing",
    "fail": "failing",
    "failed": "fails",
    "crashes": "crashing",
    "causes": "causing",
    "returns": "returning",
    "prints": "printing",
    "runs": "running",
    "cannot": "can't",
    "can't": "cannot",
    "won't": "will not",
    "doesn't": "does not",
    "isn't": "is not",
    "don't": "do not",
    "incorrectly": "wrongly",
    "installing": "install",
    "opening": "open",
    "saving": "save",
    "starting": "start",
    "creating": "create",
    "displayed": "displays",
    "unable": "not able",
    # everyday words for the articles' vocabulary
    "hangs": "freezes",
    "hang": "freeze",
    "incorrect": "wrong",
    "displays": "shows",
    "computer": "pc",
    "receive": "get",
    "occurs": "happens",
    "generates": "gives",
    "deleted": "removed",
    "delete": "remove",
    "appears": "shows up",
    "terminates": "quits",
}
DROPPABLE = {"the", "a", "an", "may", "is", "are", "be", "of", "with", "for", "in", "on", "to"}
PREFIXES = ("help: ", "problem: ", "i have a problem - ")
SUFFIXES = (" help", " - how to fix?", " any fix?", " on my pc")
HOW_TO = ("how do i ", "how can i ", "how to ")
YOU_TO_I = (
    ("the following error messages", "errors"),
    ("the following error message", "an error"),
    ("the following message", "a message"),
    ("the following error", "an error"),
    ("when you try to", "when i try to"),
    ("you may receive", "i get"),
    ("let you", "let me"),
    ("lets you", "lets me"),
    ("prompts you", "prompts me"),
    ("allow you", "allow me"),
    ("allows you", "allows me"),
    ("tells you", "tells me"),
    ("asks you", "asks me"),
    ("you receive", "i get"),
    ("you may", "i"),
    ("you are", "i am"),
    ("you ", "i "),
    ("your ", "my "),
    ("microsoft ", ""),
)


class Case(NamedTuple):
    """One evaluation query and the article that must come back for it."""

    kind: str
    query: str
    target: str
    also: tuple[str, ...] = ()  # other articles that answer it as well (plain cases)


def code_variants(style: str, raw: str) -> list[str]:
    """The ways a user types one code (style names the regex that found it in the article)."""
    if style in ("hex", "stop"):
        value = int(raw, 16)
        short, full = f"0x{value:x}", f"0x{value:08x}"
        if style == "stop":
            return [f"stop {short}", f"stop {full}", f"STOP: 0x{value:08X}", f"stop error {short}"]
        if raw.startswith("0"):
            return [short, f"0x{value:X}", full, f"error {short}"]
        return [raw.lower(), full, f"0x{raw.upper()}", f"error {full}"]
    return {
        "error": [f"error #{raw}", f"error {raw}", f"error code {raw}"],
        "runtime": [f"runtime error {raw}", f"run-time error '{raw}'", f"run time error {raw}"],
        "event": [f"event {raw}", f"event id {raw}", f"Event ID: {raw}"],
        "asp": [f"asp {raw}", f"ASP {raw} error", f"asp error {raw}"],
    }[style]


def _code_mentions(text: str) -> tuple[set[tuple[str, int]], list[tuple[str, str]]]:
    """Keys of every code in the text (to count carriers), and the (style, raw) codes to ask for.

    Keys compare by value, so 0x2AF9 and 0x00002AF9 are one code, and run-time error '429'
    shares its key with Error 429: a typed query cannot tell them apart either.
    """
    hex_codes = list(HEX_ANY.finditer(text))
    keys = {("hex", int(m.group(1), 16)) for m in hex_codes}
    keys |= {("err", int(m)) for m in ERROR_NUM.findall(text) + RUNTIME_NUM.findall(text)}
    keys |= {("event", int(m)) for m in EVENT_NUM.findall(text)}
    keys |= {("asp", int(m)) for m in ASP_NUM.findall(text)}
    asks: list[tuple[str, str]] = []
    for match in hex_codes:
        raw, start = match.group(1), match.start()
        value = int(raw, 16)
        if value and STOP_BEFORE.search(text, max(0, start - 8), start):
            asks.append(("stop", raw))
        elif len(raw) == 8 and (0x100 <= value < 0x10000 or raw[0] in "8Cc"):
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            if "error" in text[line_start : line_end if line_end >= 0 else None].lower():
                asks.append(("hex", raw))
    asks += [("error", m) for m in ERROR_NUM.findall(text)]
    asks += [("runtime", m) for m in RUNTIME_NUM.findall(text)]
    asks += [("event", m) for m in EVENT_NUM.findall(text)]
    asks += [("asp", m) for m in ASP_NUM.findall(text)]
    return keys, asks


def _code_key(style: str, raw: str) -> tuple[str, int]:
    """The carrier-count key of a code found with the given style."""
    if style in ("hex", "stop"):
        return ("hex", int(raw, 16))
    if style in ("error", "runtime"):
        return ("err", int(raw))
    return (style, int(raw))


def sections(body: str) -> dict[str, list[str]]:
    """Body lines per `====`-underlined heading (first occurrence wins)."""
    lines = body.splitlines()
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and HEADING_RULE.match(lines[i + 1]) and line.strip():
            name = line.strip().upper()
            current = None if name in found else found.setdefault(name, [])
            continue
        if current is not None and not HEADING_RULE.match(line):
            current.append(line)
    return found


def error_messages(symptoms: list[str]) -> list[str]:
    """Indented message blocks that follow an 'error message' / 'following error' paragraph."""
    messages = []
    i = 0
    while i < len(symptoms):
        if not MESSAGE_TRIGGER.search(symptoms[i]) or symptoms[i].startswith("  "):
            i += 1
            continue
        while i < len(symptoms) and symptoms[i].strip():  # rest of the trigger paragraph
            i += 1
        while i < len(symptoms) and not symptoms[i].strip():
            i += 1
        block = []
        while i < len(symptoms) and symptoms[i].startswith("  ") and symptoms[i].strip():
            line = symptoms[i].strip()
            if line.lower() == "-or-":
                break
            block.append(re.sub(r"^[*-]\s+", "", line))
            i += 1
        text = " ".join(" ".join(block).split()).strip('"').strip()
        if text:
            messages.append(text)
    return messages


def _distinctive(message: str) -> bool:
    """Long enough to point at one article, and free of <placeholders> no user would see."""
    words = WORD.findall(message)
    return (
        6 <= len(words) <= 50
        and len(message.split()) >= 6
        and not PLACEHOLDER.search(message)
        and sum(any(c.isdigit() for c in w) for w in words) <= len(words) // 4
    )


def message_variants(message: str, rng: random.Random) -> list[str]:
    """The message pasted whole, in part, lower-cased, without punctuation, with one typo.

    A part starts where a sentence of the message starts: that is what gets selected and
    copied, and a run from mid-sentence is often too generic to name any one article.
    """
    words = message.split()
    size = rng.randint(6, min(10, len(words)))
    starts = [i for i in range(len(words) - size + 1) if i == 0 or words[i - 1][-1] in ".:!?"]
    start = rng.choice(starts)
    part = " ".join(words[start : start + size])
    no_punct = " ".join(re.sub(r"[^\w\s]", " ", message.replace("'", "")).split())
    return [message, part, message.lower(), no_punct, typo(message, rng)]


def typo(text: str, rng: random.Random) -> str:
    """Swap two neighbouring letters, or drop one, in one word longer than 5 letters."""
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    if rng.random() < 0.5 and w[j] != w[j + 1]:
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    else:
        words[i] = w[:j] + w[j + 1 :]
    return " ".join(words)


def strip_tags(title: str) -> str:
    """Drop the product / kind tags (XCLN:, PRB:, WD97:, Err Msg:) that users never type."""
    previous = None
    while previous != title:
        previous, title = title, TAG_PREFIX.sub("", title)
    return title


def inflect(word: str) -> str:
    """Another form of the word (plural / singular, -ed to -s): what no plain index matches."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("ed") and len(word) > 5 and word[-3] != word[-4]:
        return word[:-1] + "s" if word[-3] == "e" else word[:-2] + "s"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def reword(text: str, rng: random.Random) -> str:
    """Lower-case, change word forms, drop small words, add filler; never the input verbatim."""
    words = text.lower().replace('"', "").split()
    changed = False
    out: list[str] = []
    for w in words:
        bare = w.strip(".,:;!?()")
        if bare in FORM_SWAPS and rng.random() < 0.7:
            out.append(FORM_SWAPS[bare])
            changed = True
        elif bare.isalpha() and len(bare) > 3 and rng.random() < 0.25:
            out.append(inflect(bare))
            changed = changed or out[-1] != bare
        elif bare == "the" and rng.random() < 0.2:
            out.append("my")
            changed = True
        elif bare in DROPPABLE and out and rng.random() < 0.5:
            changed = True
        else:
            out.append(bare)
    for _ in range(1 + (len(out) > 7)):  # users leave out words they do not think matter
        droppable = [i for i, w in enumerate(out) if i and len(w) > 3]
        if droppable and len(out) > 4:
            del out[rng.choice(droppable)]
            changed = True
    if not changed:
        if out[-1].endswith("s") and not out[-1].endswith("ss"):
            out[-1] = out[-1][:-1]
        else:
            out.insert(0, "my")
    text = " ".join(w for w in out if w)
    if text.startswith("how to "):
        return rng.choice(HOW_TO) + text[len("how to ") :]
    filler = rng.random()
    if filler < 0.3:
        return rng.choice(PREFIXES) + text
    return text + rng.choice(SUFFIXES) if filler < 0.6 else text


def first_sentence(symptoms: list[str]) -> str:
    """The opening sentence of SYMPTOMS, as prose (stops at the first indented block)."""
    prose = []
    for line in symptoms:
        if line.startswith("  ") or (prose and not line.strip()):
            break
        prose.append(line.strip())
    text = " ".join(" ".join(prose).split())
    match = re.match(r"(.+?[.:])(\s|$)", text)
    return match.group(1) if match else text


def symptom_description(sentence: str, rng: random.Random) -> str:
    """Retell the first SYMPTOMS sentence in the first person, trimmed to a typed length."""
    text = sentence.lower().rstrip(".:")
    for old, new in YOU_TO_I:
        text = text.replace(old, new)
    words = text.split()[:18]
    return reword(" ".join(words), rng)


def generate_cases(
    articles: Iterable[tuple[str, str, str]], seed: int = 20240601, per_kind: int = 300
) -> list[Case]:
    """All cases, deterministic for a given article order and seed."""
    carriers: dict[tuple[str, int], set[str]] = defaultdict(set)
    asks: dict[tuple[str, str], set[str]] = defaultdict(set)
    messages: list[tuple[str, str]] = []
    message_counts: Counter[str] = Counter()
    described: list[tuple[str, str, str]] = []
    title_counts: Counter[str] = Counter()
    titles: dict[str, str] = {}
    for article_id, title, body in articles:
        titles[article_id] = strip_tags(title)
        keys, found = _code_mentions(f"{title}\n{body}")
        for key in keys:
            carriers[key].add(article_id)
        for style, raw in found:
            asks[(style, raw)].add(article_id)
        symptoms = sections(body).get("SYMPTOMS", [])
        for message in {m for m in error_messages(symptoms) if _distinctive(m)}:
            messages.append((article_id, message))
            message_counts[" ".join(WORD.findall(message.lower()))] += 1
        plain = strip_tags(title)
        title_counts[plain.lower()] += 1
        if len(plain.split()) >= 4:
            described.append((article_id, plain, first_sentence(symptoms)))
    rng = random.Random(seed)
    cases = _code_cases(carriers, asks, rng, per_kind)
    cases += _message_cases(messages, message_counts, rng, per_kind)
    cases += _description_cases(described, title_counts, rng, per_kind)
    # Its own generator, so the cases of the other kinds stay those of earlier runs.
    cases += _code_words_cases(carriers, asks, titles, random.Random(seed + 1), per_kind)
    return cases


def _code_cases(
    carriers: dict[tuple[str, int], set[str]],
    asks: dict[tuple[str, str], set[str]],
    rng: random.Random,
    per_kind: int,
) -> list[Case]:
    """Codes carried by 1..MAX_CARRIERS articles, in CODE_QUOTAS proportions.

    One case per code and per target article, so the long code tables of a few articles
    do not crowd out everything else.
    """
    pools: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    seen: set[tuple[str, tuple[str, int]]] = set()
    for (style, raw), ids in sorted(asks.items()):
        key = _code_key(style, raw)
        if len(carriers[key]) <= MAX_CARRIERS and (style, key) not in seen:
            seen.add((style, key))
            pools[style].append((raw, sorted(ids)))
    total = sum(CODE_QUOTAS.values())
    targets: set[str] = set()
    cases: list[Case] = []
    spare: list[tuple[str, str, list[str]]] = []
    for style, quota in CODE_QUOTAS.items():
        pool = pools[style]
        rng.shuffle(pool)
        wanted = len(cases) + round(quota * per_kind / total)
        for raw, ids in pool:
            if len(cases) >= wanted:
                spare.append((style, raw, ids))
            elif (target := rng.choice(ids)) not in targets:
                targets.add(target)
                cases.append(Case("code", rng.choice(code_variants(style, raw)), target))
    rng.shuffle(spare)
    for style, raw, ids in spare:
        if len(cases) < per_kind and (target := rng.choice(ids)) not in targets:
            targets.add(target)
            cases.append(Case("code", rng.choice(code_variants(style, raw)), target))
    rng.shuffle(cases)
    return cases


def _title_words(title: str) -> list[str]:
    return list(dict.fromkeys(
        w for w in WORD.findall(title.lower())
        if len(w) >= 4 and w.isalpha() and w not in TITLE_STOPWORDS))


def _code_words_cases(
    carriers: dict[tuple[str, int], set[str]],
    asks: dict[tuple[str, str], set[str]],
    titles: dict[str, str],
    rng: random.Random,
    per_kind: int,
) -> list[Case]:
    """A code shared by SHARED_CARRIERS articles, typed with 2-3 words of the situation of
    one of them: words of its title that few of the other carriers' titles have (so the
    words decide among them), never the code's own words."""
    low, high = SHARED_CARRIERS
    pool: list[tuple[str, str, list[str]]] = []
    seen: set[tuple[str, int]] = set()
    for (style, raw), ids in sorted(asks.items()):
        key = _code_key(style, raw)
        if low <= len(carriers[key]) <= high and key not in seen:
            seen.add(key)
            pool.append((style, raw, sorted(ids)))
    rng.shuffle(pool)
    cases: list[Case] = []
    targets: set[str] = set()
    for style, raw, ids in pool:
        if len(cases) >= per_kind:
            break
        target = rng.choice(ids)
        if target in targets:
            continue
        others = [titles.get(i, "").lower() for i in sorted(carriers[_code_key(style, raw)])
                  if i != target]
        words = [w for w in _title_words(titles.get(target, ""))
                 if w not in raw.lower() and sum(w in o.split() for o in others) * 4 < len(others)]
        if len(words) < 2:
            continue
        targets.add(target)
        chosen = rng.sample(words, min(len(words), rng.choice((2, 3))))
        code = rng.choice(code_variants(style, raw))
        query = f"{code} {' '.join(chosen)}" if rng.random() < 0.7 else f"{' '.join(chosen)} {code}"
        cases.append(Case("code+words", query, target))
    return cases


def plain_cases(path: Path = PLAIN_FILE) -> list[Case]:
    """The hand-written descriptions of benchmarks/plain_cases.jsonl, in the way people
    talk; `also` lists other articles that answer them too."""
    cases = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                cases.append(Case("plain", row["text"], row["target"], tuple(row.get("also", ()))))
    return cases


def _message_cases(
    messages: list[tuple[str, str]],
    counts: Counter[str],
    rng: random.Random,
    per_kind: int,
) -> list[Case]:
    """One message per article, from messages no more than two articles quote."""
    by_article: dict[str, str] = {}
    for article_id, message in sorted(messages):
        if counts[" ".join(WORD.findall(message.lower()))] <= 2:
            by_article.setdefault(article_id, message)
    picked = rng.sample(sorted(by_article.items()), min(per_kind, len(by_article)))
    return [
        Case("message", message_variants(message, rng)[i % 5], article_id)
        for i, (article_id, message) in enumerate(picked)
    ]


def _description_cases(
    described: list[tuple[str, str, str]],
    title_counts: Counter[str],
    rng: random.Random,
    per_kind: int,
) -> list[Case]:
    """Reworded titles or retold SYMPTOMS openings (half each) of articles with a unique title."""
    unique = [d for d in described if title_counts[d[1].lower()] == 1]
    cases = []
    for article_id, title, sentence in rng.sample(unique, min(per_kind, len(unique))):
        usable = 6 <= len(sentence.split()) <= 40 and "this article" not in sentence.lower()
        if usable and rng.random() < 0.5:
            query = symptom_description(sentence, rng)
        else:
            query = reword(title, rng)
        cases.append(Case("description", query, article_id))
    return cases


def write_cases(cases: Sequence[Case], path: Path = CASES_FILE) -> None:
    """Save the cases as JSON lines, for reading them or for feeding other tools."""
    with path.open("w", encoding="utf-8") as out:
        for case in cases:
            out.write(json.dumps(case._asdict()) + "\n")


def main() -> int:
    """Generate the cases from the archive; show a sample and optionally write them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, help="archive kb/ directory (default: found)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--show", type=int, default=10, help="cases to print per kind")
    parser.add_argument("--write", action="store_true", help=f"write {CASES_FILE.name}")
    args = parser.parse_args()
    kb = args.kb or corpus_dir()
    if kb is None:
        print(SKIP_MESSAGE)
        return 0
    cases = generate_cases(iter_raw_articles(kb), seed=args.seed)
    for kind in KINDS:
        of_kind = [c for c in cases if c.kind == kind]
        print(f"== {kind}: {len(of_kind)} cases")
        for case in of_kind[: args.show]:
            print(f"  {case.target:>9}  {case.query}")
    if args.write:
        write_cases(cases)
        print(f"wrote {len(cases)} cases to {CASES_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
