"""A real PostgreSQL of the test's own, stopped and then frozen (SIGSTOP) under the app:
reading answers at once throughout, votes made while it is away are refused (503) and
never stored later, every acknowledged vote is stored exactly once, and the missed
searches queued meanwhile are written once it is back. Skipped without PostgreSQL."""

from __future__ import annotations

import socket
import time

import pytest
from sqlalchemy import text

from app.activity.database import database_url
from app.activity.log import ActivityLog
from benchmarks.own_postgres import SKIP_REASON, OwnPostgres, postgres_bin
from tests.conftest import FIXTURE_ARTICLES
from tests.htmltools import parse

ARTICLE = "/kb/100/Q100001/"


@pytest.fixture
def postgres():
    if postgres_bin() is None:
        pytest.skip(SKIP_REASON)
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    server = OwnPostgres(port).create()  # in /tmp: the postgres user cannot enter tmp_path
    yield server
    server.destroy()


def vote(client, token: str, comment: str) -> tuple[int, float]:
    started = time.monotonic()
    response = client.post(ARTICLE + "feedback",
                           data={"token": token, "helpful": "yes", "comment": comment})
    return response.status_code, time.monotonic() - started


def reads_answer_at_once(client) -> None:
    for url in ["/search?q=zzqx+outage", ARTICLE, "/api/suggest?q=0x8",
                "/troubleshoot?q=0x800ccc90", "/healthz"]:
        started = time.monotonic()
        assert client.get(url).status_code == 200, url
        assert time.monotonic() - started < 1.5, url


def vote_until_saved(client, token: str, comment: str) -> None:
    deadline = time.monotonic() + 30
    while vote(client, token, comment)[0] != 303:
        assert time.monotonic() < deadline, "the database did not come back"
        time.sleep(0.3)


def test_stopped_then_frozen_postgresql(postgres, make_kb) -> None:
    app = make_kb({f"Q{n}": body for n, body in FIXTURE_ARTICLES.items()},
                  config={"DATABASE_URL": postgres.url}).app
    app.extensions["activity_breaker"].cooldown = 0.5
    client = app.test_client()
    token = parse(client.get(ARTICLE).get_data(as_text=True)).find(
        "input", name="token").attrs["value"]
    assert vote(client, token, "one")[0] == 303

    postgres.stop()
    reads_answer_at_once(client)
    assert client.get("/healthz").get_json()["status"] == "degraded"
    assert vote(client, token, "two (refused: stopped)")[0] == 503
    postgres.start()
    vote_until_saved(client, token, "three")

    postgres.freeze()
    try:
        status, seconds = vote(client, token, "four (refused: frozen)")
        assert status == 503 and seconds < 2.5
        reads_answer_at_once(client)
        assert client.get("/healthz").status_code == 200
    finally:
        postgres.thaw()
    vote_until_saved(client, token, "five")
    assert app.extensions["activity_background"].wait_idle(30)
    time.sleep(1.0)  # the frozen vote's thread wakes, finds itself abandoned, rolls back

    log = ActivityLog(database_url(postgres.url, ""))
    with log.engine.connect() as db:
        comments = [row[0] for row in db.execute(text("SELECT comment FROM votes ORDER BY id"))]
    misses = {m.text: m.count for m in log.top_missed_searches()}
    log.close()
    app.extensions["activity_engine"].dispose()
    assert comments == ["one", "three", "five"]
    assert misses["zzqx outage"] >= 1
