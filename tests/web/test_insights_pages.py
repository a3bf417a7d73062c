"""The insights as a person makes them and a lead reads them: walks recorded without
a click, searches and results followed, the dashboard's tables, charts and CSV."""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask

from tests.htmltools import Element, parse
from tests.staff_tools import signed_in


@pytest.fixture
def app(make_kb) -> Flask:
    return make_kb({}, with_repository_kb=True,
                   config={"HELPDESK_CONTACT": "helpdesk@example.com"}).app


def get(client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return parse(response.get_data(as_text=True))


def stored(app: Flask, sql: str) -> list[tuple]:
    """Rows as written, once the background writer has written what the visits queued."""
    assert app.extensions["activity_background"].wait_idle(10)
    with sqlite3.connect(app.config["ACTIVITY_DB"]) as db:
        return db.execute(sql).fetchall()


def events(app: Flask) -> list[tuple]:
    return stored(app, "SELECT kind, query, article_id, screen FROM insight_events ORDER BY id")


def walk_of(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query)).get("walk", "")


def table(doc: Element, name: str) -> list[list[str]]:
    found = doc.find("table", **{"data-table": name})
    return [[cell.text.strip() for cell in tr.find_all("td")]
            for tr in found.find("tbody").find_all("tr")]


def test_a_walk_to_a_fix_is_recorded_and_the_send_someone_vote_is_no_article_vote(
        client, app) -> None:
    page = get(client, "/troubleshoot?q=printer+prints+garbage")
    form = page.form("Yes, it works now")
    walk = form.fields["walk"]
    assert len(walk) == 16
    response = client.post(form.action, data=form.fields)
    assert response.status_code == 303 and walk_of(response.location) == walk
    done = get(client, response.location)
    vote = done.form("Yes")
    assert client.post(vote.action, data=vote.fields).status_code == 303
    assert events(app) == [
        ("walk_screen", "printer prints garbage", "Q900005", "Step 1 of 1 of Q900005"),
        ("walk_fixed", "printer prints garbage", "Q900005", "Fixed by Q900005 at step 1"),
        ("recommend", "printer prints garbage", "Q900005", "")]
    assert stored(app, "SELECT count(*) FROM votes") == [(0,)]   # not feedback on Q900005


def test_none_of_these_hands_over_without_a_click_and_says_what_was_rejected(
        client, app) -> None:
    question = get(client, "/troubleshoot?q=mail+problem")
    fits = get(client, question.link("Outlook Express"))
    # The likeliest fix first, the others beside it, and "None of these" under them.
    assert fits.find("h1").text.startswith("Outlook Express: 0x800CCC90")
    none = fits.link("None of these")
    handed = get(client, none)
    assert handed.find("h1").text == "No article fits this: ask a person"
    assert "Record this dead end" not in handed.text
    summary = handed.find("textarea").text
    assert "Program: Outlook Express" in summary
    assert "Seen and rejected (none of these fit): Q900001" in summary and "Q198704" in summary
    get(client, none)   # a reload records the end once
    ends = [e for e in events(app) if e[0] == "walk_handover"]
    assert ends == [("walk_handover", "mail problem", None,
                     "none of the articles that might fit")]
    assert stored(app, "SELECT detail FROM insight_events WHERE kind = 'walk_handover'") == [
        ("Seen, not theirs: Q900001, Q198704",)]
    # The staff overview's dead ends: once, in words, not as URL values.
    assert stored(app, "SELECT fixed, query, answers FROM outcomes") == [
        (0, "mail problem", "Program: Outlook Express")]


def test_no_ask_a_person_on_the_last_step_is_a_page_and_is_recorded(client, app) -> None:
    page = get(client, "/troubleshoot?q=printer+prints+garbage")
    handed = get(client, page.form("No, ask a person").url)
    assert handed.find("h1").text == "Time to ask a person"
    assert [e for e in events(app) if e[0] == "walk_handover"] == [
        ("walk_handover", "printer prints garbage", "Q900005", "after Q900005 step 1")]
    summary = handed.find("textarea").text
    assert "not fixed" not in summary   # a skipped administrator step is not "not fixed"


def test_an_api_walk_and_a_sent_link_record_no_walk(client, app) -> None:
    client.get("/api/troubleshoot?q=printer+prints+garbage&article=Q900005&end=no-match")
    # The hand-over's "This step" link, opened by the help desk: not another hand-over.
    handed = get(client, "/troubleshoot?q=printer+prints+garbage&article=Q900005&end=no-match")
    assert handed.find("h1").text == "Time to ask a person"
    assert events(app) == []
    assert stored(app, "SELECT count(*) FROM outcomes") == [(0,)]


def test_searches_their_clicks_and_votes_are_recorded_with_nothing_about_the_person(
        client, app) -> None:
    results = get(client, "/search?q=printer+prints+garbage")
    article_url = results.find("ol", **{"class": "results"}).find("a").attrs["href"]
    assert "q=printer+prints+garbage" in article_url
    article = get(client, article_url)
    vote = article.form("Yes")
    assert vote.fields["q"] == "printer prints garbage"
    assert client.post(vote.action, data=vote.fields).status_code == 303
    get(client, "/search?q=zzqx+frobnicate")
    api = client.get("/api/search?q=printer").get_json()
    assert api["results"][0]["follow"].endswith("?q=printer")
    assert [(kind, query, article) for kind, query, article, _ in events(app)] == [
        ("search", "printer prints garbage", None), ("click", "printer prints garbage", "Q900005"),
        ("helpful", "printer prints garbage", "Q900005"), ("search_miss", "zzqx frobnicate", None),
        ("search", "printer", None)]
    columns = [row[1] for row in stored(app, "PRAGMA table_info(insight_events)")]
    assert not {"ip", "address", "cookie", "user_agent", "account"} & set(columns)


def visit_a_little(client) -> None:
    """Three spellings of one code that find nothing, a fixed walk, a hand-over."""
    for text in ("0x800ccc0e+zzqx", "0x800CCC0E+zzqx", "error+0x800ccc0e+outlook+zzqx"):
        client.get(f"/search?q={text}")
    page = get(client, "/troubleshoot?q=printer+prints+garbage")
    form = page.form("Yes, it works now")
    client.get(client.post(form.action, data=form.fields).location)
    question = get(client, "/troubleshoot?q=mail+problem")
    get(client, get(client, question.link("Outlook Express")).link("None of these"))


def test_the_lead_reads_walks_gaps_and_deflection_with_charts(client, app) -> None:
    visit_a_little(client)
    lead = signed_in(app, "lena", "lead")
    response = lead.get("/staff/insights/")
    assert response.headers["Cache-Control"] == "no-store"
    doc = parse(response.get_data(as_text=True))
    walks = table(doc, "walks")
    assert [(w[1], w[2], w[3], w[5]) for w in walks] == [
        ("mail problem", "Program: Outlook Express", "Handed over",
         "Seen, not theirs: Q900001, Q198704"),
        ("printer prints garbage", "—", "Fixed", "—")]
    # Where it ended, with the title of the article it names (and none it does not).
    assert [" ".join(w[4].split()) for w in walks] == [
        "none of the articles that might fit",
        "Fixed by Q900005 at step 1 (Printer prints pages of garbage characters)"]
    gaps = {row.find("th").text.strip(): row for row in
            doc.find("table", **{"data-table": "gaps"}).find("tbody").find_all("tr")}
    code = gaps["0x800CCC0E"]
    assert code.find("td", **{"data-hits": ""}).text == "3"
    assert "2 found nothing; 1 opened no result" in code.text
    assert "error 0x800ccc0e outlook zzqx" in code.text
    write = urlsplit(code.find("a", **{"data-write-link": ""}).attrs["href"])
    assert write.path == "/staff/articles/new"   # the authoring pages' new article
    prefill = dict(parse_qsl(write.query))
    assert prefill["codes"] == "0x800CCC0E" and prefill["title"] == prefill["q"]
    assert prefill["q"] in ("0x800ccc0e zzqx", "0x800CCC0E zzqx", "error 0x800ccc0e outlook zzqx")
    assert code.find("a", **{"data-pin-link": ""}).attrs["href"] == "/staff/pins?for=0x800CCC0E"
    fixed = doc.find("svg", **{"data-measure": "fixed"})
    assert fixed.attrs["data-total"] == "1"
    assert sum(int(r.attrs["data-value"]) for r in fixed.find_all("rect")) == 1
    assert doc.find("svg", **{"data-measure": "handed_over"}).attrs["data-total"] == "1"
    assert doc.find("p", **{"data-share": "50"})
    assert table(doc, "articles") == [["Q900005 Printer prints pages of garbage characters", "1"]]


def test_every_table_exports_as_csv_and_bad_requests_get_a_4xx(client, app) -> None:
    visit_a_little(client)
    lead = signed_in(app, "lena", "lead")
    gaps = list(csv.reader(io.StringIO(lead.get("/staff/insights/gaps.csv").get_data(
        as_text=True))))
    assert gaps[0][:4] == ["gap", "hits", "this_week", "last_week"]
    assert gaps[1] == ["0x800CCC0E", "3", "3", "0", "2", "1", "0", "0",
                       "error 0x800ccc0e outlook zzqx | 0x800CCC0E zzqx | 0x800ccc0e zzqx",
                       "Q198704 Q900001", "", ""]
    for name in ("days", "weeks", "codes", "articles", "walks"):
        response = lead.get(f"/staff/insights/{name}.csv?days=7")
        assert response.status_code == 200 and response.mimetype == "text/csv", name
    days = list(csv.reader(io.StringIO(lead.get("/staff/insights/days.csv?days=7").get_data(
        as_text=True))))
    assert len(days) == 8 and sum(int(row[1]) for row in days[1:]) == 1
    assert lead.get("/staff/insights/?days=0").status_code == 400
    assert lead.get("/staff/insights/?days=lots").status_code == 400
    assert lead.get("/staff/insights/passwords.csv").status_code == 404
    assert lead.get("/staff/insights/walks?end=sideways").status_code == 400
    agent = signed_in(app, "ann", "agent")
    assert agent.get("/staff/insights/").status_code == 403
    assert client.get("/staff/insights/gaps.csv").status_code == 302   # sign in first


def test_dismissing_a_gap_is_audited_and_hides_it(client, app) -> None:
    visit_a_little(client)
    lead = signed_in(app, "lena", "lead")
    doc = get(lead, "/staff/insights/")
    form = doc.form("Dismiss 0x800CCC0E")
    response = lead.post(form.action, data=form.fields)
    assert response.status_code == 303
    after = get(lead, response.location)
    assert "0x800CCC0E" not in [r.find("th").text.strip() for r in after.find(
        "table", **{"data-table": "gaps"}).find("tbody").find_all("tr")]
    audit = get(lead, "/staff/audit")
    assert "dismiss gap" in audit.text and "0x800CCC0E" in audit.text
    no_token = {k: v for k, v in form.fields.items() if k != "token"}
    assert lead.post(form.action, data=no_token).status_code == 400


def test_a_search_answers_without_waiting_for_its_event_to_be_written(client, app) -> None:
    get(client, "/search?q=printer")                       # the schema is made
    assert events(app) == [("search", "printer", None, "")]
    locked = sqlite3.connect(app.config["ACTIVITY_DB"], isolation_level=None)
    locked.execute("BEGIN EXCLUSIVE")                      # no writer gets in meanwhile
    try:
        started = time.monotonic()
        get(client, "/search?q=printer+prints+garbage")
        assert time.monotonic() - started < 0.5
    finally:
        locked.execute("ROLLBACK")
        locked.close()
    assert events(app)[-1] == ("search", "printer prints garbage", None, "")
