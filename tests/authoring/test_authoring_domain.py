"""The help desk's own articles without Flask: the file text the editor writes, the
findings shown beside it, versions with their conflicts, history, diff, revert and
delete, the export and import of a folder, and the bounded read of untrusted text."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app import PROJECT_ROOT
from app.activity.database import database_url, make_engine
from app.articles.loader import ArticleError
from app.authoring import versions
from app.authoring.diffs import diff_lines
from app.authoring.editing import publish_fields, read_fields
from app.authoring.files import export_folder, import_folder
from app.authoring.sandbox import read_bounded
from app.authoring.source import compose, decompose, read_article
from app.staff.audit import RefusedError, entries
from tests.activity_db import BACKENDS
from tests.authoring.world import BODY, TREE, backend_url, fields


def nothing(identifier: str) -> bool:
    return False


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path: Path) -> Engine:
    """The authoring tables on SQLite, and on PostgreSQL when TEST_DATABASE_URL names one."""
    made = make_engine(backend_url(request.param, tmp_path))
    yield made
    made.dispose()


def test_the_form_becomes_the_file_format_and_back_as_typed() -> None:
    typed = fields(body=BODY.strip(),
                   messages=["The shadow copy provider had an error: 0x80042108"],
                   extra={"keywords": ["vss"], "last_modified": "2026-12-07"})
    text = compose(typed)
    assert text.startswith('---\nid: Q900101\ntitle: "Backup fails: error 0x80042108 '
                           '\\"VSS\\""\n')
    back = decompose(text)
    assert back == typed
    article = read_article(text)
    assert article.title == 'Backup fails: error 0x80042108 "VSS"'
    assert article.keywords == ["vss"] and article.codes[0] == "0x80042108"
    assert [section.title for section in article.sections] == ["Symptoms", "Resolution"]


def test_findings_are_what_check_would_say() -> None:
    bare = fields(body="## Cause\n\nSee [the other one](/kb/900/Q900999/).", codes=["0xZZ"])
    kinds = [found.kind for found in read_fields(
        bare, "", exists=nothing, held_elsewhere=lambda identifier: True).findings]
    assert kinds == ["symptoms", "steps", "code", "duplicate", "link"]
    good = read_fields(fields(), TREE, exists=nothing, held_elsewhere=nothing)
    assert good.findings == [] and good.problems == []
    broken = read_fields(fields(), TREE.replace("next: again", "next: nowhere"),
                         exists=nothing, held_elsewhere=nothing)
    assert [found.message for found in broken.findings] == [
        "Q900101.tree.yaml: node 'service': answer 'Yes' goes to unknown node 'nowhere'",
        "Q900101.tree.yaml: node 'again' cannot be reached from the start 'service'"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"id": "Q12"}, "is not an article id"),
    ({"title": " "}, "needs a title"),
    ({"body": "x" * 60_001}, "at most 60,000 characters"),
    ({"body": "[" * 100 + "deep" + "]" * 100}, "nested too deeply"),
])
def test_what_cannot_be_an_article_is_refused_before_anything_is_stored(
        engine, changes, message) -> None:
    with pytest.raises(RefusedError) as refused:
        publish_fields(engine, fields(**changes), "", base=0, author="ed", summary="",
                       exists=nothing, held_elsewhere=nothing)
    assert refused.value.status == 400 and message in refused.value.message
    assert versions.counter(engine) == 0


def test_every_publish_is_a_version_and_a_stale_save_is_refused_with_both(engine) -> None:
    first, _ = publish_fields(engine, fields(), "", base=0, author="ann", summary="First",
                              exists=nothing, held_elsewhere=nothing)
    second, _ = publish_fields(engine, fields(body=BODY + "\nCall us.\n"), TREE, base=1,
                               author="bob", summary="Call us", exists=nothing,
                               held_elsewhere=nothing)
    with pytest.raises(RefusedError) as refused:   # ann still edits version 1
        publish_fields(engine, fields(title="Mine"), "", base=1, author="ann", summary="",
                       exists=nothing, held_elsewhere=nothing)
    assert refused.value.status == 409 and "bob published Q900101" in refused.value.message
    assert refused.value.details["theirs"].source == second.source
    assert 'title: "Mine"' in refused.value.details["mine"]
    assert [(v.number, v.author, v.summary) for v in versions.history(engine, "Q900101")] == [
        (2, "bob", "Call us"), (1, "ann", "First")]
    assert versions.published(engine)[0].tree == TREE
    assert first.id < second.id == versions.counter(engine)
    assert [e.action for e in entries(engine, article_id="Q900101")] == [
        "authored.publish", "authored.publish"]


def test_of_eight_publishes_over_one_version_exactly_one_wins(engine) -> None:
    versions.publish(engine, "Q900101", compose(fields()), "", base=0, author="a",
                     summary="", title="t")
    outcomes: list[object] = []

    def save(n: int) -> None:
        try:
            outcomes.append(versions.publish(engine, "Q900101", compose(fields(title=f"{n}")),
                                             "", base=1, author=f"e{n}", summary="",
                                             title=f"{n}"))
        except RefusedError as refused:
            outcomes.append(refused.status)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)).count("409") == 7
    assert [v.number for v in versions.history(engine, "Q900101")] == [2, 1]


def test_revert_and_delete_are_versions_and_a_delete_can_be_undone(engine) -> None:
    one = versions.publish(engine, "Q900101", compose(fields()), "", base=0, author="a",
                           summary="", title="t")
    versions.publish(engine, "Q900101", compose(fields(title="Two")), TREE, base=1,
                     author="a", summary="", title="Two")
    back = versions.revert(engine, "Q900101", 1, base=2, author="b")
    assert (back.number, back.action, back.summary) == (3, "revert", "Back to version 1")
    assert versions.published(engine)[0].source == one.source
    gone = versions.remove(engine, "Q900101", base=3, author="b", summary="Wrong")
    assert gone.deleted and versions.published(engine) == []
    with pytest.raises(RefusedError) as refused:
        versions.remove(engine, "Q900101", base=4, author="b")
    assert refused.value.status == 404
    versions.revert(engine, "Q900101", 2, base=4, author="c")
    assert versions.published(engine)[0].tree == TREE


def test_a_draft_is_kept_apart_until_published(engine) -> None:
    versions.save_draft(engine, "Q900101", compose(fields()), "", base=0, author="ann")
    assert versions.published(engine) == [] and versions.counter(engine) == 0
    assert versions.draft_of(engine, "Q900101", "bob") is None
    assert [item.draft for item in versions.listing(engine, "ann")] == [True]
    versions.publish(engine, "Q900101", compose(fields()), "", base=0, author="ann",
                     summary="", title="t")
    assert versions.draft_of(engine, "Q900101", "ann") is None


def test_the_diff_marks_what_was_added_and_removed() -> None:
    lines = diff_lines("a\nb\nc\n", "a\nB\nc\nd\n", "version 1", "version 2")
    assert [(line.kind, line.text) for line in lines if line.kind != "hunk"] == [
        ("same", "a"), ("remove", "b"), ("add", "B"), ("same", "c"), ("add", "d")]
    assert diff_lines("same\n", "same\n", "1", "2") == []


VARIED = [
    "| Code | Meaning |\n| ---- | ------- |\n| 0x80042108 | VSS busy |\n",
    "```\nvssadmin list writers  \n```\n",
    "Ünïcödé — «quoted» and a tab\there.\n",
    "See [the first one](/kb/900/Q900101/).\n\n- a\n  - nested\n    - deeper\n",
    "Trailing spaces   \nand a hard break.\n",
]


def test_export_then_import_into_an_empty_database_gives_the_same_articles(
        engine, tmp_path: Path) -> None:
    versions.publish(engine, "Q900101", compose(fields()), TREE, base=0, author="a",
                     summary="", title="t")
    for n in range(40):   # many, each with one of the varied bodies
        identifier = f"Q{900102 + n}"
        body = BODY + "\n## More information\n\n" + VARIED[n % len(VARIED)]
        versions.publish(engine, identifier, compose(fields(id=identifier, body=body,
                                                            title=f"Article {n} ✓")),
                         "", base=0, author="a", summary="", title="t")
    assert export_folder(engine, tmp_path / "out") == 41
    assert sorted(p.name for p in (tmp_path / "out").iterdir())[:4] == [
        "Q900101.md", "Q900101.tree.yaml", "Q900102.md", "Q900103.md"]
    other = make_engine(database_url("", tmp_path / "other.sqlite"))
    report = import_folder(other, tmp_path / "out", author="import")
    assert len(report.published) == 41 and report.refused == []
    assert [(v.article_id, v.source, v.tree) for v in versions.published(other)] == [
        (v.article_id, v.source, v.tree) for v in versions.published(engine)]
    assert [[section.html for section in read_article(v.source).sections]
            for v in versions.published(other)] == [
        [section.html for section in read_article(v.source).sections]
        for v in versions.published(engine)]
    assert import_folder(other, tmp_path / "out", author="import").unchanged == [
        f"Q{900101 + n}" for n in range(41)]
    other.dispose()


def test_import_refuses_archive_files_and_unreadable_ones_by_name(engine, tmp_path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text("---\ntitle: x\n---\n{% raw %}\n")
    (tmp_path / "in" / "b.md").write_text("no front matter")
    report = import_folder(engine, tmp_path / "in", author="import")
    assert [label for label, _ in report.refused] == ["a.md", "b.md"]
    assert "archive article" in report.refused[0][1]
    assert versions.counter(engine) == 0


def test_a_read_from_a_server_thread_is_bounded_in_a_helper_process() -> None:
    results: list[object] = []

    def work() -> None:
        results.append(read_bounded(compose(fields())).title)
        try:
            read_bounded(compose(fields(body="- a\n" + " " * 300 + "- deep\n")))
        except ArticleError as error:
            results.append(str(error))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert results == ['Backup fails: error 0x80042108 "VSS"',
                       "nested too deeply (list items indented past 256 columns)"]


HELPER_OWNER = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from app.authoring.sandbox import helper_pool
if __name__ == "__main__":
    print(helper_pool().submit(os.getpid).result(), flush=True)
    time.sleep(60)
"""


def test_a_helper_ends_when_its_server_process_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "owner.py"
    script.write_text(HELPER_OWNER)
    owner = subprocess.Popen([sys.executable, str(script), str(PROJECT_ROOT)],
                             stdout=subprocess.PIPE, text=True)
    helper = int(owner.stdout.readline())
    owner.kill()   # SIGKILL: no atexit, no pool shutdown
    owner.wait()
    owner.stdout.close()
    deadline = time.monotonic() + 5
    while Path(f"/proc/{helper}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{helper}").exists()
