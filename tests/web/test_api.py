"""The JSON API: stable shapes, validated input, and errors that are always JSON."""

from __future__ import annotations

import pytest


def test_search_returns_the_documented_shape_best_first(client) -> None:
    response = client.get("/api/search?q=0x800ccc90&limit=5")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["query"] == "0x800ccc90" and data["total"] == 2
    assert sorted(r["id"] for r in data["results"]) == ["Q100001", "Q100002"]
    first = data["results"][0]
    assert set(first) >= {"id", "title", "url", "products", "date", "score", "snippet"}
    assert first["url"] == f"http://localhost/kb/100/{first['id']}/"
    assert first["products"] == ["Microsoft Exchange"]
    assert first["date"] == "1999-02-21"
    assert first["matched_codes"] == ["0x800CCC90"]
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    assert "<" not in first["snippet"] and "0x800" in first["snippet"].lower()


def test_search_limit_cuts_the_results_not_the_total(client) -> None:
    data = client.get("/api/search?q=0x800ccc90&limit=1").get_json()
    assert len(data["results"]) == 1 and data["total"] == 2 and data["pages"] == 2


@pytest.mark.parametrize("product", ["Microsoft Windows 95.x Retail Product",
                                     "microsoft-windows-95-x-retail-product"])
def test_search_by_product_name_or_slug(client, product: str) -> None:
    data = client.get("/api/search", query_string={"q": "garbage printer error",
                                                   "product": product}).get_json()
    assert [r["id"] for r in data["results"]] == ["Q100003"]


@pytest.mark.parametrize(("query", "words"), [
    ("", "q"), ("q=", "q"), ("q=%20%20", "q"),
    ("q=x&limit=0", "limit"), ("q=x&limit=101", "limit"), ("q=x&limit=ten", "limit"),
    ("q=x&limit=-1", "limit"), ("q=x&page=0", "page"), ("q=x&product=nope", "product"),
    ("q=" + "x" * 1001, "longer"),
])
def test_bad_search_input_is_a_json_400(client, query: str, words: str) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == 400 and words in body["message"]


def test_an_article_with_metadata_codes_and_sections(client) -> None:
    data = client.get("/api/articles/Q100001").get_json()
    assert data["id"] == "Q100001"
    assert data["title"] == "XCLN: ErrMsg: 0x800ccc90 with POP3 & Outlook Express"
    assert data["url"] == "http://localhost/kb/100/Q100001/"
    assert data["codes"] == ["0x800CCC90", "0x800CCC18"]
    assert data["last_modified"] == "1999-02-21" and data["products"] == ["Microsoft Exchange"]
    assert [(s["title"], s["anchor"]) for s in data["sections"]] == [
        ("Symptoms", "symptoms"), ("Workaround", "workaround")]
    assert data["sections"][1]["url"] == "http://localhost/kb/100/Q100001/#workaround"
    assert "<ol>" in data["sections"][1]["html"]


@pytest.mark.parametrize("ident", ["q100001", "100001", "KB100001"])
def test_an_article_by_any_id_form(client, ident: str) -> None:
    assert client.get(f"/api/articles/{ident}").get_json()["id"] == "Q100001"


@pytest.mark.parametrize("ident", ["Q999999", "nonsense", "<script>"])
def test_an_unknown_article_is_a_json_404(client, ident: str) -> None:
    response = client.get(f"/api/articles/{ident}")
    assert response.status_code == 404 and response.get_json()["status"] == 404


def test_a_code_decoded_with_its_articles(client) -> None:
    data = client.get("/api/codes/800ccc90").get_json()
    assert data["code"] == "0x800CCC90" and data["kind"] == "hresult"
    assert {"name": "Severity", "value": "Error (1)"} in data["details"]
    assert data["url"] == "http://localhost/codes/0x800CCC90"
    assert data["total"] == 2
    assert sorted(a["id"] for a in data["articles"]) == ["Q100001", "Q100002"]


def test_a_code_no_article_carries_has_none(client) -> None:
    data = client.get("/api/codes/0x80070005").get_json()
    assert data["code"] == "0x80070005" and data["total"] == 0 and data["articles"] == []


@pytest.mark.parametrize("code", ["nonsense", "hello world"])
def test_an_unknown_code_is_a_json_404(client, code: str) -> None:
    response = client.get(f"/api/codes/{code}")
    assert response.status_code == 404 and "not an error code" in response.get_json()["message"]


def test_products_with_counts(client) -> None:
    assert client.get("/api/products").get_json()["products"][0] == {
        "name": "Microsoft Exchange", "slug": "microsoft-exchange", "articles": 2,
        "url": "http://localhost/products/microsoft-exchange/"}


@pytest.mark.parametrize(("method", "path", "status"), [
    ("get", "/api/nothing", 404), ("post", "/api/search?q=x", 405),
    ("delete", "/api/articles/Q100001", 405),
])
def test_errors_under_api_are_json_never_html(client, method: str, path: str,
                                              status: int) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == status and response.mimetype == "application/json"
    assert response.get_json()["status"] == status
    assert "<html" not in response.get_data(as_text=True)
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_api_before_the_index_is_built_is_a_json_503(tmp_path) -> None:
    from app import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none"),
                      "ACTIVITY_DB": str(tmp_path / "a.sqlite")})
    response = app.test_client().get("/api/search?q=x")
    assert response.status_code == 503 and "flask --app app index" in response.get_json()["message"]


def test_every_api_endpoint_is_documented_in_the_readme(app) -> None:
    from app import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    endpoints = {rule.rule.split("<")[0].rstrip("/") for rule in app.url_map.iter_rules()
                 if rule.rule.startswith("/api/")}
    assert endpoints >= {"/api/search", "/api/articles", "/api/codes", "/api/troubleshoot"}
    missing = [e for e in sorted(endpoints) if f"`{e}" not in readme]
    assert missing == [], f"document these in README.md: {missing}"


def test_the_answers_have_exactly_the_documented_fields(client) -> None:
    found = client.get("/api/search?q=0x800ccc90").get_json()
    assert set(found) == {"query", "total", "page", "pages", "codes", "code_labels",
                          "results"}
    assert set(found["results"][0]) == {"id", "title", "url", "products", "date", "score",
                                        "snippet", "matched_codes", "matched_code_labels",
                                        "recommended"}
    article = client.get("/api/articles/Q100001").get_json()
    assert set(article) == {"id", "title", "url", "products", "versions",
                            "operating_systems", "applies_to", "keywords", "last_modified",
                            "codes", "code_labels", "messages", "sections", "note", "retired"}
    assert set(article["sections"][0]) == {"title", "anchor", "url", "html"}
    code = client.get("/api/codes/800ccc90").get_json()
    assert set(code) == {"code", "kind", "label", "details", "url", "total", "articles"}
    assert set(code["articles"][0]) == {"id", "title", "url", "products", "date",
                                        "recommended"}


def test_codes_in_an_article_link_to_their_page_absolutely(client) -> None:
    from tests.htmltools import parse

    symptoms = client.get("/api/articles/Q100001").get_json()["sections"][0]
    links = [(a.text, a.attrs["href"]) for a in parse(symptoms["html"]).find_all("a")]
    assert links == [("0x800ccc90", "http://localhost/codes/0x800CCC90"),
                     ("0x800ccc18", "http://localhost/codes/0x800CCC18")]


def test_a_code_lists_its_articles_with_plain_dates(client) -> None:
    articles = client.get("/api/codes/800ccc90").get_json()["articles"]
    assert {a["id"]: (a["url"], a["date"], a["products"]) for a in articles} == {
        "Q100001": ("http://localhost/kb/100/Q100001/", "1999-02-21", ["Microsoft Exchange"]),
        "Q100002": ("http://localhost/kb/100/Q100002/", "1999-02-21", ["Microsoft Exchange"]),
    }
