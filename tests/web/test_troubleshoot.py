"""The wizard's pages and JSON API, on an index of a copy of the project's own kb/,
read as a person reads them (tests/htmltools.py).

kb/ holds the seed Q198704 (with its authored tree) and the help desk's Q900001 and
Q900002, which carry 0x800CCC90 too, so pasting that code needs a question.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask

from tests.conftest import helpdesk_article
from tests.htmltools import Element, Form, parse

OE_DETAILS = (
    "Unable to logon to the server using Distributed Password Authentication. "
    "Account:'Company POP3 Server Accnt.', Server: 'server.company.com', Protocol: POP3, "
    "Server Response: '-ERR The AUTH protocol exchange was canceled by the client.',"
    "Port: 110, Secure(SSL): NO, Server Error: 0x800ccc90, Error Number: {code}"
)


@pytest.fixture
def app(make_kb) -> Flask:
    """The app on a copy of the repository's kb/, with a help desk to hand over to."""
    return make_kb({}, with_repository_kb=True,
                   config={"HELPDESK_CONTACT": "helpdesk@example.com"}).app


def get(client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return parse(response.get_data(as_text=True))


def outcomes(app) -> list[tuple]:
    return rows(app, "SELECT fixed, query, answers, article_id, step FROM outcomes")


def rows(app, sql: str) -> list[tuple]:
    """What the activity database holds (nothing when nothing was ever written)."""
    with sqlite3.connect(app.config["ACTIVITY_DB"]) as db:
        try:
            return db.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []


def test_the_start_page_asks_what_you_see(client):
    page = get(client, "/troubleshoot")
    assert page.find("h1").text == "What do you see?"
    form = page.form("Find the fix")
    assert (form.method, form.action, set(form.fields)) == ("get", "/troubleshoot", {"q"})


def test_a_shared_code_asks_which_other_code_with_counts_and_not_sure(client):
    page = get(client, "/troubleshoot?q=0x800CCC90")
    assert page.find("h1").text == "Does the message also show one of these codes?"
    options = {text: href for text, href in page.links if "code=" in href}
    assert set(options) == {"0x800CCC18", "0x800CCC0F", "0x800CCC92", "Not sure"}
    assert options["0x800CCC18"] == "/troubleshoot?q=0x800CCC90&code=0x800ccc18"
    # The arithmetic is one click away, not in the question.
    assert "Why this question?" in page.text
    assert "“0x800CCC18” keeps 1" in page.text
    assert "At most 5 more questions, then something to try." in page.text


@pytest.mark.parametrize("code, article", [("0x800ccc18", "Q198704"), ("0x800ccc0f", "Q900001"),
                                           ("0x800ccc92", "Q900002")])
def test_each_answer_lands_on_its_article(client, code, article):
    page = get(client, f"/troubleshoot?q=0x800CCC90&code={code}")
    assert f"Fix from {article}" in page.text
    assert page.link(article) == f"/kb/{int(article[1:]) // 1000:03d}/{article}/"
    assert "Why this question?" not in page.text  # no question: straight to the fix


def test_the_seed_articles_tree_walks_both_branches(client, app):
    page = get(client, "/troubleshoot?q=0x800CCC90&code=0x800ccc18")
    assert page.find("h2").text == "Try this"
    assert "log on using Clear Text" in page.text
    assert "Can you log on with Clear Text?" in page.text
    works = get(client, page.form("Yes, Clear Text works").url)
    assert "Change the mailbox alias to the Windows NT account name" in works.text
    fails = get(client, page.form("No, it still fails").url)
    assert "The administrator checks for that custom recipient and removes it" in fails.text
    assert "Did the administrator's change fix it?" in fails.text
    # "Yes" is a small POST form that records once and redirects (reloads record nothing).
    form = fails.form("Yes, it works now")
    assert (form.method, form.fields["outcome"]) == ("post", "fixed")
    response = client.post(form.action, data=form.fields)
    assert response.status_code == 303
    assert "end=fixed" in response.location
    done = get(client, response.location)
    assert done.find("h1").text == "Fixed. Glad it works again."
    get(client, response.location)
    assert outcomes(app) == [(1, "0x800CCC90", "code=0x800ccc18", "Q198704", None)]


def test_nothing_worked_gives_the_help_desk_and_a_summary_to_paste(client, app):
    page = get(client, "/troubleshoot?q=0x800CCC90&code=0x800ccc18&article=Q198704"
                       "&at=custom-recipient")
    form = page.form("No")
    response = client.post(form.action, data=form.fields)
    assert response.status_code == 303
    dead = get(client, response.location)
    assert dead.find("h1").text == "Time to ask a person"
    mail = next(href for text, href in dead.links if text == "Contact helpdesk@example.com")
    assert mail.startswith("mailto:helpdesk@example.com?subject=Help%20needed%3A%200x800CCC90")
    assert "body=Entered%3A%200x800CCC90" in mail
    summary = dead.find("textarea").text
    assert "Entered: 0x800CCC90" in summary
    assert "Other code: 0x800CCC18" in summary
    assert "Tried Q198704" in summary
    assert outcomes(app) == [(0, "0x800CCC90", "code=0x800ccc18", "Q198704", None)]


@pytest.mark.parametrize("code, article", [("0x800ccc18", "Q198704"), ("0x800CCC92", "Q900002")])
def test_a_pasted_dialog_with_two_codes_needs_no_question(client, code, article):
    page = get(client, "/troubleshoot?q=" + OE_DETAILS.format(code=code).replace(" ", "+"))
    assert "Why this question?" not in page.text  # no question: straight to the fix
    assert f"Fix from {article}" in page.text
    assert f"Why {article} is the fix" in page.text
    assert f"It carries the error code {code.upper().replace('0X', '0x')} you entered" in page.text


def test_changing_an_earlier_answer_asks_it_again(client):
    page = get(client, "/troubleshoot?q=0x800CCC90&code=0x800ccc18")
    change = page.link("change")
    assert dict(parse_qsl(urlsplit(change).query)) == {"q": "0x800CCC90", "ask": "code"}
    assert get(client, change).find("h1").text == "Does the message also show one of these codes?"


@pytest.mark.parametrize("query", [
    "q=0x800CCC90&code=%3Cscript%3E", "q=0x800CCC90&code=0xdeadbeef",
    "q=0x800CCC90&article=Q999999", "q=0x800CCC90&article=../../etc&step=-1",
    "q=0x800CCC90&code=0x800ccc18&article=Q198704&at=nowhere",
    "q=0x800CCC90&article=Q900001&step=999",
    "q=0x800CCC90&article=Q900001&section=nowhere",
])
def test_garbled_or_outdated_links_fall_back_with_a_notice(client, query):
    response = client.get(f"/troubleshoot?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    notices = [n for n in parse(html).by_class("notice") if n.attrs.get("role") == "status"]
    assert notices and all(notice.text for notice in notices)
    assert "<script>" not in html


def test_a_long_answer_no_article_has_is_set_aside_and_shown_clipped(client):
    page = get(client, "/troubleshoot?" + urlencode({"q": "0x800CCC90", "code": "a_b" * 300}))
    [notice] = [n.text for n in page.by_class("notice") if n.attrs.get("role") == "status"]
    assert "set aside" in notice and len(notice) < 150
    assert page.find("h1").text == "Does the message also show one of these codes?"  # again


def test_the_api_answers_a_step_with_links_to_the_next(client):
    data = client.get("/api/troubleshoot?q=0x800CCC90").get_json()
    assert data["query"] == "0x800CCC90"
    assert {c["id"] for c in data["candidates"]} == {"Q198704", "Q900001", "Q900002"}
    assert set(data["candidates"][0]) >= {"id", "title", "url", "score"}
    assert data["page"] == "/troubleshoot?q=0x800CCC90"
    options = data["question"]["options"]
    assert options[-1]["label"] == "Not sure"
    assert sorted(options[-1]["articles"]) == ["Q198704", "Q900001", "Q900002"]
    chosen = next(o for o in options if o["articles"] == ["Q198704"])
    assert chosen["next"].startswith("/api/troubleshoot?")
    after = client.get(chosen["next"]).get_json()
    assert after["question"] is None
    assert after["candidates"][0]["id"] == "Q198704"
    assert after["fix"]["node"] == "clear-text"
    assert after["page"] == "/troubleshoot?q=0x800CCC90&code=0x800ccc18"


def test_the_api_reports_garbled_state_as_a_notice_not_an_error(client):
    response = client.get("/api/troubleshoot?q=0x800CCC90&step=x&article=Q1")
    assert response.status_code == 200
    assert response.get_json()["notices"]



@pytest.mark.parametrize("configured, href, text", [
    ("extension 4357 or helpdesk@example.com", "mailto:helpdesk@example.com",
     "extension 4357 or helpdesk@example.com"),
    ("https://help.example.com/new-ticket", "https://help.example.com/new-ticket",
     "https://help.example.com/new-ticket"),
    ("extension 4357", "", "extension 4357"),
    ("", "", ""),
])
def test_the_help_desk_contact_is_a_link_when_it_can_be(app, configured, href, text):
    from app.web.handover import helpdesk_contact

    app.config["HELPDESK_CONTACT"] = configured
    with app.app_context():
        assert helpdesk_contact() == (href, text)


@pytest.mark.parametrize("path, fields", [
    ("/troubleshoot/outcome", {"state": "q=0x800CCC90&article=Q198704", "outcome": "fixed"}),
    ("/troubleshoot/outcome", {"state": "q=x&article=Q9999999", "outcome": "dead-end"}),
    ("/troubleshoot/helpful", {"state": "q=0x800CCC90&article=Q198704&end=fixed",
                               "helpful": "yes"}),
])
def test_a_cross_site_post_without_our_token_stores_nothing(client, app, path, fields):
    response = client.post(path, data=fields)
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert outcomes(app) == []
    assert rows(app, "SELECT * FROM votes") == []


def test_an_outcome_for_an_article_that_does_not_exist_is_refused(client, app):
    page = get(client, "/troubleshoot?q=0x800CCC90&code=0x800ccc18&article=Q198704"
                       "&at=custom-recipient")
    form = page.form("No")
    fields = dict(form.fields, state="q=0x800CCC90&article=Q9999999")
    response = client.post(form.action, data=fields)
    assert response.status_code == 400
    assert "no article Q9999999" in response.get_data(as_text=True)
    assert outcomes(app) == []


def test_outcomes_are_rate_limited_per_client(client, app):
    app.extensions["wizard_rate_limit"].limit = 2
    page = get(client, "/troubleshoot?q=0x800CCC90&code=0x800ccc18&article=Q198704"
                       "&at=custom-recipient")
    form = page.form("No")
    codes = [client.post(form.action, data=form.fields).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert len(outcomes(app)) == 2


def test_every_api_step_carries_the_hand_over(client, app):
    app.config["HELPDESK_CONTACT"] = "helpdesk@example.com"
    for url in ["/api/troubleshoot?q=0x800CCC90",
                "/api/troubleshoot?q=0x800CCC90&code=0x800ccc18",
                "/api/troubleshoot?q=zzzz+qqqq"]:
        data = client.get(url).get_json()
        handover = data["handover"]
        assert handover["contact"] == "helpdesk@example.com"
        assert handover["summary"].startswith("Entered: ")
        assert handover["url"].endswith(data["page"])
    app.config["HELPDESK_CONTACT"] = ""
    assert client.get("/api/troubleshoot?q=0x800CCC90").get_json()["handover"]["contact"] is None


def test_a_step_pointing_to_another_article_links_it_and_offers_its_fix(make_kb):
    world = make_kb({
        "Q900301": helpdesk_article(
            "Q900301", "Windows Mail cannot find the outgoing server", codes=["0x800CCC0E"],
            symptoms="Windows Mail cannot find the SMTP server.",
            resolution=["Open Tools, then Accounts.", "Check the server name."],
            then="If the name is right, see Q900302 for the firewall settings."),
        "Q900302": helpdesk_article(
            "Q900302", "A firewall blocks outgoing mail", symptoms="Mail stays in the Outbox.",
            resolution=["Allow port 25 in the firewall."]),
    })
    page = get(world.client, "/troubleshoot?q=0x800CCC0E&article=Q900301&step=2")
    assert page.link("Q900302") == "/kb/900/Q900302/"
    assert page.link("Try the fix of Q900302, which this step points to") == (
        "/troubleshoot?q=0x800CCC0E&article=Q900302")


@pytest.mark.parametrize("query", ["outlook express logon", "0x800CCC90", "mail server"])
def test_not_sure_and_none_of_these_lead_to_a_person_through_the_pages(client, query):
    """The links and buttons a person follows, read back by the app: "None of these"
    once came back as the same list, its end lost in the link. The walk ends with a
    person: the hand-over page, or a fix's last step handing over ("It still fails")."""
    url = "/troubleshoot?" + urlencode({"q": query})
    headings = []
    for _ in range(10):
        page = get(client, url)
        headings.append(page.find("h1").text)
        hands_over = [f for f in page.find_all("form")
                      if Form.of(f).fields.get("outcome") == "dead-end"]
        if "ask a person" in headings[-1] or hands_over:
            break
        url = next((href for text, href in page.links
                    if text in ("Not sure", "None of these", "No, ask a person")), None) or next(
            (page.form(button.text).url for button in page.find_all("button")
             if button.text.startswith(("No,", "Skip"))), None)
        assert url, headings
    assert "ask a person" in headings[-1] or hands_over, headings
