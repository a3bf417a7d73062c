"""kill -9 of an instance during a publish, on the full archive: two gunicorn instances
(each machine its own KB_DIR and index folder) over one real PostgreSQL; an editor
publishes on instance 1, which is killed outright (master, workers and their index
helpers) at several moments of the publish and restarted. Reported for each kill: how
far the publish got (the database's commit, the index run's file, the index run's
commit) and whether, once settled, search and the article page of each instance agree
with the database (the article whole, or not there at all).

    python benchmarks/bench_authoring_publish_kill.py --kb /tmp/mskb/kb \\
        --index /tmp/options/index --database postgresql://kb:kb@127.0.0.1:54320/kb_x \\
        --work /tmp/pubkill [--delays 0,0.1,0.2,0.4,0.8,1.5] [--port 5160]

Its copies and the emptied database are those of bench_authoring_publish_load.py
(read its docstring first: the authoring and staff tables of --database are EMPTIED).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from collections import Counter  # noqa: E402

from app.activity.database import database_url, make_engine  # noqa: E402
from app.articles.ids import permalink_for  # noqa: E402
from app.authoring.files import AUTHORED_DIR  # noqa: E402
from app.authoring.versions import latest  # noqa: E402
from app.index.store import ArticleStore  # noqa: E402
from benchmarks.bench_authoring_publish_load import (  # noqa: E402
    article_form,
    editor_token,
    empty_database,
    first_result,
    machines,
    signed_in_editor,
)
from benchmarks.fault_common import Client, Gunicorn, settings  # noqa: E402

SETTLED_WITHIN = 60.0


def start(port: int, machine: tuple[Path, Path], args) -> Gunicorn:
    kb_dir, index_dir = machine
    env = settings(KB_DIR=kb_dir, INDEX_DIR=index_dir, DATABASE_URL=args.database,
                   ACTIVITY_DB=args.work / f"unused{port}.sqlite")
    return Gunicorn(port, env, args.work / f"gunicorn-{port}.log", workers=2)


def how_far(engine, machine: tuple[Path, Path], identifier: str) -> str:
    """How far the killed instance got with the publish."""
    if latest(engine, identifier) is None:
        return "not in the database"
    if not (machine[0] / AUTHORED_DIR / f"{identifier}.md").exists():
        return "in the database only"
    store = ArticleStore(machine[1], readonly=True)
    try:
        return "indexed" if store.get(identifier) is not None else "its file written"
    finally:
        store.close()


def state_on(port: int, identifier: str, code: str) -> tuple[bool, bool]:
    """(search finds it first for its code, its page shows it)."""
    page = Client(port).get(permalink_for(identifier))
    return (first_result(Client(port), code) == identifier,
            page.status == 200 and code.encode() in page.body)


def kill_during(servers: list[Gunicorn], ports: list[int], places, args, engine,
                number: int, delay: float) -> tuple[str, bool, list, float]:
    """One publish, instance 1 killed `delay` s into its request and restarted: how far
    it got, whether the database has it, each instance's settled (search, page), and
    how long settling took."""
    editor = signed_in_editor(ports[0])
    form, identifier, code = article_form(number, editor_token(editor, Counter()))
    editor.post("/staff/articles/save", {**form, "action": "preview"})   # its reader warm
    publishing = threading.Thread(target=editor.post, args=("/staff/articles/save", form))
    publishing.start()
    time.sleep(delay)
    os.killpg(servers[0].process.pid, signal.SIGKILL)
    servers[0].process.wait()
    publishing.join()
    stopped = how_far(engine, places[0], identifier)
    servers[0] = start(ports[0], places[0], args)
    published = latest(engine, identifier) is not None
    expected = [(published, published)] * 2
    started = time.monotonic()
    states = [state_on(port, identifier, code) for port in ports]
    while states != expected and time.monotonic() - started < SETTLED_WITHIN:
        time.sleep(0.5)
        states = [state_on(port, identifier, code) for port in ports]
    return stopped, published, states, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--delays", default="0,0.1,0.2,0.4,0.8,1.5")
    parser.add_argument("--port", type=int, default=5160)
    args = parser.parse_args()
    empty_database(args.database)
    engine = make_engine(database_url(args.database, ""))
    places = machines(args.kb, args.index, args.work)
    ports = [args.port, args.port + 1]
    servers = [start(port, place, args) for port, place in zip(ports, places, strict=True)]
    agreed = 0
    delays = [float(delay) for delay in args.delays.split(",")]
    try:
        for number, delay in enumerate(delays):
            stopped, published, states, settled = kill_during(
                servers, ports, places, args, engine, 900 + number, delay)
            whole = states == [(published, published)] * 2
            agreed += whole
            print(f"killed {delay:.2f} s into the publish: {stopped}; settled after "
                  f"{settled:.1f} s, (search, page) on instance 1 and 2: {states}"
                  f"{'' if whole else '  <-- NOT AGREED'}")
        print(f"{agreed} of {len(delays)} kills: each instance's search and page agree "
              "with the database")
    finally:
        for server in servers:
            server.stop()
        engine.dispose()


if __name__ == "__main__":
    main()
