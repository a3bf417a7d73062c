"""Served for real: the real client behind proxies, URLs from PUBLIC_URL, Host
headers that are not host names refused."""

from __future__ import annotations

import pytest

from app import create_app
from app.web.hosts import valid_host
from tests.htmltools import parse

FORGED = {"Host": "evil.example"}


def make_app(tmp_path, index_dir, kb_dir, **config):
    return create_app({"TESTING": True, "SECRET_KEY": "t", "KB_DIR": str(kb_dir),
                       "INDEX_DIR": str(index_dir), "INDEX_REFRESH_SECONDS": 0,
                       "ACTIVITY_DB": str(tmp_path / "activity.sqlite"), **config})


@pytest.mark.parametrize("host", ["a" * 1100, "exa mple.com", "x.example:99999", "a." * 200,
                                  "bad\x01host", "host/path"])
def test_a_host_that_is_not_a_host_name_is_a_400_with_the_usual_headers(client, host) -> None:
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 400
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Host header" in parse(response.get_data(as_text=True)).by_class("message")[0].text


def test_an_api_client_with_a_bad_host_gets_json(client) -> None:
    response = client.get("/api/stats", headers={"Host": "a" * 300})
    assert response.status_code == 400 and response.get_json()["status"] == 400


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:5000", "[::1]:8080",
                                  "help.example.com", "help-desk.example.com."])
def test_real_host_names_are_valid(host) -> None:
    assert valid_host(host)


def test_absolute_urls_come_from_public_url_never_from_host(tmp_path, index_dir, kb_dir) -> None:
    app = make_app(tmp_path, index_dir, kb_dir, PUBLIC_URL="https://help.example.com")
    client = app.test_client()
    article = client.get("/api/articles/Q100001", headers=FORGED).get_json()
    assert article["url"] == "https://help.example.com/kb/100/Q100001/"
    assert all(s["url"].startswith("https://help.example.com/kb/100/Q100001/#")
               for s in article["sections"])
    found = client.get("/api/search?q=printer", headers=FORGED).get_json()
    assert found["results"][0]["url"] == "https://help.example.com/kb/100/Q100003/"
    xml = client.get("/opensearch.xml", headers=FORGED).get_data(as_text=True)
    assert "evil.example" not in xml
    assert 'template="https://help.example.com/search?q={searchTerms}"' in xml
    page = client.get("/kb/100/Q100001/", headers=FORGED).get_data(as_text=True)
    assert "evil.example" not in page and "https://help.example.com/kb/100/Q100001/#" in page


def test_a_bad_public_url_is_refused_at_start(tmp_path, index_dir, kb_dir) -> None:
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        make_app(tmp_path, index_dir, kb_dir, PUBLIC_URL="help.example.com")
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        make_app(tmp_path, index_dir, kb_dir, PUBLIC_URL="https://example.com/kb")


def vote_statuses(client, forwarded_for: str, count: int) -> list[int]:
    headers = {"X-Forwarded-For": forwarded_for}
    doc = parse(client.get("/kb/100/Q100001/", headers=headers).get_data(as_text=True))
    token = doc.find("section", id="feedback").find("input", name="token").attrs["value"]
    return [client.post("/kb/100/Q100001/feedback", headers=headers,
                        data={"token": token, "helpful": "yes"}).status_code
            for _ in range(count)]


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(tmp_path, index_dir,
                                                              kb_dir) -> None:
    app = make_app(tmp_path, index_dir, kb_dir, TRUSTED_PROXIES=1, FEEDBACK_RATE_LIMIT=2)
    client = app.test_client()
    assert vote_statuses(client, "203.0.113.1", 3) == [303, 303, 429]
    assert vote_statuses(client, "203.0.113.2", 2) == [303, 303]
    # A client cannot pick its own address: the proxy appends the real one, last.
    assert vote_statuses(client, "198.51.100.7, 203.0.113.1", 1) == [429]


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(tmp_path, index_dir,
                                                                   kb_dir) -> None:
    app = make_app(tmp_path, index_dir, kb_dir, FEEDBACK_RATE_LIMIT=2)
    client = app.test_client()
    assert vote_statuses(client, "203.0.113.1", 2) == [303, 303]
    assert vote_statuses(client, "203.0.113.2", 1) == [429]
