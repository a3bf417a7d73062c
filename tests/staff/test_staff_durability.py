"""Notes survive a crash: 4 editors save notes through 2 gunicorn instances sharing
PostgreSQL; one instance is SIGKILLed mid-way and started again. Every save that was
acknowledged (303) is in the audit log, and each note ends as its last acknowledged
save or a later one, never an older one."""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.parse

from sqlalchemy import create_engine

from app.activity.database import database_url
from app.staff.accounts import add_account
from app.staff.audit import entries
from app.staff.overlays import load
from tests.activity_db import backend_config
from tests.test_gunicorn import browser

ARTICLES = ["Q100001", "Q100002", "Q100003", "Q100001"]
EDITORS = 4


def _page(opener, url: str) -> str:
    with opener.open(url, timeout=10) as response:
        return response.read().decode()


def _signed_in(base: str, name: str):
    opener = browser()
    token = re.search(r'name="token" value="([^"]+)"', _page(opener, base + "/staff/sign-in"))
    data = urllib.parse.urlencode({"token": token.group(1), "name": name,
                                   "password": "a long password"}).encode()
    try:
        opener.open(base + "/staff/sign-in", data=data, timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.code == 303
    return opener


def _save(opener, base: str, article: str, text: str) -> int:
    """One save of the note, as the form does: its token and revision read first."""
    try:
        page = _page(opener, f"{base}/staff/articles/{article}")
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
        data = urllib.parse.urlencode({"token": token, "revision": revision,
                                       "text": text}).encode()
        opener.open(f"{base}/staff/articles/{article}/note", data=data, timeout=10)
    except urllib.error.HTTPError as answer:
        return answer.code
    except OSError:
        return -1
    return 200


def test_killing_an_instance_loses_no_acknowledged_note(start, index_dir, kb_dir,
                                                        tmp_path) -> None:
    settings = backend_config("postgresql", tmp_path)
    engine = create_engine(database_url(settings["DATABASE_URL"], settings["ACTIVITY_DB"]))
    for n in range(EDITORS):
        add_account(engine, f"editor{n}", "editor", "a long password", actor="test")
    common = dict(DATABASE_URL=settings["DATABASE_URL"],
                  ACTIVITY_DB=str(tmp_path / "unused.sqlite"))
    servers = [start(index_dir, kb_dir, 1, **common) for _ in range(2)]
    openers = [_signed_in(servers[0].url, f"editor{n}") for n in range(EDITORS)]
    acknowledged: list[list[str]] = [[] for _ in range(EDITORS)]
    stop = threading.Event()

    def editor(n: int) -> None:
        turn = 0
        while not stop.is_set():
            turn += 1
            text = f"editor{n} save {turn}"
            status = _save(openers[n], servers[turn % 2].url, ARTICLES[n], text)
            if status == 303:
                acknowledged[n].append(text)
            else:  # down, or another editor saved first (409): read it and go on
                time.sleep(0.05)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(EDITORS)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    victim = servers[0]
    victim.kill()
    time.sleep(1)
    servers[0] = start(index_dir, kb_dir, 1, port=victim.port, **common)
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join()
    saved = {row.after.strip('"') for row in entries(engine, limit=100_000)
             if row.action == "note.save"}
    notes = load(engine).notes
    engine.dispose()
    assert sum(len(texts) for texts in acknowledged) > 20
    for n, texts in enumerate(acknowledged):
        assert set(texts) <= saved, f"editor{n} lost an acknowledged save"
    for article in set(ARTICLES):
        final = notes[article].text
        writers = [n for n, a in enumerate(ARTICLES) if a == article]
        # Never older than any acknowledged save of its writers' own last one.
        for n in writers:
            if acknowledged[n] and final.startswith(f"editor{n} "):
                assert int(final.rsplit(" ", 1)[1]) >= int(acknowledged[n][-1].rsplit(" ", 1)[1])
