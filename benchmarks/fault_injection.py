"""Fault injection: index runs killed, run twice at once and fed hostile files, under load.

On a copy of the first N archive articles (default 1,500), with gunicorn (2 workers)
serving the copy and 8 client threads fetching pages the whole time:

1. 10 incremental runs, each retitling 20 articles with a marker word; then one run
   retitling 600 articles, killed with SIGKILL while the article store is written
   (its WAL file growing); every page fetched right after the kill; the next run,
   then search (by marker) and the article API compared on every edited article.
2. Two runs started together: one indexes, the other says why it did not.
3. A `--rebuild` killed half-way: its folder is gone after the next run.
4. Hostile files (a YAML alias bomb in front matter and in a tree.yaml, 16 KB of
   nested brackets, 600 nested list levels): each parsed alone in a child process
   (time, peak RSS, reason), then indexed, with the reasons in the summary.

Non-200 answers are counted throughout (target 0). Prints the figures.

    .venv/bin/python benchmarks/fault_injection.py [--articles 1500] [--keep DIR]
        [--pin-requests]

`--pin-requests` serves `pinned_app()`: the app with its KnowledgeBase given Flask's
`g` as the request scope, so a request keeps its searcher (app/search/readers.py);
until app/web/knowledge.py passes that scope itself, a request whose refresh check
falls between its search and its hits can read docnums through a newer searcher.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.bench_search import free_port  # noqa: E402
from benchmarks.corpus import SKIP_MESSAGE, corpus_dir  # noqa: E402

CLIENTS = 8
WORKERS = 2
ALIAS_BOMB = "".join(
    ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    + [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10)])
TITLE_LINE = re.compile(r'^title: "(Q\d+): (.*)"$', re.M)


def pinned_app():
    """The app, with each request pinned to the readers it started with."""
    from flask import g, has_request_context

    from app import create_app

    app = create_app()
    app.extensions["knowledge_base"].scope = lambda: g if has_request_context() else None
    return app


def copy_articles(source: Path, target: Path, count: int) -> list[tuple[str, Path]]:
    """The first `count` article folders in sorted order: (id, README path)."""
    copied = []
    for bucket in sorted(p for p in source.iterdir() if p.is_dir()):
        for folder in sorted(p for p in bucket.iterdir() if p.is_dir()):
            readme = folder / "README.md"
            if not readme.is_file():
                continue
            destination = target / bucket.name / folder.name
            shutil.copytree(folder, destination)
            copied.append((folder.name, destination / "README.md"))
            if len(copied) >= count:
                return copied
    return copied


def marker_for(prefix: str, aid: str) -> str:
    """A word no article uses, of letters only (the analyzer splits digits apart)."""
    return prefix + aid.lower().translate(str.maketrans("0123456789", "abcdefghij"))


def retitle(readme: Path, marker: str) -> str:
    """Put a marker word in the article's title; returns the new title."""
    text = readme.read_text(encoding="utf-8")
    match = TITLE_LINE.search(text)
    if match is None:
        return ""
    base = re.sub(r" zq[a-z]+$", "", match.group(2))
    title = f"{base} {marker}"
    readme.write_text(text[: match.start()] + f'title: "{match.group(1)}: {title}"'
                      + text[match.end():], encoding="utf-8")
    return html.unescape(title).strip()


class Load:
    """CLIENTS threads fetching pages until stopped; counts every status."""

    def __init__(self, port: int, paths: list[str]) -> None:
        self.port, self.paths = port, paths
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.said: Counter[str] = Counter()   # what the non-200 answers said, and when
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                         for n in range(CLIENTS)]

    def fetch(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}",
                                        timeout=60) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError as error:
            return 599, str(error).encode()

    def _run(self, seed: int) -> None:
        chooser = random.Random(seed)
        while not self._stop.is_set():
            path = chooser.choice(self.paths)
            status, body = self.fetch(path)
            with self._lock:
                self.statuses[status] += 1
                if status != 200:
                    self.said[f"{status} {failure_message(body)}"] += 1
                    if len(self.failures) < 20:
                        seconds = time.monotonic() - self._started
                        self.failures.append(f"{status} {path} at {seconds:.1f} s")

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def failure_message(body: bytes) -> str:
    """The message of an error page or JSON error, so a failure says why."""
    text = body.decode("utf-8", "replace")
    found = re.search(r'"message":\s*"([^"]*)"|<p class="message">(.*?)</p>', text, re.S)
    said = next((group for group in found.groups() if group), "") if found else text
    return html.unescape(" ".join(said.split()))[:200]


def flask_index(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "index", "--procs", "2", *args],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True)


def kill_mid_rebuild(env: dict, index: Path) -> float:
    """Start a rebuild and SIGKILL it half a second after its new generation has a
    store: mid-way whatever the machine's speed (a fixed 8 s outlived a fast rebuild
    of these 1,500 articles, which then swapped in). Returns when it was killed."""
    before = set(index.parent.glob("index.gen-*"))
    started = time.perf_counter()
    process = flask_index(env, "--rebuild")
    while time.perf_counter() - started < 120 and process.poll() is None:
        if any((new / "articles.sqlite").exists()
               for new in set(index.parent.glob("index.gen-*")) - before):
            time.sleep(0.5)
            break
        time.sleep(0.02)
    killed_after = time.perf_counter() - started
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return killed_after


def run_index(env: dict, *args: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    process = flask_index(env, *args)
    output, _ = process.communicate(timeout=900)
    return process.returncode, output, time.perf_counter() - started


def summary_line(output: str) -> str:
    lines = output.splitlines()
    first = next((line for line in lines if line.startswith("indexed ")), "?")
    extra = [line for line in lines if line.startswith(("repaired ", "removed ", "compacted "))]
    return "; ".join([first.split(" -> ")[0], *extra])


def hostile_probe(kb: Path, relpath: str) -> dict:
    """Parse one file alone in a child process: seconds, peak RSS growth, reason."""
    code = (
        "import json, resource, sys, time\n"
        "from app.index.parsing import init_worker, parse\n"
        f"init_worker({str(kb)!r})\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.perf_counter()\n"
        f"parsed = parse(({relpath!r}, 0, 0))\n"
        "print(json.dumps({'seconds': time.perf_counter() - started, 'reason': parsed.reason,"
        " 'mb': (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}))\n")
    output = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, text=True,
                            capture_output=True, timeout=300, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def tree_probe(tree_file: Path) -> dict:
    code = (
        "import json, resource, time\n"
        "from pathlib import Path\n"
        "from app.index.parsing import read_tree\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.perf_counter()\n"
        f"path = Path({str(tree_file)!r})\n"
        "tree, problems = read_tree(path, path.name, path.stat().st_size)\n"
        "print(json.dumps({'seconds': time.perf_counter() - started, 'reason': problems[0]"
        " if problems else '', 'mb': (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss"
        " - before) / 1024}))\n")
    output = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, text=True,
                            capture_output=True, timeout=300, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def same_without(kb: Path, hostile: Path, work: Path) -> str:
    """Full builds (2 worker processes) with and without the hostile folder: the
    stored articles (rendered HTML, blocks) of every other file compared byte for byte."""
    from app.index.build import build_index
    from app.index.generations import live_generation
    from app.index.store import ArticleStore

    def rows(index: Path) -> dict[str, str]:
        store = ArticleStore(live_generation(index), readonly=True)
        try:
            return dict(store.db.execute("SELECT id, data FROM articles"))
        finally:
            store.close()

    build_index(kb, work / "with" / "index", rebuild=True, procs=2)
    aside = work / "hostile-aside"
    hostile.rename(aside)
    try:
        build_index(kb, work / "without" / "index", rebuild=True, procs=2)
    finally:
        aside.rename(hostile)
    with_them, without = rows(work / "with" / "index"), rows(work / "without" / "index")
    same = sum(with_them.get(article_id) == data for article_id, data in without.items())
    return f"{same} of {len(without)} identical; {len(with_them) - len(without)} more stored " \
           "with them (the tree bomb's article)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--pin-requests", action="store_true",
                        help="serve pinned_app(): requests pinned to their readers")
    options = parser.parse_args()
    source = corpus_dir()
    if source is None:
        print(SKIP_MESSAGE)
        return 0
    work = options.keep or Path(tempfile.mkdtemp(prefix="fault-injection-"))
    work.mkdir(parents=True, exist_ok=True)
    kb, index = work / "kb", work / "instance" / "index"
    shutil.rmtree(kb, ignore_errors=True)
    shutil.rmtree(index.parent, ignore_errors=True)
    articles = copy_articles(source, kb, options.articles)
    print(f"copied {len(articles)} articles to {kb}")
    env = {**os.environ, "FLASK_KB_DIR": str(kb), "FLASK_INDEX_DIR": str(index),
           "FLASK_ACTIVITY_DB": str(work / "instance" / "activity.sqlite"),
           "FLASK_INDEX_REFRESH_SECONDS": "1"}
    code, output, seconds = run_index(env, "--rebuild")
    print(f"initial build: exit {code} in {seconds:.0f} s: {summary_line(output)}")
    if code != 0:
        print(output)
        return 1

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--timeout", "120",
         "benchmarks.fault_injection:pinned_app()" if options.pin_requests
         else "app:create_app()"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"))  # noqa: SIM115 - lives as long as gunicorn
    chooser = random.Random(12)
    sample = chooser.sample(articles[:-1], 60)
    paths = ["/", "/api/stats", "/search?q=0x800ccc90", "/search?q=printer+garbage",
             "/api/search?q=outlook+express+pop3", "/troubleshoot?q=0x800ccc0e",
             *(f"/kb/{readme.parent.parent.name}/{aid}/" for aid, readme in sample[:40]),
             *(f"/api/articles/{aid}" for aid, _ in sample[40:])]
    load = Load(port, paths)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and load.fetch("/api/stats")[0] != 200:
        time.sleep(0.5)
    figures: dict[str, object] = {}
    missed: list[str] = []   # targets not met
    try:
        load.start()
        edited: dict[str, tuple[str, str]] = {}   # id -> (marker, title)
        run_seconds = []
        spare = articles[-1][1]          # deleted and put back in turn: deletes too
        spare_text = spare.read_text(encoding="utf-8")
        for run in range(options.runs):
            if run % 2:
                spare.write_text(spare_text, encoding="utf-8")
            else:
                spare.unlink()
            for aid, readme in chooser.sample(articles[:-1], 20):
                marker = marker_for(f"zq{'abcdefghij'[run % 10]}x", aid)
                title = retitle(readme, marker)
                if title:
                    edited[aid] = (marker, title)
            code, output, seconds = run_index(env)
            run_seconds.append(seconds)
            print(f"run {run + 1}: exit {code} in {seconds:.1f} s: {summary_line(output)}")
        figures["incremental runs"] = f"{options.runs}, {min(run_seconds):.1f}-" \
                                      f"{max(run_seconds):.1f} s each"

        # The killed run: retitle 600, kill -9 once the store's WAL grows.
        for aid, readme in chooser.sample(articles[:-1], 600):
            marker = marker_for("zqkx", aid)
            title = retitle(readme, marker)
            if title:
                edited[aid] = (marker, title)
        generation = index.resolve()
        wal = generation / "articles.sqlite-wal"
        start_size = wal.stat().st_size if wal.exists() else 0
        process = flask_index(env)
        started = time.perf_counter()
        while process.poll() is None and time.perf_counter() - started < 600:
            if wal.exists() and wal.stat().st_size > start_size + 256_000:
                break
            time.sleep(0.05)
        killed_at = time.perf_counter() - started
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            figures["killed run"] = f"SIGKILL after {killed_at:.1f} s, WAL at " \
                                    f"{wal.stat().st_size // 1000} KB"
        else:
            figures["killed run"] = f"finished before the kill ({killed_at:.1f} s)"
        after_kill = Counter(load.fetch(path)[0] for path in paths)
        journal = (generation / "articles.sqlite-journal").exists()
        figures["every page right after the kill"] = \
            f"{after_kill[200]}/{sum(after_kill.values())} answered 200; hot journal: {journal}"
        code, output, seconds = run_index(env)
        repaired = re.search(r"repaired (\d+)", output)
        print(f"run after the kill: exit {code} in {seconds:.1f} s: {summary_line(output)}")
        figures["run after the kill"] = f"exit {code}, {summary_line(output).split(' in ')[0]}, " \
                                        f"repaired {repaired.group(1) if repaired else 0}"
        time.sleep(2)   # INDEX_REFRESH_SECONDS
        agree = disagree = 0
        problems = []
        for aid, (marker, title) in sorted(edited.items()):
            status, body = load.fetch(f"/api/articles/{aid}")
            page_title = json.loads(body)["title"] if status == 200 else None
            status, body = load.fetch(f"/api/search?q={urllib.parse.quote(marker)}")
            hits = json.loads(body)["results"] if status == 200 else []
            found = [hit["title"] for hit in hits if hit.get("id") == aid]
            if page_title == title and found == [title]:
                agree += 1
            else:
                disagree += 1
                if len(problems) < 5:
                    problems.append(f"{aid}: page {page_title!r}, search {found}, want {title!r}")
        figures["edited articles, search and page agree"] = f"{agree} of {agree + disagree}"
        if disagree:
            missed.append("search and article pages disagree")
        if after_kill[200] != sum(after_kill.values()) or journal:
            missed.append("pages failed right after the kill")
        for problem in problems:
            print("  disagree:", problem)

        # Two runs at once.
        for aid, readme in chooser.sample(articles, 100):
            retitle(readme, marker_for("zqtwo", aid))
        first, second = flask_index(env), flask_index(env)
        outputs = [process.communicate(timeout=900)[0] for process in (first, second)]
        codes = [first.returncode, second.returncode]
        refused = next((line for out in outputs for line in out.splitlines()
                        if "another index run" in line), "")
        figures["two runs together"] = f"exit codes {codes}; the other said: {refused.strip()}"
        if sorted(codes) != [0, 1] or not refused:
            missed.append("two runs at once")

        # A rebuild killed half-way, then an incremental run.
        live = index.resolve().name
        killed_after = kill_mid_rebuild(env, index)
        if index.resolve().name != live:
            missed.append("the rebuild ended before it was killed")
        leftovers = [p.name for p in index.parent.glob("index.gen-*") if p.name != live]
        code, output, _ = run_index(env)
        remaining = [p.name for p in index.parent.glob("index.gen-*") if p.name != live]
        figures["killed rebuild"] = f"SIGKILL {killed_after:.1f} s in; {len(leftovers)} folders " \
                                    f"beside the live one before the next run, {len(remaining)} " \
                                    f"after ({output.count('removed')} removal line)"
        if remaining:
            missed.append("leftovers of a killed rebuild")

        # Hostile files.
        hostile = kb / "hostile"
        hostile.mkdir()
        (hostile / "alias.md").write_text(
            f"---\nid: Q990001\ntitle: Alias bomb\n{ALIAS_BOMB}---\n## Symptoms\n\nx\n")
        (hostile / "brackets.md").write_text(
            "---\nid: Q990002\ntitle: Brackets\n---\n## Symptoms\n\n"
            + "[" * 8192 + "x" + "]" * 8192 + "\n")
        (hostile / "lists.md").write_text(
            "---\nid: Q990003\ntitle: Lists\n---\n## Symptoms\n\n"
            + "\n".join("  " * depth + "- item" for depth in range(600)) + "\n")
        (hostile / "Q990004.md").write_text(
            "---\nid: Q990004\ntitle: An article with a bomb of a tree\n---\n## Symptoms\n\nx\n")
        tree_file = hostile / "Q990004.tree.yaml"
        tree_file.write_text(f"start: a\n{ALIAS_BOMB}")
        for name in ("alias.md", "brackets.md", "lists.md"):
            probe = hostile_probe(kb, f"hostile/{name}")
            figures[f"hostile {name}"] = f"{probe['seconds']:.2f} s, +{probe['mb']:.0f} MB: " \
                                         f"{probe['reason']}"
            if probe["seconds"] >= 2 or probe["mb"] >= 100 or not probe["reason"]:
                missed.append(f"hostile {name}")
        probe = tree_probe(tree_file)
        figures["hostile Q990004.tree.yaml"] = f"{probe['seconds']:.2f} s, " \
                                               f"+{probe['mb']:.0f} MB: {probe['reason']}"
        code, output, seconds = run_index(env)
        figures["index run with the hostile files"] = \
            f"exit {code} in {seconds:.1f} s: {summary_line(output)}"
        for line in output.splitlines():
            if line.startswith("skipped hostile/"):
                print(" ", line)
        status, body = load.fetch("/troubleshoot?q=" + urllib.parse.quote(
            "An article with a bomb of a tree"))
        figures["wizard beside the tree bomb"] = f"HTTP {status}"
    finally:
        load.stop()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    identical = same_without(kb, hostile, work)
    figures["other articles' stored HTML, rebuilt with and without the hostile files"] = identical
    if not re.match(r"(\d+) of \1 identical", identical):
        missed.append("stored HTML changed by the hostile files")
    statuses = dict(load.statuses)
    total = sum(statuses.values())
    figures["requests under load"] = f"{total}, non-200: {total - statuses.get(200, 0)} " \
                                     f"{ {k: v for k, v in statuses.items() if k != 200} }"
    print("\nfigures")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    for failure in load.failures:
        print("  failed:", failure)
    for said, count in load.said.most_common(10):
        print(f"  {count} answers said: {said}")
    if load.said:
        errors = [line for line in (work / "gunicorn.log").read_text().splitlines()
                  if "ERROR" in line or "Error" in line]
        print("  gunicorn's error lines (last 20):", *errors[-20:], sep="\n    ")
    print(f"  peak RSS of this script: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    if total != statuses.get(200, 0):
        missed.append("non-200 answers")
    print(f"  targets missed: {', '.join(missed) or 'none'}")
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
