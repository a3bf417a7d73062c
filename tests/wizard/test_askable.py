"""What the questions may ask about (app/wizard/askable.py): never what the paste
already says, and versions only under the program named."""

from __future__ import annotations

from app.articles.facts import Value
from app.query.typed import read_query
from app.wizard.askable import askable_facts, facts_of_program
from app.wizard.engine import next_screen
from app.wizard.state import State
from tests.conftest import archive_article
from tests.worlds import facts_with


def test_the_code_and_the_message_pasted_are_not_asked_a_fuller_message_is():
    found = facts_with("Q1", "message", "Cannot open volume for direct access")
    found.values["message"]["fuller"] = Value(
        "Cannot open volume for direct access. The disk is in use.", "its symptoms")
    found.values["code"]["0x80070005"] = Value("0x80070005", "its error codes")
    found.values["code"]["0x80004005"] = Value("0x80004005", "its error codes")
    asked = askable_facts({"Q1": found}, read_query(
        "0x80070005 Cannot open volume for direct access"))["Q1"]
    assert [v.label for v in asked.values["message"].values()] == [
        "Cannot open volume for direct access. The disk is in use."]
    assert list(asked.values["code"]) == ["0x80004005"]


def test_versions_are_asked_only_under_the_program_named():
    found = facts_with("Q1")
    found.values["version"].update({"excel-97": Value("Excel 97", "its applies-to box"),
                                    "word-97": Value("Word 97", "its applies-to box")})
    assert list(facts_of_program({"Q1": found}, "excel")["Q1"].values["version"]) == [
        "excel-97"]
    assert facts_of_program({"Q1": found}, None)["Q1"].values["version"] == {}


def test_the_message_the_person_pasted_is_not_offered_back_to_them(make_kb):
    volume = "Cannot open volume for direct access"
    quoting = {f"Q20011{n}": archive_article(200110 + n, title, f"""\
        SYMPTOMS
        ========

        When you run {tool}, you receive the following error message:

          {volume}
        """) for n, title, tool in ((1, "Chkdsk Reports an Error on a Mirror", "Chkdsk"),
                                    (2, "Defrag Stops on a Stripe Set", "Defrag"))}
    quoting["Q200113"] = archive_article(200113, "Setup Cannot Open a Volume for Direct Access",
                                         """\
        SYMPTOMS
        ========

        When you run Setup on a volume, you receive the following error message:

          Setup cannot open the volume. The disk is write-protected.
        """)
    source = make_kb(quoting).source()
    for state in (State(volume), State(volume, ask="message")):
        asked = next_screen(source, state).question
        assert asked is None or volume not in [o.label for o in asked.options]
