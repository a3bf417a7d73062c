"""`flask --app app staff`: accounts made, re-passworded and disabled at the shell,
with the password asked for (twice, hidden), never taken from the command line."""

from __future__ import annotations

from app.staff.accounts import list_accounts, verify
from app.staff.audit import entries
from tests.staff_tools import engine_of


def test_add_asks_for_the_password_twice_and_the_account_signs_in(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff", "add", "Ann", "--role", "lead"],
                           input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    assert "added ann (lead)" in result.output
    assert "a long password" not in result.output  # hidden as it is typed
    assert verify(engine_of(app), "ann", "a long password").role == "lead"
    assert entries(engine_of(app))[0].actor == "(command line)"


def test_bad_input_is_a_message_and_exit_code_not_a_traceback(app) -> None:
    runner = app.test_cli_runner()
    short = runner.invoke(args=["staff", "add", "ann", "--role", "agent"], input="short\nshort\n")
    assert short.exit_code == 1 and "10 to 200 characters" in short.output
    role = runner.invoke(args=["staff", "add", "ann", "--role", "boss"])
    assert role.exit_code == 2 and "'boss' is not one of 'agent', 'editor', 'lead'" in role.output
    missing = runner.invoke(args=["staff", "disable", "nobody"])
    assert missing.exit_code == 1 and "There is no staff account 'nobody'" in missing.output
    assert list_accounts(engine_of(app)) == []


def test_passwd_and_disable(app) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["staff", "add", "bob", "--role", "agent"],
                  input="first password\nfirst password\n")
    changed = runner.invoke(args=["staff", "passwd", "bob"],
                            input="second password\nsecond password\n")
    assert changed.exit_code == 0 and "sessions were ended" in changed.output
    assert verify(engine_of(app), "bob", "first password") is None
    assert verify(engine_of(app), "bob", "second password") is not None
    assert runner.invoke(args=["staff", "disable", "bob"]).exit_code == 0
    assert verify(engine_of(app), "bob", "second password") is None
    assert runner.invoke(args=["staff", "list"]).output == "bob\tagent\tdisabled\n"


def test_an_sso_account_has_no_password_to_guess(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff", "add", "carol", "--role", "editor", "--sso"])
    assert result.exit_code == 0
    assert verify(engine_of(app), "carol", "") is None
