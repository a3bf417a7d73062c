"""The search pages as a person sees them, through Flask's test client."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from app import create_app
from app.activity.log import ActivityLog
from app.index.build import build_index
from tests.conftest import archive_article, write_article
from tests.htmltools import parse
from tests.test_search import ARTICLES, IMAP, MENTIONS, POP3, PRINTER, PRINTER_NT

REPLICATION = range(320001, 320025)  # twelve per product: more than a page of each


@pytest.fixture
def app(tmp_path: Path):
    kb_dir = tmp_path / "kb"
    for number, (title, body, product) in ARTICLES.items():
        write_article(kb_dir, number, archive_article(number, title, body, product=product))
    for number in REPLICATION:
        write_article(kb_dir, number, archive_article(
            number, f"Replication Stops After Upgrade {number}", """\
            SYMPTOMS
            ========

            Merge replication stops after the upgrade.
            """, product="Microsoft SQL Server" if number % 2 else "Microsoft Access"))
    index = tmp_path / "index"
    build_index(kb_dir, index, procs=1)
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "KB_DIR": str(kb_dir),
        "INDEX_DIR": str(index),
        "INDEX_REFRESH_SECONDS": 0,
        "ACTIVITY_DB": str(tmp_path / "activity.sqlite"),
    })


@pytest.fixture
def client(app):
    return app.test_client()


def page(client, **args: str):
    response = client.get("/search", query_string=args)
    assert response.status_code == 200
    return parse(response.get_data(as_text=True))


def result_links(document) -> list[str]:
    """The article each result links to (its path; the link also carries ?q=)."""
    return [urlsplit(item.find("a").attrs["href"]).path for item in document.by_class("result")]


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def missed_searches(app) -> list[tuple[str, int]]:
    """(text, times) of the searches that found nothing, as staff see them."""
    log = ActivityLog(Path(app.config["ACTIVITY_DB"]))
    try:
        return [(miss.text, miss.count) for miss in log.top_missed_searches()]
    finally:
        log.close()


def test_a_code_finds_its_articles_first_and_is_decoded(client) -> None:
    document = page(client, q="800ccc90")
    assert result_links(document)[:3] == [
        f"/kb/300/Q{POP3}/", f"/kb/300/Q{IMAP}/", f"/kb/300/Q{MENTIONS}/"]
    decoded = document.by_class("decoded")[0]
    assert "HRESULT 0x800CCC90" in decoded.text and "Severity: Error (1)" in decoded.text
    assert "Facility: INTERNET (12)" in decoded.text
    assert decoded.find("a").attrs["href"] == "/codes/0x800CCC90"
    why = document.by_class("why")[0].text
    assert "error code 0x800CCC90" in why


def test_a_result_links_to_its_article_with_the_words_to_mark(client) -> None:
    document = page(client, q="printer garbage")
    href = document.by_class("result")[0].find("a").attrs["href"]
    assert urlsplit(href).path == f"/kb/300/Q{PRINTER}/"
    assert query_of(href) == {"q": ["printer garbage"]}


def test_the_code_page_lists_every_article_that_mentions_it(client) -> None:
    document = parse(client.get("/codes/0x800CCC90").get_data(as_text=True))
    assert result_links(document) == [
        f"/kb/300/Q{POP3}/", f"/kb/300/Q{IMAP}/", f"/kb/300/Q{MENTIONS}/"]
    assert document.find("p", role="status").text == "3 articles mention 0x800CCC90"


def test_a_code_page_past_the_last_offers_the_first_and_no_pager(client) -> None:
    document = parse(client.get("/codes/0x800CCC90?page=4").get_data(as_text=True))
    links = [a for a in document.find("main").find_all("a")]
    assert [a.attrs["href"] for a in links if a.text == "Go to the first page"] == [
        "/codes/0x800CCC90"]
    assert document.find_all("nav", aria_label="Pages") == []


def test_the_count_is_announced_to_screen_readers(client) -> None:
    status = page(client, q="printer").find("p", role="status")
    assert status.text == "2 articles found"


@pytest.mark.parametrize("hostile", ['<script>alert(1)</script> AND ( "x * : ~ ^',
                                     'title:printer', '"unbalanced', 'printer)', 'a~2^3'])
def test_query_syntax_and_markup_are_shown_as_text(client, hostile) -> None:
    response = client.get("/search", query_string={"q": hostile})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    document = parse(html)
    assert document.find("h1").text == f"Results for “{hostile}”"


def test_did_you_mean_offers_the_correction_and_the_original(client) -> None:
    document = page(client, q="printr garbage")
    notice = document.by_class("did-you-mean")[0]
    links = {a.text: a.attrs["href"] for a in notice.find_all("a")}
    assert query_of(links["printer garbage"]) == {"q": ["printer garbage"]}
    as_typed = links["Search only for “printr garbage” as typed"]
    assert query_of(as_typed) == {"q": ["printr garbage"], "as_typed": ["1"]}
    assert result_links(document)[0] == f"/kb/300/Q{PRINTER}/"
    assert not page(client, q="printr garbage", as_typed="1").by_class("did-you-mean")


@pytest.mark.parametrize("meant", ["0x800ccc90", "Q198704", "1999", "NTFS"])
def test_did_you_mean_never_corrects_codes_ids_numbers_or_capitals(client, meant) -> None:
    assert not page(client, q=meant).by_class("did-you-mean")


def test_product_facets_count_and_filter(client) -> None:
    document = page(client, q="printer")
    facets = {a.text: a.attrs["href"] for a in document.by_class("facets")[0].find_all("a")}
    counts = [span.text for span in document.by_class("facet-count")]
    assert set(facets) == {"Microsoft Windows 95", "Microsoft Windows NT"}
    assert counts == ["(1)", "(1)"]
    narrowed = client.get(facets["Microsoft Windows NT"])
    document = parse(narrowed.get_data(as_text=True))
    assert result_links(document) == [f"/kb/300/Q{PRINTER_NT}/"]
    assert document.find("p", role="status").text == "1 article found for Microsoft Windows NT"
    everything = document.by_class("facets")[0].find("a").attrs["href"]
    assert query_of(everything) == {"q": ["printer"]}


def test_paging_links_keep_the_text_and_the_product(client) -> None:
    document = page(client, q="replication", product="Microsoft SQL Server")
    assert len(result_links(document)) == 10
    following = document.find("a", rel="next").attrs["href"]
    assert query_of(following) == {
        "q": ["replication"], "product": ["Microsoft SQL Server"], "page": ["2"]}
    second = parse(client.get(following).get_data(as_text=True))
    assert len(result_links(second)) == 2
    assert not set(result_links(second)) & set(result_links(document))
    assert not second.find_all("a", rel="next")
    previous = second.find("a", rel="prev").attrs["href"]
    assert query_of(previous) == {
        "q": ["replication"], "product": ["Microsoft SQL Server"], "page": ["1"]}
    assert page(client, q="replication").find("p", role="status").text == (
        "24 articles found, page 1 of 3")


def test_a_search_url_is_shareable_as_it_is(client) -> None:
    url = "/search?q=replication&product=Microsoft+Access&page=2"
    first = result_links(parse(client.get(url).get_data(as_text=True)))
    again = result_links(parse(client.get(url).get_data(as_text=True)))
    assert first == again and len(first) == 2


def test_no_results_suggests_what_to_try_offers_the_wizard_and_counts_the_miss(
    client, app
) -> None:
    document = page(client, q="Zyxxy Frobnicator")
    assert document.find("p", role="status").text == "0 articles found"
    section = document.by_class("no-results")[0]
    wizard = [a.attrs["href"] for a in section.find_all("a") if "troubleshoot" in a.attrs["href"]]
    assert len(wizard) == 1
    assert urlsplit(wizard[0]).path == "/troubleshoot"
    assert query_of(wizard[0]) == {"q": ["Zyxxy Frobnicator"]}
    page(client, q="zyxxy   frobnicator")
    assert missed_searches(app) == [("zyxxy frobnicator", 2)]


def test_a_search_that_found_something_is_not_counted_as_a_miss(client, app) -> None:
    page(client, q="printer")
    assert missed_searches(app) == []


def test_the_snippet_marks_the_matched_words(client) -> None:
    document = page(client, q="garbage characters")
    snippet = document.by_class("snippet")[0]
    assert [mark.text.lower() for mark in snippet.find_all("mark")][:2] == [
        "garbage", "characters"]


def test_a_bad_page_number_is_a_helpful_400(client) -> None:
    response = client.get("/search?q=printer&page=abc")
    assert response.status_code == 400
    assert "page number" in response.get_data(as_text=True)


def test_a_page_past_the_last_offers_the_first_and_is_no_miss(client, app) -> None:
    document = page(client, q="replication", page="9")
    assert not document.by_class("no-results")
    assert "page 9" not in document.by_class("count")[0].text
    first = [a.attrs["href"] for a in document.find("main").find_all("a")
             if a.text == "Go to the first page"]
    assert first and query_of(first[0]) == {"q": ["replication"]}
    assert missed_searches(app) == []


def test_several_results_offer_the_wizard_with_the_same_text(client) -> None:
    document = page(client, q="800ccc90")
    offer = document.by_class("wizard-offer")[0].find("a").attrs["href"]
    assert urlsplit(offer).path == "/troubleshoot"
    assert query_of(offer) == {"q": ["800ccc90"]}


# -- paging: one pager, its links built by the view -------------------------------------


def pager_of(document) -> dict[str, str]:
    """What the pager offers: its text, and the href of Previous and Next if shown."""
    nav = document.find("nav", aria_label="Pages")
    links = {a.attrs["rel"]: a.attrs["href"] for a in nav.find_all("a")}
    return {"text": nav.find("span").text, **links}


def test_a_middle_page_of_results_links_both_ways_keeping_the_search(client) -> None:
    document = page(client, q="replication", page="2")
    offered = pager_of(document)
    assert offered["text"] == "Page 2 of 3"
    assert urlsplit(offered["prev"]).path == urlsplit(offered["next"]).path == "/search"
    assert query_of(offered["prev"]) == {"q": ["replication"], "page": ["1"]}
    assert query_of(offered["next"]) == {"q": ["replication"], "page": ["3"]}
    last = parse(client.get(offered["next"]).get_data(as_text=True))
    assert "next" not in pager_of(last) and pager_of(last)["text"] == "Page 3 of 3"


def test_paging_keeps_a_search_made_as_typed(client) -> None:
    document = page(client, q="replication stops", as_typed="1")
    assert query_of(pager_of(document)["next"]) == {
        "q": ["replication stops"], "as_typed": ["1"], "page": ["2"]}


def test_one_page_of_results_has_no_pager(client) -> None:
    document = page(client, q="printer")
    assert len(result_links(document)) == 2
    assert document.find_all("nav", aria_label="Pages") == []


def test_a_code_page_links_its_previous_and_next_page(client, monkeypatch) -> None:
    import app.web.search

    monkeypatch.setattr(app.web.search, "CODE_PAGE", 1)  # its three articles, one a page
    document = parse(client.get("/codes/0x800CCC90?page=2").get_data(as_text=True))
    assert result_links(document) == [f"/kb/300/Q{IMAP}/"]
    assert pager_of(document) == {"text": "Page 2 of 3", "prev": "/codes/0x800CCC90?page=1",
                                  "next": "/codes/0x800CCC90?page=3"}
    last = parse(client.get("/codes/0x800CCC90?page=3").get_data(as_text=True))
    assert pager_of(last) == {"text": "Page 3 of 3", "prev": "/codes/0x800CCC90?page=2"}


# -- the search box ---------------------------------------------------------------------


def test_the_box_takes_as_much_as_a_search_reads(client) -> None:
    from app.query.typed import MAX_QUERY_CHARS

    document = page(client, q="printer")
    box = document.find("input", id="q-top")
    assert box.attrs["maxlength"] == str(MAX_QUERY_CHARS)
    assert box.attrs["value"] == "printer"


def test_the_box_length_comes_from_the_query_limit_not_the_template(client,
                                                                    monkeypatch) -> None:
    import app.web.search

    monkeypatch.setattr(app.web.search, "MAX_QUERY_CHARS", 321)
    for document in (page(client, q="printer"), parse(client.get("/").get_data(as_text=True)),
                     parse(client.get("/no/such/page").get_data(as_text=True))):
        assert [box.attrs["maxlength"] for box in document.find_all("input", name="q")] == [
            "321"]


def test_results_offer_the_help_desk_with_what_was_searched(client, app) -> None:
    app.config["HELPDESK_CONTACT"] = "helpdesk@example.com"
    page = client.get("/search?q=0x800CCC90").get_data(as_text=True)
    assert "Contact the help desk" in page
    assert "Searched for: 0x800CCC90" in page
    assert 'href="mailto:helpdesk@example.com?subject=Help%20needed%3A%200x800CCC90' in page
