"""The staff overview and feedback pages: what they list, escaped, never cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.activity.log import ActivityLog
from tests.htmltools import parse
from tests.staff_tools import signed_in


def rows(table) -> list[list[str]]:
    return [[td.text for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]


@pytest.fixture
def staff(app):
    """A client signed in as an agent: the role that reads every page here."""
    return signed_in(app, "ann", "agent")


@pytest.fixture
def log(app):
    activity = ActivityLog(Path(app.config["ACTIVITY_DB"]))
    yield activity
    activity.close()


def test_overview_lists_missed_searches_and_dead_ends_most_frequent_first(staff, log) -> None:
    for text in ["blue screen 0x7b", "printer offline", "printer offline"]:
        log.record_missed_search(text)
    log.record_outcome(fixed=False, query="vpn drops", answers="windows xp")
    log.record_outcome(fixed=True, query="pop3", article_id="Q100001", step=2)
    log.record_outcome(fixed=True, query="pop3 again", article_id="Q100001", step=2)
    log.record_outcome(fixed=False, query="pop3 still", article_id="Q100001", step=2)
    response = staff.get("/staff/")
    assert response.headers["Cache-Control"] == "no-store"
    doc = parse(response.get_data(as_text=True))
    tables = doc.find_all("table")
    missed = rows(tables[0])
    assert [row[:2] for row in missed] == [["printer offline", "2"], ["blue screen 0x7b", "1"]]
    assert tables[0].find("a").attrs["href"] == "/search?q=printer+offline"
    steps = rows(tables[1])
    assert steps == [["Q100001 XCLN: ErrMsg: 0x800ccc90 with POP3 & Outlook Express", "2", "2",
                      "1", "add a note · retire · draft tree.yaml"]]
    dead = rows(tables[2])
    assert dead == [["pop3 still", "—", "Q100001: add a note · draft tree", "1", "pin an article"],
                    ["vpn drops", "windows xp", "—", "1", "pin an article"]]


def test_a_draft_tree_for_an_article_downloads_with_its_dead_ends(staff, log) -> None:
    log.record_outcome(fixed=False, query="pop3 still asks for the password",
                       article_id="Q100001", step=2)
    response = staff.get("/staff/drafts/Q100001.yaml")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="Q100001.tree.yaml"'
    text = response.get_data(as_text=True)
    assert "# Dead end: pop3 still asks for the password" in text
    assert "start: step-1-" in text
    missing = staff.get("/staff/drafts/Q999999.yaml")
    assert missing.status_code == 404


def test_feedback_counts_by_article_with_titles(staff, log) -> None:
    log.record_vote("Q100001", True)
    log.record_vote("Q100001", False, "Step 2 is missing")
    log.record_vote("Q100003", True)
    doc = parse(staff.get("/staff/feedback").get_data(as_text=True))
    by_article = rows(doc.find_all("table")[0])
    assert by_article[0] == ["Q100001 XCLN: ErrMsg: 0x800ccc90 with POP3 & Outlook Express "
                             "add a note · retire", "1", "1", "1"]
    assert by_article[1][0].startswith("Q100003 Printer Prints Garbage") and by_article[1][1:] == [
        "1", "0", "0"]
    assert "2 yes, 1 no, 1 comments" in doc.find("main").text
    latest = rows(doc.find("table", **{"aria-label": "Latest comments"}))
    assert [row[:3] for row in latest] == [["Q100001", "No", "Step 2 is missing"]]


def test_comments_are_shown_escaped(staff, log) -> None:
    log.record_vote("Q100002", False, "<script>alert('x')</script> did not work")
    response = staff.get("/staff/feedback/q100002")
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; did not work" in html
    assert "1 no" in parse(html).find("main").text
    comments = rows(parse(html).find("table", **{"aria-label": "Comments, newest first"}))
    assert [row[:2] for row in comments] == [["No", "<script>alert('x')</script> did not work"]]


def test_feedback_of_a_bad_id_is_a_404(staff) -> None:
    response = staff.get("/staff/feedback/nonsense")
    assert response.status_code == 404
