"""The background writer: what a page leaves for the help desk is written after the
page answered, in the order it came, batched where it can be, waited out while the
database is away, and dropped (counted) only when its bounded queue is full."""

from __future__ import annotations

import threading
import time

from sqlalchemy.exc import OperationalError

from app.activity.background import BackgroundRecorder
from app.activity.breaker import Breaker


def recorder(limit: int = 1000, cooldown: float = 0.05) -> BackgroundRecorder:
    made = BackgroundRecorder(lambda: None, Breaker(deadline=1.0, cooldown=cooldown), 30,
                              limit=limit)
    made.start()
    return made


def test_items_queued_together_are_one_write_and_order_is_kept() -> None:
    background, written = recorder(), []
    gate = threading.Event()
    background.submit("a gate", lambda: gate.wait(0.8))   # holds the writer: a queue builds
    for n in range(3):
        background.add("an event", "events", n, lambda items: written.append(list(items)))
    background.submit("an end", lambda: written.append("end"))
    background.add("an event", "events", 3, lambda items: written.append(list(items)))
    gate.set()
    assert background.wait_idle(5)
    assert written == [[0, 1, 2], "end", [3]]
    assert (background.written, background.dropped) == (6, 0)


def test_a_write_while_the_database_is_away_waits_for_it_and_is_not_lost() -> None:
    background, written, refusals = recorder(), [], [3]

    def write(items: list) -> None:
        if refusals[0]:
            refusals[0] -= 1
            raise OperationalError("INSERT", {}, ConnectionRefusedError("refused"))
        written.extend(items)

    started = time.monotonic()
    background.add("an event", "events", "search", write)
    assert time.monotonic() - started < 0.05      # the page did not wait
    assert background.wait_idle(10)
    assert written == ["search"] and background.dropped == 0


def test_a_full_queue_drops_new_writes_and_counts_them_never_blocking() -> None:
    background, gate = recorder(limit=3), threading.Event()
    background.submit("a gate", lambda: gate.wait(0.8))
    time.sleep(0.1)                                # the writer holds the gate's job
    started = time.monotonic()
    for _ in range(6):
        background.submit("an event", lambda: None)
    assert time.monotonic() - started < 0.05
    gate.set()
    assert background.wait_idle(5)
    assert (background.written, background.dropped) == (4, 3)
