"""Index build on the full archive: time, peak memory, re-runs, size, FTS5 beside it.

    python benchmarks/bench_index.py [--kb DIR] [--work DIR] [--procs 2]

Runs `flask --app app index` as a user would (a subprocess), sampling the resident
memory of its whole process tree, then a re-run with nothing changed, then a re-run
after 100 articles were edited (and put back). An SQLite FTS5 index of the same files
is built in the same run as the baseline. Machines here are shared and noisy: the
ratio to FTS5 is the figure to compare across runs.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.corpus import SKIP_MESSAGE, corpus_dir, iter_raw_articles  # noqa: E402
from benchmarks.fts5_baseline import Fts5Baseline  # noqa: E402


def tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process and all its descendants now, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_index(kb: Path, index: Path, *extra: str) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak tree RSS (kB) and the summary line of one run.

    CPU seconds (user + system of the run and every process it started) do not
    depend on what else the shared machine is doing; wall seconds do.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, FLASK_KB_DIR=str(kb), FLASK_INDEX_DIR=str(index))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "index", *extra],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    output = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"index run failed:\n{output}")
    summary = next((line for line in output.splitlines() if line.startswith("indexed ")), "")
    return wall, cpu, peak, summary


def app_start_seconds(kb: Path, index: Path) -> float:
    """From a new process to the first article page answered, on the built index."""
    code = (
        "import time; t = time.perf_counter();"
        "from app import create_app;"
        "client = create_app().test_client();"
        "assert client.get('/search?q=outlook+0x800ccc90').status_code == 200;"
        "print(time.perf_counter() - t)"
    )
    env = dict(os.environ, FLASK_KB_DIR=str(kb), FLASK_INDEX_DIR=str(index))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, check=True,
                   capture_output=True)
    return time.perf_counter() - started


def report(label: str, wall: float, cpu: float, peak_kb: int, summary: str) -> None:
    print(f"{label:<14} {wall:7.1f} s wall, {cpu:6.1f} s CPU, peak RSS {peak_kb / 1024:5.0f} MB"
          f" (whole process tree) | {summary}", flush=True)


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=None, help="where the index goes")
    parser.add_argument("--procs", default="2")
    args = parser.parse_args()
    kb = args.kb or corpus_dir()
    if kb is None:
        print(SKIP_MESSAGE)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-index-"))
    work.mkdir(parents=True, exist_ok=True)
    index = work / "index"
    print(f"corpus {kb}; index {index}; cpus {os.cpu_count()}")

    started = time.perf_counter()
    articles = list(iter_raw_articles(kb))
    read_seconds = time.perf_counter() - started
    fts_path = work / "fts5.sqlite"
    started = time.perf_counter()
    Fts5Baseline.build(articles, fts_path).close()
    fts_seconds = time.perf_counter() - started + read_seconds
    corpus_text = sum(len(title) + len(body) for _, title, body in articles)
    del articles

    wall, cpu, peak, summary = run_index(kb, index, "--rebuild", "--procs", args.procs)
    report("full build", wall, cpu, peak, summary)
    print(f"FTS5 baseline  {fts_seconds:7.1f} s wall (read {read_seconds:.1f} s);"
          f" ratio ours/FTS5 {wall / fts_seconds:.1f}x", flush=True)

    report("no change", *run_index(kb, index))

    readmes = sorted(kb.rglob("README.md"))
    chosen = random.Random(7).sample(readmes, 100)
    originals = {path: path.read_bytes() for path in chosen}
    try:
        for path, data in originals.items():
            path.write_bytes(data.replace(b"{% endraw %}", b"\tEdited.\n{% endraw %}", 1))
        report("100 changed", *run_index(kb, index))
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
    run_index(kb, index)

    starts = sorted(app_start_seconds(kb, index) for _ in range(3))
    print(f"app start      {starts[1]:7.2f} s  (median of 3: new process to first answer)")

    live = index.resolve()
    corpus_disk = folder_bytes(kb)
    print(f"index size     {folder_bytes(live) / 2**20:7.0f} MB"
          f" (whoosh {folder_bytes(live / 'whoosh') / 2**20:.0f} MB,"
          f" store {(live / 'articles.sqlite').stat().st_size / 2**20:.0f} MB)"
          f" vs corpus {corpus_disk / 2**20:.0f} MB on disk, {corpus_text / 2**20:.0f} MB text;"
          f" FTS5 {fts_path.stat().st_size / 2**20:.0f} MB")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
