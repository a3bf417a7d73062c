"""The staff pages through Flask's test client: signing in and out, the overview's
actions, notes, retirement, review dates, pins and the audit log, and what readers
then see on the article page, in search, the API and the wizard."""

from __future__ import annotations

import pytest

from app.activity.log import ActivityLog
from tests.htmltools import parse
from tests.staff_tools import PASSWORD, add, engine_of, sign_in, signed_in, stored, token_on


def html_of(response) -> str:
    return response.get_data(as_text=True)


def test_a_staff_page_sends_a_stranger_to_sign_in_and_back(app) -> None:
    add(app, "ann", "agent")
    client = app.test_client()
    response = client.get("/staff/feedback")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/sign-in?next=/staff/feedback?"
    token = token_on(client, "/staff/sign-in?next=/staff/feedback")
    signed = client.post("/staff/sign-in", data={"token": token, "name": "Ann",
                                                 "password": PASSWORD,
                                                 "next": "/staff/feedback"})
    assert signed.status_code == 303 and signed.headers["Location"] == "/staff/feedback"
    page = parse(html_of(client.get("/staff/feedback")))
    assert page.find("strong", data_staff_name="").text == "ann"


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(app) -> None:
    add(app, "ann", "agent")
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        client = app.test_client()
        token = parse(html_of(client.get("/staff/sign-in", base_url=base))).find(
            "input", name="token").attrs["value"]
        response = client.post("/staff/sign-in", base_url=base, data={
            "token": token, "name": "ann", "password": PASSWORD})
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("kb_staff=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_sign_in_goes_nowhere_but_a_staff_page(app) -> None:
    add(app, "ann", "agent")
    client = app.test_client()
    token = token_on(client, "/staff/sign-in")
    response = client.post("/staff/sign-in", data={
        "token": token, "name": "ann", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/staff/"


def test_a_wrong_password_says_so_and_signs_nobody_in(app) -> None:
    add(app, "ann", "agent")
    client = app.test_client()
    response = sign_in(client, "ann", "not the password")
    assert response.status_code == 401
    assert parse(html_of(response)).find("p", data_problem="").text == "Wrong name or password."
    assert client.get("/staff/").status_code == 302


def test_the_overview_offers_to_pin_for_each_missed_search_and_dead_end(app) -> None:
    log = ActivityLog(engine_of(app))
    log.record_missed_search("vpn drops every hour")
    log.record_outcome(fixed=False, query="pop3 keeps asking", article_id="Q100001", step=2)
    client = signed_in(app, "ann", "agent")
    doc = parse(html_of(client.get("/staff/")))
    pins = [a.attrs["href"] for a in doc.find_all("a", data_pin_link="")]
    assert pins == ["/staff/pins?for=vpn+drops+every+hour", "/staff/pins?for=pop3+keeps+asking"]
    assert "/staff/articles/Q100001#note" in [href for _, href in doc.links]


def test_the_pin_picker_searches_and_pins_the_chosen_article(app, client) -> None:
    editor = signed_in(app, "ed", "editor")
    doc = parse(html_of(editor.get("/staff/pins?for=0x800CCC90&find=printer+garbage")))
    form = doc.form("Pin Q100003")
    assert form.fields["for"] == "0x800CCC90" and form.fields["article"] == "Q100003"
    response = editor.post(form.action, data=form.fields)
    assert response.status_code == 303
    results = parse(html_of(client.get("/search?q=800ccc90")))
    first = results.find("li", class_="result")
    mark = first.find("p", class_="recommended")
    assert mark.text == "Recommended by your help desk"
    assert mark.attrs["title"].startswith("Pinned by ed on ")
    assert first.find("h2").text == "Printer Prints Garbage Characters"
    api = client.get("/api/search?q=0x800ccc90").get_json()
    assert [r["id"] for r in api["results"]] == ["Q100003", "Q100001", "Q100002"]
    assert api["results"][0]["recommended"].startswith("Pinned by ed")
    assert api["results"][1]["recommended"] is None
    codes = client.get("/api/codes/800CCC90").get_json()
    assert codes["articles"][0]["id"] == "Q100003" and codes["total"] == 3
    wizard = parse(html_of(client.get("/troubleshoot?q=0x800CCC90")))
    assert wizard.find("h1", id="fix-title").text == "Printer Prints Garbage Characters"
    assert "Recommended by your help desk for “0x800CCC90” (Pinned by ed on" in wizard.find(
        "main").text


def test_unpinning_restores_the_archives_order(app, client) -> None:
    before = [r["id"] for r in client.get("/api/search?q=0x800ccc90").get_json()["results"]]
    editor = signed_in(app, "ed", "editor")
    token = token_on(editor, "/staff/pins")
    editor.post("/staff/pins", data={"token": token, "for": "800ccc90", "article": "Q100002"})
    assert client.get("/api/search?q=0x800ccc90").get_json()["results"][0]["id"] == "Q100002"
    form = parse(html_of(editor.get("/staff/pins"))).form("Unpin")
    assert editor.post(form.action, data=form.fields).status_code == 303
    assert [r["id"] for r in client.get("/api/search?q=0x800ccc90").get_json()["results"]] == (
        before)


def test_a_note_shows_on_the_article_in_the_api_and_in_the_wizards_fix(app, client) -> None:
    agent = signed_in(app, "ann", "agent")
    form = parse(html_of(agent.get("/staff/articles/Q100001"))).form("Save the note")
    form.fields["text"] = "Our mail server is **mail.example.com**; call extension 4357."
    response = agent.post(form.action, data=form.fields)
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/articles/Q100001?saved=1#note"
    page = parse(html_of(client.get("/kb/100/Q100001/")))
    note = page.find("aside", data_helpdesk_note="")
    assert note.find("strong").text == "mail.example.com"
    assert "ann" in note.find("p", class_="hint").text
    api = client.get("/api/articles/Q100001").get_json()
    assert api["note"]["text"].startswith("Our mail server is **mail.example.com**")
    assert api["note"]["author"] == "ann" and api["note"]["date"].endswith("Z")
    assert api["retired"] is None
    wizard = parse(html_of(client.get("/troubleshoot?q=0x800CCC90&article=Q100001")))
    assert "extension 4357" in wizard.find("aside", data_helpdesk_note="").text
    assert client.get("/api/articles/Q100002").get_json()["note"] is None


def test_two_people_saving_one_note_the_second_gets_a_409_with_both_texts(app) -> None:
    ann, bob = signed_in(app, "ann", "agent"), signed_in(app, "bob", "agent")
    forms = [parse(html_of(c.get("/staff/articles/Q100002"))).form("Save the note")
             for c in (ann, bob)]
    forms[0].fields["text"], forms[1].fields["text"] = "Ann's advice", "Bob's advice"
    assert ann.post(forms[0].action, data=forms[0].fields).status_code == 303
    conflict = bob.post(forms[1].action, data=forms[1].fields)
    assert conflict.status_code == 409
    doc = parse(html_of(conflict))
    assert doc.find("pre", data_theirs="").text == "Ann's advice"
    assert doc.find("pre", data_mine="").text == "Bob's advice"
    assert "Someone else saved this note" in doc.find("p", data_problem="").text
    retry = doc.form("Save the note")
    assert retry.fields["text"] == "Bob's advice" and retry.fields["revision"] == "1"
    assert bob.post(retry.action, data=retry.fields).status_code == 303
    assert app.test_client().get("/api/articles/Q100002").get_json()["note"]["text"] == (
        "Bob's advice")


def test_a_retired_article_leaves_search_and_its_permalink_points_on(app, client) -> None:
    related = parse(html_of(client.get("/kb/100/Q100002/related"))).find("main")
    assert "/kb/100/Q100001/" in [href for _, href in related.links]
    editor = signed_in(app, "ed", "editor")
    form = parse(html_of(editor.get("/staff/articles/Q100001"))).form("Retire this article")
    form.fields.update(replacement="q100003", reason="Outdated since Exchange 5.5 SP3.")
    assert editor.post(form.action, data=form.fields).status_code == 303
    ids = [r["id"] for r in client.get("/api/search?q=0x800ccc90").get_json()["results"]]
    assert "Q100001" not in ids and ids[0] == "Q100003"
    suggested = client.get("/api/suggest?q=XCLN").get_json()["suggestions"]
    assert all(s["id"] != "Q100001" for s in suggested)
    page = client.get("/kb/100/Q100001/")
    assert page.status_code == 200
    banner = parse(html_of(page)).find("div", data_retired="")
    assert "This article is outdated. Outdated since Exchange 5.5 SP3." in banner.text
    assert banner.find("a", data_replacement="").attrs["href"] == "/kb/100/Q100003/"
    assert client.get("/api/articles/Q100001").get_json()["retired"]["replacement"] == "Q100003"
    wizard = client.get("/api/troubleshoot?q=0x800CCC90").get_json()
    assert "Q100001" not in [c["id"] for c in wizard["candidates"]]
    for path in ("/kb/100/Q100002/", "/kb/100/Q100002/related"):
        links = parse(html_of(client.get(path))).find("main").links
        assert "/kb/100/Q100001/" not in [href for _, href in links], path


def test_review_dates_list_the_oldest_first(app) -> None:
    editor = signed_in(app, "ed", "editor")
    for ident, due in (("Q100002", "2020-05-01"), ("Q100001", "2019-01-31"),
                       ("Q100003", "2999-01-01")):
        form = parse(html_of(editor.get(f"/staff/articles/{ident}"))).form(
            "Set the review date")
        form.fields["due"] = due
        assert editor.post(form.action, data=form.fields).status_code == 303
    doc = parse(html_of(editor.get("/staff/reviews")))
    due = doc.find("table", data_due="")
    assert [tr.find("td").text for tr in due.find("tbody").find_all("tr")] == [
        "2019-01-31", "2020-05-01"]
    assert "2 due for review" in parse(html_of(editor.get("/staff/"))).find("main").text


@pytest.mark.parametrize(("path", "data", "status", "message"), [
    ("/staff/articles/Q999999/note", {"text": "x", "revision": "0"}, 404, "no article"),
    ("/staff/articles/Q100001/note", {"text": "x" * 4001, "revision": "0"}, 413,
     "at most 4,000 characters"),
    ("/staff/articles/Q100001/retire", {"replacement": "Q999999"}, 404, "no replacement"),
    ("/staff/pins", {"for": "  ", "article": "Q100001"}, 400, "needs an error code"),
    ("/staff/pins", {"for": "0x800ccc90", "article": "Q999999"}, 404, "no article"),
    ("/staff/articles/Q100001/review", {"due": "next week"}, 400, "not a date"),
])
def test_bad_input_is_a_clear_4xx_and_stores_nothing(app, path, data, status, message) -> None:
    editor = signed_in(app, "ed", "editor")
    before = stored(app)
    response = editor.post(path, data={"token": token_on(editor, "/staff/"), **data})
    assert response.status_code == status
    assert message in html_of(response)
    assert stored(app) == before


def test_a_replacement_that_is_itself_retired_is_a_409(app) -> None:
    editor = signed_in(app, "ed", "editor")
    token = token_on(editor, "/staff/")
    editor.post("/staff/articles/Q100002/retire", data={"token": token, "replacement": ""})
    response = editor.post("/staff/articles/Q100001/retire",
                           data={"token": token, "replacement": "Q100002"})
    assert response.status_code == 409
    assert "The replacement Q100002 is itself retired" in html_of(response)


def test_the_audit_log_lists_who_changed_what_for_leads_only(app) -> None:
    editor = signed_in(app, "ed", "editor")
    token = token_on(editor, "/staff/")
    editor.post("/staff/articles/Q100001/note", data={"token": token, "text": "n",
                                                      "revision": "0"})
    editor.post("/staff/pins", data={"token": token, "for": "0x800ccc90", "article": "Q100002"})
    assert editor.get("/staff/audit").status_code == 403
    lead = signed_in(app, "lea", "lead")
    rows = parse(html_of(lead.get("/staff/audit?actor=ed"))).find("table", data_audit="")
    cells = [[td.text for td in tr.find_all("td")][1:4]
             for tr in rows.find("tbody").find_all("tr")]
    assert cells == [["ed", "pin.add", "Q100002 0x800CCC90"],
                     ["ed", "note.save", "Q100001"]]
    only = parse(html_of(lead.get("/staff/audit?article=Q100002"))).find("table", data_audit="")
    assert len(only.find("tbody").find_all("tr")) == 1


def test_a_lead_adds_an_editor_who_can_then_sign_in(app) -> None:
    lead = signed_in(app, "lea", "lead")
    form = parse(html_of(lead.get("/staff/accounts"))).form("Add the account")
    form.fields.update(name="Eddie", role="editor", password="a good long password")
    assert lead.post(form.action, data=form.fields).status_code == 303
    table = parse(html_of(lead.get("/staff/accounts"))).find("table", data_accounts="")
    assert ["eddie", "editor"] in [[td.text for td in tr.find_all("td")][:2]
                                   for tr in table.find("tbody").find_all("tr")]
    assert sign_in(app.test_client(), "eddie", "a good long password").status_code == 303


def test_the_old_admin_address_moves_to_the_staff_pages(client) -> None:
    response = client.get("/admin/feedback")
    assert response.status_code == 301 and response.headers["Location"] == "/staff/feedback"


def test_a_lead_disables_an_account_and_enables_it_with_a_new_password(app) -> None:
    lead = signed_in(app, "lea", "lead")
    bob = signed_in(app, "bob", "agent")
    disable = parse(html_of(lead.get("/staff/accounts"))).form("Disable bob")
    assert lead.post(disable.action, data=disable.fields).status_code == 303
    assert bob.get("/staff/").status_code == 302  # his session ended with it
    page = parse(html_of(lead.get("/staff/accounts")))
    enable = page.form("Enable with this password")
    enable.fields["password"] = "bob's new password"
    assert lead.post(enable.action, data=enable.fields).status_code == 303
    assert sign_in(app.test_client(), "bob", "bob's new password").status_code == 303
    own = lead.post("/staff/accounts/lea/role", data={"token": token_on(lead, "/staff/"),
                                                      "role": "agent"})
    assert own.status_code == 409 and "Another lead changes your own role" in html_of(own)
