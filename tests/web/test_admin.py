"""Staff pages: behind the configured password, off without one, never cached."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from app import create_app
from app.activity.log import ActivityLog
from tests.htmltools import parse

PASSWORD = "correct horse"


def basic(password: str, user: str = "staff") -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def rows(table) -> list[list[str]]:
    return [[td.text for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]


@pytest.fixture
def staff_app(tmp_path, kb_dir, index_dir):
    return create_app({
        "TESTING": True, "SECRET_KEY": "t", "KB_DIR": str(kb_dir), "INDEX_DIR": str(index_dir),
        "ACTIVITY_DB": str(tmp_path / "activity.sqlite"), "ADMIN_PASSWORD": PASSWORD,
    })


@pytest.fixture
def log(staff_app):
    activity = ActivityLog(Path(staff_app.config["ACTIVITY_DB"]))
    yield activity
    activity.close()


@pytest.mark.parametrize("path", ["/admin/", "/admin/feedback", "/admin/feedback/Q100001"])
def test_without_a_password_configured_staff_pages_are_off(client, path: str) -> None:
    response = client.get(path, headers=basic(""))
    assert response.status_code == 403
    assert "ADMIN_PASSWORD" in parse(response.get_data(as_text=True)).by_class("message")[0].text


@pytest.mark.parametrize("headers", [{}, basic("wrong"), {"Authorization": "Bearer x"}])
def test_without_the_password_it_asks_for_it(staff_app, headers) -> None:
    response = staff_app.test_client().get("/admin/", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert "Searches that found nothing" not in response.get_data(as_text=True)


def test_wrong_passwords_are_rate_limited(staff_app) -> None:
    client = staff_app.test_client()
    statuses = [client.get("/admin/", headers=basic(f"guess{n}")).status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]


def test_overview_lists_missed_searches_and_dead_ends_most_frequent_first(staff_app,
                                                                          log) -> None:
    for text in ["blue screen 0x7b", "printer offline", "printer offline"]:
        log.record_missed_search(text)
    log.record_outcome(fixed=False, query="vpn drops", answers="windows xp")
    log.record_outcome(fixed=True, query="pop3", article_id="Q100001", step=2)
    log.record_outcome(fixed=True, query="pop3 again", article_id="Q100001", step=2)
    log.record_outcome(fixed=False, query="pop3 still", article_id="Q100001", step=2)
    response = staff_app.test_client().get("/admin/", headers=basic(PASSWORD))
    assert response.headers["Cache-Control"] == "no-store"
    doc = parse(response.get_data(as_text=True))
    tables = doc.find_all("table")
    missed = rows(tables[0])
    assert [row[:2] for row in missed] == [["printer offline", "2"], ["blue screen 0x7b", "1"]]
    assert tables[0].find("a").attrs["href"] == "/search?q=printer+offline"
    steps = rows(tables[1])
    assert steps == [["Q100001 XCLN: ErrMsg: 0x800ccc90 with POP3 & Outlook Express", "2", "2",
                      "1", "draft tree.yaml"]]
    dead = rows(tables[2])
    assert dead == [["pop3 still", "—", "draft tree for Q100001", "1"],
                    ["vpn drops", "windows xp", "—", "1"]]


def test_a_draft_tree_for_an_article_downloads_with_its_dead_ends(staff_app, log) -> None:
    log.record_outcome(fixed=False, query="pop3 still asks for the password",
                       article_id="Q100001", step=2)
    response = staff_app.test_client().get("/admin/drafts/Q100001.yaml",
                                           headers=basic(PASSWORD))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="Q100001.tree.yaml"'
    text = response.get_data(as_text=True)
    assert "# Dead end: pop3 still asks for the password" in text
    assert "start: step-1-" in text
    missing = staff_app.test_client().get("/admin/drafts/Q999999.yaml", headers=basic(PASSWORD))
    assert missing.status_code == 404


def test_feedback_counts_by_article_with_titles(staff_app, log) -> None:
    log.record_vote("Q100001", True)
    log.record_vote("Q100001", False, "Step 2 is missing")
    log.record_vote("Q100003", True)
    doc = parse(staff_app.test_client().get("/admin/feedback",
                                            headers=basic(PASSWORD)).get_data(as_text=True))
    by_article = rows(doc.find_all("table")[0])
    assert by_article[0] == ["Q100001 XCLN: ErrMsg: 0x800ccc90 with POP3 & Outlook Express",
                       "1", "1", "1"]
    assert by_article[1][0].startswith("Q100003 Printer Prints Garbage") and by_article[1][1:] == [
        "1", "0", "0"]
    assert "2 yes, 1 no, 1 comments" in doc.find("main").text


def test_comments_are_shown_escaped(staff_app, log) -> None:
    log.record_vote("Q100002", False, "<script>alert('x')</script> did not work")
    response = staff_app.test_client().get("/admin/feedback/q100002", headers=basic(PASSWORD))
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; did not work" in html
    assert "1 no" in parse(html).find("main").text


def test_feedback_of_a_bad_id_is_a_404(staff_app) -> None:
    response = staff_app.test_client().get("/admin/feedback/nonsense", headers=basic(PASSWORD))
    assert response.status_code == 404
