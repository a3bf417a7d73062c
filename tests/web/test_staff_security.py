"""Nothing is stored unless a signed-in person with the role asks from our own form:
anonymous and agent requests to every editor action, cross-site posts without the
token, guessed passwords, a session cookie replayed after sign-out, a forged SSO
header."""

from __future__ import annotations

import pytest

from app import create_app
from app.staff.accounts import FAILURES_PER_ACCOUNT
from tests.staff_tools import PASSWORD, add, sign_in, signed_in, stored, token_on

# Every form post a role below editor must not be able to make, with good data.
EDITOR_POSTS = [
    ("/staff/articles/Q100001/retire", {"replacement": "Q100002", "reason": "old"}),
    ("/staff/articles/Q100001/unretire", {}),
    ("/staff/articles/Q100001/review", {"due": "2020-01-01"}),
    ("/staff/pins", {"for": "0x800ccc90", "article": "Q100003"}),
    ("/staff/pins/1/remove", {}),
]
LEAD_POSTS = [
    ("/staff/accounts", {"name": "mallory", "role": "lead", "password": "a long password!"}),
    ("/staff/accounts/ann/role", {"role": "lead"}),
    ("/staff/accounts/ann/disable", {}),
    ("/staff/accounts/ann/password", {"password": "a new long password"}),
]
AGENT_POSTS = [
    ("/staff/articles/Q100001/note", {"text": "<b>hi</b>", "revision": "0"}),
    ("/staff/articles/Q100001/note/remove", {"revision": "1"}),
]


def accounts_of(app) -> list[tuple[str, str, bool]]:
    from app.staff.accounts import list_accounts
    from tests.staff_tools import engine_of

    return [(a.name, a.role, a.disabled) for a in list_accounts(engine_of(app))]


@pytest.mark.parametrize(("path", "data"), EDITOR_POSTS + LEAD_POSTS + AGENT_POSTS)
def test_anonymous_posts_store_nothing(app, path, data) -> None:
    add(app, "ann", "agent")
    before, people = stored(app), accounts_of(app)
    anonymous = app.test_client()
    token = token_on(anonymous, "/staff/sign-in")  # a real token, but nobody signed in
    response = anonymous.post(path, data={"token": token, **data})
    assert response.status_code == 401
    assert "Sign in to the staff pages first" in response.get_data(as_text=True)
    assert stored(app) == before and accounts_of(app) == people


@pytest.mark.parametrize(("path", "data"), EDITOR_POSTS + LEAD_POSTS)
def test_an_agent_cannot_make_an_editors_or_leads_change(app, path, data) -> None:
    agent = signed_in(app, "ann", "agent")
    before, people = stored(app), accounts_of(app)
    response = agent.post(path, data={"token": token_on(agent, "/staff/"), **data})
    assert response.status_code == 403
    assert "you are signed in as ann (agent)" in response.get_data(as_text=True)
    assert stored(app) == before and accounts_of(app) == people


@pytest.mark.parametrize(("path", "data"), LEAD_POSTS)
def test_an_editor_cannot_manage_accounts(app, path, data) -> None:
    add(app, "ann", "agent")
    editor = signed_in(app, "ed", "editor")
    people = accounts_of(app)
    response = editor.post(path, data={"token": token_on(editor, "/staff/"), **data})
    assert response.status_code == 403 and accounts_of(app) == people


@pytest.mark.parametrize("token", [None, "", "forged.token.value"])
@pytest.mark.parametrize(("path", "data"), EDITOR_POSTS[:4] + AGENT_POSTS[:1] + LEAD_POSTS[:1])
def test_a_cross_site_post_without_our_token_stores_nothing(app, path, data, token) -> None:
    lead = signed_in(app, "lea", "lead")
    before, people = stored(app), accounts_of(app)
    form = dict(data) if token is None else {"token": token, **data}
    response = lead.post(path, data=form, headers={"Origin": "https://evil.example"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert stored(app) == before and accounts_of(app) == people


def test_a_token_from_another_browsers_session_is_refused(app) -> None:
    ann, mallory = signed_in(app, "ann", "editor"), signed_in(app, "mallory", "editor")
    stolen = token_on(mallory, "/staff/")
    before = stored(app)
    response = ann.post("/staff/pins", data={"token": stolen, "for": "0x800ccc90",
                                             "article": "Q100003"})
    assert response.status_code == 400 and stored(app) == before


def test_twenty_wrong_passwords_are_throttled_and_then_even_the_right_one_waits(app) -> None:
    add(app, "ann", "lead")
    client = app.test_client()
    statuses = [sign_in(client, "ann", f"guess number {n}").status_code for n in range(20)]
    assert statuses == [401] * FAILURES_PER_ACCOUNT + [429] * (20 - FAILURES_PER_ACCOUNT)
    right = sign_in(client, "ann", PASSWORD)
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 60
    assert client.get("/staff/").status_code == 302  # still not signed in


def test_oversized_forms_are_refused(app) -> None:
    editor = signed_in(app, "ed", "editor")
    before = stored(app)
    response = editor.post("/staff/articles/Q100001/note", data={
        "token": token_on(editor, "/staff/"), "text": "x" * 20_000, "revision": "0"})
    assert response.status_code == 413 and stored(app) == before


def test_staff_changes_are_rate_limited_per_person(app) -> None:
    editor = signed_in(app, "ed", "editor")
    token = token_on(editor, "/staff/")
    statuses = [editor.post("/staff/articles/Q100001/review",
                            data={"token": token, "due": f"2030-01-{day:02d}"}).status_code
                for day in range(1, 32)]
    assert statuses == [303] * 30 + [429]


def test_a_session_works_on_another_instance_until_it_signs_out(archive_kb, tmp_path) -> None:
    """Two instances with the same secret and database: one cookie, one sign-out."""
    first = archive_kb.app
    second = create_app({**{k: first.config[k] for k in (
        "SECRET_KEY", "KB_DIR", "INDEX_DIR", "ACTIVITY_DB")}, "TESTING": True})
    add(first, "ann", "agent")
    here = first.test_client()
    assert sign_in(here, "ann").status_code == 303
    cookie = here.get_cookie("kb_staff").value
    there = second.test_client()
    there.set_cookie("kb_staff", cookie)
    assert there.get("/staff/").status_code == 200
    here.post("/staff/sign-out", data={"token": token_on(here, "/staff/")})
    replayed = second.test_client()
    replayed.set_cookie("kb_staff", cookie)  # a copy kept from before the sign-out
    assert replayed.get("/staff/").status_code == 302
    assert there.get("/staff/").status_code == 302
    other = create_app({**{k: first.config[k] for k in ("KB_DIR", "INDEX_DIR", "ACTIVITY_DB")},
                        "TESTING": True, "SECRET_KEY": "another secret"})
    assert sign_in(here, "ann").status_code == 303
    foreign = other.test_client()
    foreign.set_cookie("kb_staff", here.get_cookie("kb_staff").value)
    assert foreign.get("/staff/").status_code == 302


@pytest.mark.parametrize(("hops", "peer", "signed_in_as"), [
    (1, "127.0.0.1", "ann"),       # through the trusted proxy
    (1, "198.51.100.7", None),     # straight from a client that wrote the header itself
    (0, "127.0.0.1", None),        # no proxy configured: never
])
def test_the_sso_header_counts_only_from_a_trusted_proxy(archive_kb, hops, peer,
                                                         signed_in_as) -> None:
    app = create_app({**{k: archive_kb.app.config[k] for k in (
        "SECRET_KEY", "KB_DIR", "INDEX_DIR", "ACTIVITY_DB")}, "TESTING": True,
        "TRUSTED_PROXIES": hops, "STAFF_SSO_HEADER": "X-Remote-User"})
    add(app, "ann", "agent")
    response = app.test_client().get("/staff/", headers={"X-Remote-User": "ann",
                                                         "X-Forwarded-For": "192.0.2.1"},
                                     environ_base={"REMOTE_ADDR": peer})
    if signed_in_as:
        assert response.status_code == 200 and signed_in_as in response.get_data(as_text=True)
    else:
        assert response.status_code == 302


STAFF_PAGES = ["/staff/", "/staff/feedback", "/staff/feedback/Q100001", "/staff/pins",
               "/staff/reviews", "/staff/articles/Q100001", "/staff/articles?id=Q100001",
               "/staff/drafts/Q100001.yaml", "/staff/audit", "/staff/accounts"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_every_staff_page_sends_a_stranger_to_sign_in(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/sign-in?next=")


def test_lead_pages_refuse_agents_and_editors_and_nothing_leaks(app) -> None:
    for role in ("agent", "editor"):
        client = signed_in(app, role + "1", role)
        for path in ("/staff/audit", "/staff/accounts"):
            response = client.get(path)
            assert response.status_code == 403, (role, path)
            assert "data-audit" not in response.get_data(as_text=True)
