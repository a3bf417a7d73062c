"""The production server for real: gunicorn started from gunicorn.conf.py on a loopback
port. A client gets exactly the configured votes per window with 2 workers, and with 2
app instances (each its own index) sharing one PostgreSQL."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.activity.database import database_url
from app.activity.log import ActivityLog
from tests.servers import LIMIT, over_one_database

ARTICLE = "/kb/100/Q100001/"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())


def form_token(opener, base: str) -> str:
    with opener.open(base + ARTICLE, timeout=10) as response:
        page = response.read().decode()
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def vote(opener, base: str, token: str, client: str = "") -> int:
    data = urllib.parse.urlencode({"token": token, "helpful": "yes"}).encode()
    request = urllib.request.Request(base + ARTICLE + "feedback", data=data,
                                     headers={"X-Forwarded-For": client} if client else {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:  # refused, reset: the server is down
        return -1


def votes_in_parallel(opener, bases: list[str], token: str, count: int) -> list[int]:
    with ThreadPoolExecutor(6) as pool:
        return list(pool.map(lambda n: vote(opener, bases[n % len(bases)], token),
                             range(count)))


def test_make_run_serves_with_gunicorn_and_healthz(start, index_dir, kb_dir, tmp_path) -> None:
    server = start(index_dir, kb_dir, 2, ACTIVITY_DB=str(tmp_path / "a.sqlite"))
    with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
        assert response.headers["Server"].startswith("gunicorn")
        assert b'"articles":3' in response.read()
    assert server.workers() == 2
    # Each worker readies the index's postings as it boots, before it takes a request.
    deadline = time.monotonic() + 20
    while (Path(server.log.name).read_text().count("index postings ready") < 2
           and time.monotonic() < deadline):
        time.sleep(0.1)
    assert Path(server.log.name).read_text().count("index postings ready") == 2


def test_exactly_the_limit_with_two_workers(start, index_dir, kb_dir, tmp_path) -> None:
    server = start(index_dir, kb_dir, 2, ACTIVITY_DB=str(tmp_path / "a.sqlite"))
    opener = browser()
    token = form_token(opener, server.url)
    statuses = votes_in_parallel(opener, [server.url], token, 16)
    assert sorted(statuses) == [303] * LIMIT + [429] * (16 - LIMIT)


def test_two_instances_share_one_postgresql(start, index_dir, kb_dir, tmp_path) -> None:
    machines = []
    for n in range(2):  # each machine its own index folder
        own_index = tmp_path / f"machine{n}" / "index"
        own_index.parent.mkdir()
        shutil.copytree(index_dir.resolve(), own_index, symlinks=True)
        machines.append((kb_dir, own_index))
    servers = over_one_database(start, tmp_path, machines,
                                  accounts=[("ann", "agent", "a long password")])
    opener = browser()
    token = form_token(opener, servers[0].url)
    statuses = votes_in_parallel(opener, [s.url for s in servers], token, 16)
    assert sorted(statuses) == [303] * LIMIT + [429] * (16 - LIMIT)
    # Signed in on one instance, the staff member reads everyone's votes on the other.
    staff = browser()
    with staff.open(servers[0].url + "/staff/sign-in", timeout=10) as response:
        token = re.search(r'name="token" value="([^"]+)"', response.read().decode()).group(1)
    signing_in = urllib.parse.urlencode({"token": token, "name": "ann",
                                         "password": "a long password"}).encode()
    with pytest.raises(urllib.error.HTTPError, match="303"):
        staff.open(servers[0].url + "/staff/sign-in", data=signing_in, timeout=10)
    with staff.open(servers[1].url + "/staff/feedback", timeout=10) as response:
        page = response.read().decode()
    assert "Q100001" in page and re.search(rf">\s*{LIMIT}\s*<", page)


def test_killing_an_instance_loses_no_acknowledged_vote(start, index_dir, kb_dir,
                                                         tmp_path) -> None:
    """16 voters on 2 instances sharing PostgreSQL; one is SIGKILLed and restarted."""
    common = dict(TRUSTED_PROXIES="1", FEEDBACK_RATE_LIMIT="100000")
    servers = over_one_database(start, tmp_path, [(kb_dir, index_dir)] * 2, **common)
    opener = browser()
    token = form_token(opener, servers[0].url)
    acknowledged, stop = [0] * 16, threading.Event()

    def voter(n: int) -> None:
        turn = 0
        while not stop.is_set():
            turn += 1
            status = vote(opener, servers[turn % 2].url, token, f"198.51.100.{n}")
            if status == 303:
                acknowledged[n] += 1
            else:
                time.sleep(0.05)  # down: try again

    threads = [threading.Thread(target=voter, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    victim = servers[0]
    victim.kill()
    time.sleep(1)
    servers[0] = start(index_dir, kb_dir, 1, port=victim.port, **victim.settings)
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join()
    log = ActivityLog(database_url(victim.settings["DATABASE_URL"], ""))
    try:
        stored = log.vote_totals().helpful
    finally:
        log.close()
    # Every acknowledged vote is stored; a vote cut off mid-request may be stored
    # without its answer arriving (at most one per voter).
    assert sum(acknowledged) > 50
    assert sum(acknowledged) <= stored <= sum(acknowledged) + 16
