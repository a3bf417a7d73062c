"""The breaker between requests and the activity database: a deadline per call, a
circuit that fails fast after a failure, one probe at a time, and no write committed
after its caller stopped waiting."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.exc import OperationalError

from app.activity.breaker import Breaker, DatabaseUnavailableError
from app.activity.log import ActivityLog


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def refused() -> None:
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def test_a_failure_opens_the_circuit_and_later_calls_fail_without_trying() -> None:
    clock, tried = Clock(), []
    breaker = Breaker(deadline=1.0, cooldown=5.0, clock=clock)
    with pytest.raises(DatabaseUnavailableError, match="connection refused"):
        breaker.call(refused)
    for _ in range(3):
        with pytest.raises(DatabaseUnavailableError, match="trying it again in 5 s"):
            breaker.call(lambda: tried.append(1))
    assert tried == [] and breaker.is_open
    clock.now += 5.0  # cooldown over: one probe goes through and closes the circuit
    assert breaker.call(lambda: "answered") == "answered"
    assert not breaker.is_open and breaker.call(lambda: 2) == 2


def test_a_stalled_call_costs_one_deadline_then_calls_fail_at_once() -> None:
    stalled = threading.Event()
    breaker = Breaker(deadline=0.2, cooldown=30.0)
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailableError, match=r"within 0\.2 s"):
        breaker.call(stalled.wait)
    assert 0.19 < time.monotonic() - started < 1.0
    started = time.monotonic()
    for _ in range(20):
        with pytest.raises(DatabaseUnavailableError):
            breaker.call(stalled.wait)
    assert time.monotonic() - started < 0.1
    stalled.set()


def test_while_a_probe_is_out_other_calls_fail_at_once() -> None:
    clock, gate = Clock(), threading.Event()
    breaker = Breaker(deadline=2.0, cooldown=5.0, clock=clock)
    with pytest.raises(DatabaseUnavailableError):
        breaker.call(refused)
    clock.now += 6
    probe = threading.Thread(target=breaker.call, args=(gate.wait,))
    probe.start()
    time.sleep(0.05)
    with pytest.raises(DatabaseUnavailableError, match="checking whether it is back"):
        breaker.call(lambda: 1)
    gate.set()
    probe.join()
    assert breaker.call(lambda: 1) == 1


def test_other_errors_are_the_callers_and_do_not_open_the_circuit() -> None:
    breaker = Breaker()
    with pytest.raises(KeyError):
        breaker.call(lambda: {}["missing"])
    assert not breaker.is_open


def test_a_vote_whose_caller_gave_up_is_rolled_back_not_stored_later(tmp_path) -> None:
    breaker = Breaker(deadline=0.2, cooldown=0.0)
    log = ActivityLog(tmp_path / "activity.sqlite", commit_check=breaker.still_wanted)
    database_wakes = threading.Event()

    def slow_vote() -> None:
        database_wakes.wait()
        log.record_vote("Q100001", True, "refused, so never stored")

    with pytest.raises(DatabaseUnavailableError):
        breaker.call(slow_vote)
    database_wakes.set()
    time.sleep(0.3)
    breaker.call(lambda: log.record_vote("Q100002", True, "acknowledged"))
    assert [c.article_id for c in log.vote_counts()] == ["Q100002"]
    log.close()
