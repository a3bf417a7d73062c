"""The staff domain without Flask: accounts and the throttle, notes with their
conflicts, retirement's rules, pins read with the code recogniser, the audit log,
and the per-process snapshot that follows the change counter."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.activity.breaker import DatabaseUnavailableError
from app.activity.database import database_url, make_engine
from app.query.typed import read_query
from app.search.results import search
from app.staff import accounts, edits
from app.staff.audit import RefusedError, entries
from app.staff.overlays import LiveOverlays, load
from app.staff.pins import pin_key
from tests.activity_db import BACKENDS, backend_config

KNOWN = {"Q100001", "Q100002", "Q100003"}


def exists(identifier: str) -> bool:
    return identifier in KNOWN


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path: Path) -> Engine:
    """The staff tables on SQLite, and on PostgreSQL when TEST_DATABASE_URL names one."""
    config = backend_config(request.param, tmp_path)
    made = make_engine(database_url(config.get("DATABASE_URL", ""), config["ACTIVITY_DB"]))
    yield made
    made.dispose()


def test_an_account_signs_in_with_its_own_password_only(engine) -> None:
    accounts.add_account(engine, "Ann", "editor", "a long password", actor="lead")
    assert accounts.verify(engine, "ann", "a long password") == accounts.Account("ann", "editor")
    assert accounts.verify(engine, "ann", "a long passworD") is None
    assert accounts.verify(engine, "bob", "a long password") is None
    with pytest.raises(RefusedError, match="already a staff account"):
        accounts.add_account(engine, "ann", "agent", "another password", actor="lead")
    with pytest.raises(RefusedError, match="10 to 200 characters"):
        accounts.add_account(engine, "cid", "agent", "short", actor="lead")
    with pytest.raises(RefusedError, match="role must be one of"):
        accounts.add_account(engine, "cid", "admin", "a long password", actor="lead")


def test_the_hash_is_werkzeugs_never_the_password(engine) -> None:
    accounts.add_account(engine, "ann", "agent", "a long password", actor="lead")
    with engine.connect() as db:
        stored = db.exec_driver_sql("SELECT password_hash FROM staff_accounts").scalar_one()
    assert stored.startswith(("scrypt:", "pbkdf2:")) and "a long password" not in stored


def test_disabling_or_a_new_password_ends_every_session(engine) -> None:
    ann = accounts.add_account(engine, "ann", "lead", "a long password", actor="cli")
    token = accounts.start_session(engine, ann)
    assert accounts.session_account(engine, token) == ann
    accounts.set_password(engine, "ann", "another long one", actor="cli")
    assert accounts.session_account(engine, token) is None
    token = accounts.start_session(engine, ann)
    accounts.disable(engine, "ann", actor="cli")
    assert accounts.session_account(engine, token) is None
    assert accounts.verify(engine, "ann", "another long one") is None


def test_roles_are_cumulative() -> None:
    assert accounts.Account("a", "lead").can("editor")
    assert accounts.Account("a", "editor").can("agent")
    assert not accounts.Account("a", "agent").can("editor")
    assert not accounts.Account("a", "lead", disabled=True).can("agent")


def test_wrong_passwords_are_throttled_per_account_and_per_address(engine) -> None:
    throttle = accounts.Throttle(engine, window=900)
    for n in range(accounts.FAILURES_PER_ACCOUNT):
        assert throttle.wait("ann", f"192.0.2.{n}", now=1000.0 + n) == 0
        throttle.failed("ann", f"192.0.2.{n}", now=1000.0 + n)
    assert throttle.wait("ann", "198.51.100.1", now=1010.0) > 800  # any address
    assert throttle.wait("bob", "198.51.100.1", now=1010.0) == 0   # another account
    assert throttle.wait("ann", "198.51.100.1", now=1000.0 + 901) == 0  # the window passed
    for n in range(accounts.FAILURES_PER_ADDRESS):
        throttle.failed(f"user{n}", "203.0.113.9", now=2000.0)
    assert throttle.wait("someone-new", "203.0.113.9", now=2001.0) > 0


def test_a_note_is_rendered_sanitised_and_the_second_writer_gets_a_conflict(engine) -> None:
    first = edits.save_note(engine, "q100001", "Call **4357** <script>alert(1)</script>", 0,
                            actor="ann", exists=exists)
    assert first.article_id == "Q100001" and first.revision == 1
    assert "<strong>4357</strong>" in first.html and "<script" not in first.html
    with pytest.raises(RefusedError) as conflict:
        edits.save_note(engine, "Q100001", "Bob's text", 0, actor="bob", exists=exists)
    assert conflict.value.status == 409
    assert conflict.value.details["theirs"].text.startswith("Call **4357**")
    assert conflict.value.details["mine"] == "Bob's text"
    second = edits.save_note(engine, "Q100001", "Merged text", 1, actor="bob", exists=exists)
    assert second.revision == 2 and load(engine).notes["Q100001"].text == "Merged text"


@pytest.mark.parametrize(("text", "status", "message"), [
    ("", 400, "The note is empty"),
    ("x" * (edits.MAX_NOTE + 1), 413, "at most 4,000 characters"),
])
def test_a_bad_note_is_refused_and_nothing_is_stored(engine, text, status, message) -> None:
    with pytest.raises(RefusedError, match=message) as refused:
        edits.save_note(engine, "Q100001", text, 0, actor="ann", exists=exists)
    assert refused.value.status == status
    assert load(engine).notes == {}


def test_retiring_checks_the_article_and_its_replacement(engine) -> None:
    with pytest.raises(RefusedError, match="no article Q999999") as unknown:
        edits.retire(engine, "Q999999", "", "", actor="ed", exists=exists)
    assert unknown.value.status == 404
    with pytest.raises(RefusedError, match="no replacement Q999998"):
        edits.retire(engine, "Q100001", "Q999998", "", actor="ed", exists=exists)
    with pytest.raises(RefusedError, match="cannot replace itself"):
        edits.retire(engine, "Q100001", "Q100001", "", actor="ed", exists=exists)
    edits.retire(engine, "Q100001", "Q100002", "Fixed in SP3", actor="ed", exists=exists)
    with pytest.raises(RefusedError, match="Q100001 is itself retired") as retired:
        edits.retire(engine, "Q100003", "Q100001", "", actor="ed", exists=exists)
    assert retired.value.status == 409
    with pytest.raises(RefusedError, match="Q100002 replaces Q100001"):
        edits.retire(engine, "Q100002", "", "", actor="ed", exists=exists)
    assert dict(load(engine).replacements) == {"Q100001": "Q100002"}


@pytest.mark.parametrize("typed", ["0x800CCC0E", "800ccc0e", "Error 0x800ccc0e", "0X800CCC0E"])
def test_a_code_is_pinned_however_it_is_typed(typed: str) -> None:
    assert pin_key(typed).kind == "code" and pin_key(typed).key == "0x800CCC0E"


def test_words_are_pinned_in_any_order_and_form_and_empty_ones_are_refused() -> None:
    assert pin_key("Printer prints garbage").key == pin_key("garbage printing PRINTERS").key
    for empty in ("", "   ", "the of and"):
        with pytest.raises(RefusedError, match="needs an error code or some words"):
            pin_key(empty)


def test_pins_apply_to_their_code_or_exact_words(engine) -> None:
    edits.add_pin(engine, "800ccc90", "Q100003", actor="ed", exists=exists)
    edits.add_pin(engine, "printer garbage", "Q100002", actor="ed", exists=exists)
    overlays = load(engine)
    assert [p.article_id for p in overlays.pins_for(read_query("0x800CCC90 pop3"))] == ["Q100003"]
    assert [p.article_id for p in overlays.pins_for(read_query("garbage printers"))] == [
        "Q100002"]
    assert overlays.pins_for(read_query("printer")) == []
    pin = overlays.pins[("code", "0x800CCC90")]
    assert pin.credit.startswith("Pinned by ed on ")


def test_every_change_is_audited_with_before_and_after(engine) -> None:
    edits.save_note(engine, "Q100001", "one", 0, actor="ann", exists=exists)
    edits.save_note(engine, "Q100001", "two", 1, actor="bob", exists=exists)
    edits.retire(engine, "Q100003", "", "gone", actor="bob", exists=exists)
    rows = entries(engine)
    assert [(r.actor, r.action, r.article_id) for r in rows] == [
        ("bob", "article.retire", "Q100003"), ("bob", "note.save", "Q100001"),
        ("ann", "note.save", "Q100001")]
    assert (rows[1].before, rows[1].after) == ('"one"', '"two"')
    assert [r.action for r in entries(engine, actor="ann")] == ["note.save"]
    assert [r.actor for r in entries(engine, article_id="Q100003")] == ["bob"]


def test_a_snapshot_follows_the_counter_without_reloading_in_between(engine) -> None:
    now = [0.0]
    live = LiveOverlays(engine, check_seconds=1.0, clock=lambda: now[0])
    assert live.current().notes == {}
    edits.save_note(engine, "Q100001", "hello", 0, actor="ann", exists=exists)
    assert live.current().notes == {}           # checked less than a second ago
    now[0] = 1.5
    assert live.current().notes["Q100001"].text == "hello"
    same = live.current()
    now[0] = 3.0
    assert live.current() is same               # the counter did not move: no reload


def test_search_puts_the_pin_first_and_the_replacement_where_the_retired_ranked(
        engine, archive_kb) -> None:
    kb = archive_kb.kb
    before = [hit.id for hit in search(kb, read_query("0x800CCC90")).hits]
    assert before == ["Q100001", "Q100002"]
    edits.add_pin(engine, "0x800ccc90", "Q100002", actor="ed", exists=exists)
    edits.retire(engine, "Q100001", "Q100003", "", actor="ed", exists=exists)
    query = read_query("0x800CCC90")
    shaped = search(kb, query, shaping=load(engine).shaping_for(query))
    assert [hit.id for hit in shaped.hits] == ["Q100002", "Q100003"]
    assert shaped.total == 2
    assert shaped.hits[0].recommended.startswith("Pinned by ed")
    assert shaped.hits[1].recommended == ""
    edits.remove_pin(engine, load(engine).pins[("code", "0x800CCC90")].id, actor="ed")
    edits.unretire(engine, "Q100001", actor="ed")
    restored = search(kb, query, shaping=load(engine).shaping_for(query))
    assert [hit.id for hit in restored.hits] == before


def test_readers_keep_the_last_overlays_while_the_database_is_away(engine, caplog) -> None:
    edits.save_note(engine, "Q100001", "kept", 0, actor="ann", exists=exists)
    now = [0.0]
    live = LiveOverlays(engine, check_seconds=1.0, clock=lambda: now[0])
    assert live.current().notes["Q100001"].text == "kept"
    engine.dispose()
    live.engine = make_engine("postgresql+psycopg://kb:kb@127.0.0.1:1/nowhere")
    now[0] = 5.0
    assert live.current().notes["Q100001"].text == "kept"
    assert "help-desk overlays not refreshed" in caplog.text
    never = LiveOverlays(live.engine)
    assert never.current().notes == {}  # no database yet: no overlays, no error


def test_a_stalled_check_holds_up_no_other_reader(engine) -> None:
    """The database stalls inside a check (as behind the breaker, until its deadline):
    readers meanwhile get the last overlays at once, and a refused check keeps them."""
    edits.save_note(engine, "Q100001", "kept", 0, actor="ann", exists=exists)
    now, entered, release = [0.0], threading.Event(), threading.Event()

    def stalled(read):
        entered.set()
        release.wait(5)
        raise DatabaseUnavailableError("no answer within 1 s")

    live = LiveOverlays(engine, check_seconds=1.0, clock=lambda: now[0])
    assert live.current().notes["Q100001"].text == "kept"
    live.guard, now[0] = stalled, 5.0
    checking = threading.Thread(target=live.current)
    checking.start()
    assert entered.wait(5)
    started = time.monotonic()
    assert live.current().notes["Q100001"].text == "kept"
    assert time.monotonic() - started < 0.5
    release.set()
    checking.join(5)
    assert live.current().notes["Q100001"].text == "kept"


def test_of_eight_saves_over_one_revision_exactly_one_wins(engine) -> None:
    """Saved at once, each over the note it read: one is stored, seven get the 409."""
    start, outcomes = threading.Barrier(8), []

    def save(n: int) -> None:
        start.wait()
        try:
            edits.save_note(engine, "Q100002", f"text {n}", 0, actor=f"e{n}", exists=exists)
            outcomes.append("saved")
        except RefusedError as refused:
            outcomes.append(refused.status)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [409] * 7 + ["saved"]
    assert load(engine).notes["Q100002"].revision == 1
