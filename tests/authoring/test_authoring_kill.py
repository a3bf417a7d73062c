"""kill -9 of an instance during a publish, for real: two gunicorn instances over one
PostgreSQL, each machine its own KB_DIR and index folder; an editor publishes on
instance 1 and the whole instance (its workers and their index helpers) is killed
at several moments of the publish: during the request, while its index run writes,
just after. Restarted, each instance either has the article fully (search finds it
first, its page shows it) or not at all, as the database says, on both instances."""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.error
import urllib.parse

from app.activity.database import database_url, make_engine
from app.authoring import versions
from app.authoring.files import AUTHORED_DIR
from app.index.store import ArticleStore
from tests.authoring.test_authoring_follow import PASSWORD, first_result, page, sign_in
from tests.authoring.world import BODY, archive_worlds
from tests.servers import over_one_database
from tests.test_gunicorn import browser

# Seconds from the start of the publish's request to the kill: with the editor's
# helper warm the request takes about 0.1 s here, the index run it nudges about as
# long again, both longer on a busy machine.
DELAYS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.7, 1.2)
SETTLED_WITHIN = 20.0


def publish_in_background(opener, base: str, identifier: str, code: str) -> threading.Thread:
    """The editor's publish of a new article, started once a preview of it has warmed
    the instance's reading helper; its answer is not waited for."""
    with opener.open(base + "/staff/articles/new", timeout=10) as response:
        html = response.read().decode()
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    form = {"token": token, "base": "0", "new": "1", "id": identifier, "products": "",
            "messages": "", "title": f"Backup fails with {code}", "codes": code,
            "body": BODY.replace("0x80042108", code), "tree": "", "summary": "First"}
    opener.open(base + "/staff/articles/save", timeout=30,
                data=urllib.parse.urlencode({**form, "action": "preview"}).encode()).close()

    def send() -> None:
        # The answer: the 303 (an HTTPError here), or nothing, the instance gone.
        with contextlib.suppress(urllib.error.HTTPError, OSError):
            opener.open(base + "/staff/articles/save", timeout=10,
                        data=urllib.parse.urlencode({**form, "action": "publish"}).encode()
                        ).close()

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def where_it_stopped(engine, kb_dir, index_dir, identifier: str) -> str:
    """How far the killed instance got: the database's commit, the file the index
    run writes, the index run's commit."""
    if versions.latest(engine, identifier) is None:
        return "not in the database"
    if not (kb_dir / AUTHORED_DIR / f"{identifier}.md").exists():
        return "in the database only"
    store = ArticleStore(index_dir, readonly=True)
    try:
        return "indexed" if store.get(identifier) is not None else "its file written"
    finally:
        store.close()


def state_on(base: str, identifier: str, code: str) -> tuple[bool, bool]:
    """(search finds the article first for its code, its page shows it)."""
    found = first_result(base, code) == f"/kb/900/{identifier}/"
    shown = f"Backup fails with {code}" in page(base, f"/kb/900/{identifier}/")
    return found, shown


def test_kill_9_during_a_publish_leaves_it_whole_or_absent_on_both(
        make_kb, tmp_path, start) -> None:
    machines = [(world.kb_dir, world.index_dir) for world in archive_worlds(make_kb)]
    servers = over_one_database(start, tmp_path, machines, accounts=[("ed", "editor", PASSWORD)],
                                INDEX_REFRESH_SECONDS="0.5", AUTHORING_CHECK_SECONDS="0.5")
    engine = make_engine(database_url(servers[0].settings["DATABASE_URL"], ""))
    outcomes = []
    for attempt, delay in enumerate(DELAYS):
        identifier, code = f"Q{900201 + attempt}", f"0x8004{0x2201 + attempt:04X}"
        opener = browser()
        sign_in(opener, servers[0].url)
        publishing = publish_in_background(opener, servers[0].url, identifier, code)
        time.sleep(delay)
        victim = servers[0]
        victim.kill()
        publishing.join()
        stopped = where_it_stopped(engine, *machines[0], identifier)
        servers[0] = start(machines[0][1], machines[0][0], 1, port=victim.port,
                           **victim.settings)
        published = versions.latest(engine, identifier) is not None
        expected = (published, published)
        deadline = time.monotonic() + SETTLED_WITHIN
        states = [state_on(server.url, identifier, code) for server in servers]
        while states != [expected, expected] and time.monotonic() < deadline:
            time.sleep(0.2)
            states = [state_on(server.url, identifier, code) for server in servers]
        outcomes.append((delay, stopped))
        assert states == [expected, expected], (delay, stopped, states)
    print("killed after (s), how far it got:", outcomes)
    # The kills landed on both sides of the database's commit.
    assert {"not in the database", "indexed"} <= {stopped for _, stopped in outcomes}
    engine.dispose()

