"""'Was this helpful?': a vote is saved only from our own form, bounded and rate-limited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from app import create_app
from app.activity.database import database_url
from app.activity.guard import FeedbackTokens, RateLimiter
from app.activity.log import ActivityLog
from tests.activity_db import BACKENDS, backend_config
from tests.htmltools import parse

ARTICLE = "/kb/100/Q100001/"


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> dict:
    """Every test here runs on SQLite and on PostgreSQL (when TEST_DATABASE_URL is set)."""
    return backend_config(request.param, tmp_path)


@pytest.fixture
def app(tmp_path, kb_dir, index_dir, backend):
    app = make_app(kb_dir, index_dir, backend, SECRET_KEY="test", INDEX_REFRESH_SECONDS=0)
    yield app
    app.extensions["knowledge_base"].close()
    app.extensions["activity_engine"].dispose()


def make_app(kb_dir, index_dir, backend: dict, **config):
    return create_app({"TESTING": True, "KB_DIR": str(kb_dir), "INDEX_DIR": str(index_dir),
                       **backend, **config})


def form_token(client, path: str = ARTICLE) -> str:
    doc = parse(client.get(path).get_data(as_text=True))
    form = doc.find("section", id="feedback").find("form")
    assert form.attrs["method"] == "post" and form.attrs["action"] == path + "feedback"
    return form.find("input", name="token").attrs["value"]


def votes(app) -> list[tuple]:
    log = ActivityLog(database_url(app.config["DATABASE_URL"], app.config["ACTIVITY_DB"]))
    try:
        with log.engine.connect() as db:
            rows = db.execute(text("SELECT article_id, helpful, comment FROM votes ORDER BY id"))
            return [tuple(row) for row in rows]
    finally:
        log.close()


def test_the_form_works_without_javascript_and_says_thank_you(app, client) -> None:
    token = form_token(client)
    response = client.post(ARTICLE + "feedback",
                           data={"token": token, "helpful": "no", "comment": "Step 2 is gone"})
    assert response.status_code == 303
    assert response.headers["Location"] == ARTICLE + "?thanks=1#feedback"
    assert votes(app) == [("Q100001", 0, "Step 2 is gone")]
    doc = parse(client.get(response.headers["Location"]).get_data(as_text=True))
    feedback = doc.find("section", id="feedback")
    assert "Thank you" in feedback.text and not feedback.find_all("form")


def test_the_form_is_labelled_and_bounded(client) -> None:
    doc = parse(client.get(ARTICLE).get_data(as_text=True))
    form = doc.find("section", id="feedback").find("form")
    area = form.find("textarea")
    assert form.find("label", **{"for": area.attrs["id"]}).text.startswith("What was missing")
    assert area.attrs["maxlength"] == "1000"
    assert [(b.attrs["name"], b.attrs["value"]) for b in form.find_all("button")] == [
        ("helpful", "yes"), ("helpful", "no")]


def test_a_vote_without_the_token_is_refused(app, client) -> None:
    client.get(ARTICLE)
    response = client.post(ARTICLE + "feedback", data={"helpful": "yes"})
    assert response.status_code == 400
    assert "was not saved" in response.get_data(as_text=True)
    assert votes(app) == []


def test_a_cross_site_post_without_our_cookie_is_refused(app, client) -> None:
    token = form_token(client)
    other = app.test_client()  # another browser: a token lifted from this page is no use
    response = other.post(ARTICLE + "feedback", data={"token": token, "helpful": "yes"})
    assert response.status_code == 400
    assert "cookie" in response.get_data(as_text=True)
    assert votes(app) == []


def test_a_token_for_another_article_or_key_is_refused(app, client) -> None:
    token = form_token(client, "/kb/100/Q100002/")
    assert client.post(ARTICLE + "feedback",
                       data={"token": token, "helpful": "yes"}).status_code == 400
    nonce = client.get_cookie("kb_form", path="/kb/").value
    forged = FeedbackTokens("not-our-key").issue("Q100001", nonce)
    assert client.post(ARTICLE + "feedback",
                       data={"token": forged, "helpful": "yes"}).status_code == 400
    assert votes(app) == []


def test_the_cookie_is_samesite_and_httponly(client) -> None:
    header = client.get(ARTICLE).headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/kb/" in header


def test_a_comment_over_1000_characters_is_a_400_with_a_clear_message(app, client) -> None:
    token = form_token(client)
    response = client.post(ARTICLE + "feedback",
                           data={"token": token, "helpful": "yes", "comment": "x" * 1001})
    assert response.status_code == 400
    doc = parse(response.get_data(as_text=True))
    text = doc.find("p", role="alert").text
    assert "1,001 characters" in text and "limit is 1,000" in text
    # the text comes back to be shortened, in a form that can be sent again
    form = doc.find("section", id="feedback").find("form")
    assert form.attrs["action"] == ARTICLE + "feedback"
    assert form.find("textarea").text == "x" * 1001
    assert form.find("input", name="token").attrs["value"] == token
    assert votes(app) == []
    ok = client.post(ARTICLE + "feedback",
                     data={"token": token, "helpful": "yes", "comment": "y" * 1000})
    assert ok.status_code == 303 and votes(app)[0][2] == "y" * 1000


def test_line_breaks_count_once_as_in_the_browser(app, client) -> None:
    token = form_token(client)
    comment = ("a" * 99 + "\r\n") * 10  # 1,000 characters as the browser counts them
    response = client.post(ARTICLE + "feedback",
                           data={"token": token, "helpful": "no", "comment": comment})
    assert response.status_code == 303 and len(votes(app)) == 1


def test_a_refused_vote_offers_the_way_back_to_the_form(client) -> None:
    token = form_token(client)
    response = client.post(ARTICLE + "feedback", data={"token": token, "helpful": "perhaps"})
    assert response.status_code == 400
    doc = parse(response.get_data(as_text=True))
    assert doc.find("a", **{"class": "button"}).attrs["href"] == ARTICLE + "#feedback"


@pytest.mark.parametrize("helpful", ["", "maybe", "1"])
def test_the_answer_must_be_yes_or_no(app, client, helpful: str) -> None:
    token = form_token(client)
    response = client.post(ARTICLE + "feedback", data={"token": token, "helpful": helpful})
    assert response.status_code == 400 and votes(app) == []


def test_the_help_desk_contact_is_shown_when_configured(tmp_path, index_dir, kb_dir) -> None:
    app = make_app(kb_dir, index_dir, {"ACTIVITY_DB": str(tmp_path / "a.sqlite")},
                   HELPDESK_CONTACT="extension 4357")
    doc = parse(app.test_client().get(ARTICLE).get_data(as_text=True))
    handover = doc.find("details", id="handover")
    assert "Contact extension 4357." in handover.text


def test_without_a_contact_the_page_still_says_to_ask_the_help_desk(client) -> None:
    doc = parse(client.get(ARTICLE).get_data(as_text=True))
    assert "Contact your help desk." in doc.find("details", id="handover").text


def test_feedback_on_an_unknown_article_is_a_404(client) -> None:
    assert client.post("/kb/999/Q999999/feedback", data={"helpful": "yes"}).status_code == 404


def test_opening_the_form_address_leads_to_the_form(app, client) -> None:
    response = client.get(ARTICLE + "feedback")
    assert response.status_code == 303
    assert response.headers["Location"] == ARTICLE + "#feedback"
    assert votes(app) == []


def test_too_many_votes_from_one_address_is_a_429(index_dir, kb_dir, backend) -> None:
    app = make_app(kb_dir, index_dir, backend, SECRET_KEY="t", FEEDBACK_RATE_LIMIT=3)
    client = app.test_client()
    token = form_token(client)
    statuses = [client.post(ARTICLE + "feedback", data={"token": token, "helpful": "yes"})
                for _ in range(4)]
    assert [r.status_code for r in statuses] == [303, 303, 303, 429]
    assert re.fullmatch(r"\d+", statuses[-1].headers["Retry-After"])
    assert "too many votes" in statuses[-1].get_data(as_text=True)
    assert len(votes(app)) == 3
    app.extensions["activity_engine"].dispose()


def test_the_rate_limit_slides_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(2, 60, clock=lambda: now[0])
    assert [limiter.allow("a"), limiter.allow("a"), limiter.allow("a")] == [True, True, False]
    assert limiter.allow("b")  # per client
    assert limiter.retry_after("a") == 61
    now[0] = 60.0
    assert limiter.allow("a")


def test_the_rate_limiter_forgets_idle_clients_when_full() -> None:
    now = [0.0]
    limiter = RateLimiter(1, 10, clock=lambda: now[0], max_keys=3)
    for key in "abc":
        limiter.allow(key)
    now[0] = 100.0
    assert limiter.allow("d")
    assert len(limiter._events) == 1
