"""The pages a person opens, through Flask's test client."""

from __future__ import annotations

import pytest


def test_home_has_the_search_box_and_products(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'name="q"' in html
    assert "Paste an error code or message, or describe the problem" in html
    assert (
        '<a href="/products/microsoft-exchange/">Microsoft Exchange</a> <span class="count">2'
    ) in html


def test_search_by_code_lists_the_articles_that_carry_it(client) -> None:
    html = client.get("/search?q=800ccc90").get_data(as_text=True)
    assert html.index("/kb/100/Q100001/") > 0 and html.index("/kb/100/Q100002/") > 0
    assert "Q100003" not in html
    assert "2 articles found" in html


def test_article_page_renders_sections(client) -> None:
    response = client.get("/kb/100/Q100001/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>XCLN: ErrMsg: 0x800ccc90 with POP3 &amp; Outlook Express</h1>" in html
    assert '<section id="workaround"' in html
    assert "<li>Select the Clear Text option.</li>" in html
    assert '<a class="code" href="/codes/0x800CCC90"' in html


@pytest.mark.parametrize("path", ["/Q100001", "/kb/Q100001", "/KB100001", "/100001",
                                  "/q100001", "/kb/100/q100001/", "/kb/100/Q100001"])
def test_other_id_forms_redirect_permanently_to_the_permalink(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/kb/100/Q100001/")


def test_typing_an_id_in_the_search_box_opens_the_article(client) -> None:
    response = client.get("/search?q=q100002")
    assert response.headers["Location"] == "/kb/100/Q100002/"


def test_unknown_article_is_a_helpful_404(client) -> None:
    response = client.get("/kb/999/Q999999/")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "There is no article Q999999" in html and 'name="q"' in html


def test_hostile_query_is_escaped_and_never_errors(client) -> None:
    payload = '<script>alert(1)</script> AND ( "x * : ~ ^'
    response = client.get("/search", query_string={"q": payload})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999"])
def test_bad_page_number_is_a_400(client, page: str) -> None:
    assert client.get(f"/search?q=printer&page={page}").status_code == 400


def test_garbled_url_is_a_404_page(client) -> None:
    response = client.get("/%ff%fe/../kb")
    assert response.status_code == 404


def test_security_headers_on_every_page(client) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_stats_counts_articles_skipped_and_products(client) -> None:
    assert client.get("/api/stats").get_json() == {"articles": 3, "skipped": 0, "products": 2}


def test_api_errors_are_json(client) -> None:
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404
