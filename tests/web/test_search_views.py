"""The search pages as a person sees them, through Flask's test client."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from app.activity.log import ActivityLog
from tests.conftest import archive_article
from tests.htmltools import parse
from tests.worlds import IMAP, MENTIONS, POP3, PRINTER, PRINTER_NT, SEARCH_ARTICLES

REPLICATION = range(320001, 320025)  # twelve per product: more than a page of each


@pytest.fixture
def app(make_kb):
    """SEARCH_ARTICLES (tests/worlds.py) and the REPLICATION articles."""
    replication = {f"Q{number}": archive_article(
        number, f"Replication Stops After Upgrade {number}", """\
        SYMPTOMS
        ========

        Merge replication stops after the upgrade.
        """, product="Microsoft SQL Server" if number % 2 else "Microsoft Access")
        for number in REPLICATION}
    return make_kb({**SEARCH_ARTICLES, **replication}).app


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
    """(text, times) of the searches that found nothing, as staff see them, once the
    background thread has written them (app/activity/background.py)."""
    assert app.extensions["activity_background"].wait_idle(10)
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
    import app.web.search_pages

    monkeypatch.setattr(app.web.search_pages, "CODE_PAGE", 1)  # its three articles, one a page
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
    import app.web.search_pages

    monkeypatch.setattr(app.web.search_pages, "MAX_QUERY_CHARS", 321)
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


# --- the whole question (issue 10) -------------------------------------------------------


def visible_text(document) -> str:
    return document.find("main").text


def test_an_empty_search_says_what_to_type(client) -> None:
    for query in ("", "   "):
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200
        document = parse(response.get_data(as_text=True))
        assert "The search was empty" in visible_text(document)
        assert "Error 1603" in visible_text(document)
        assert "autofocus" in document.find("input", id="q").attrs


def test_a_bad_page_number_keeps_the_query(client) -> None:
    response = client.get("/search?q=replication+stops&page=abc&product=Microsoft+Access")
    assert response.status_code == 400
    document = parse(response.get_data(as_text=True))
    assert document.find("input", id="q-top").attrs["value"] == "replication stops"
    first = [a for a in document.find("main").find_all("a") if "first page" in a.text]
    assert query_of(first[0].attrs["href"]) == {
        "q": ["replication stops"], "product": ["Microsoft Access"]}


def test_a_text_longer_than_a_search_reads_is_cut_and_the_page_says_so(client) -> None:
    from app.query.typed import MAX_QUERY_CHARS

    long_text = ("printer prints garbage characters " * 80)[: MAX_QUERY_CHARS * 2]
    document = page(client, q=long_text)
    assert "Only the first 1,000 characters were searched" in document.by_class("clipped")[0].text
    assert not page(client, q="printer").by_class("clipped")


def test_counts_are_true_the_same_on_a_facet_and_after_clicking_it(client) -> None:
    document = page(client, q="replication")
    assert document.by_class("count")[0].text.startswith("24 articles found")
    facets = {a.text: a.attrs["href"] for a in document.by_class("facets")[0].find_all("a")}
    counts = {li.find("a").text: li.by_class("facet-count")[0].text
              for li in document.by_class("facets")[0].find_all("li")}
    assert counts == {"Microsoft SQL Server": "(12)", "Microsoft Access": "(12)"}
    clicked = client.get(facets["Microsoft Access"])
    assert "12 articles found for Microsoft Access, page 1 of 2" in clicked.get_data(as_text=True)
    last = page(client, q="replication", page="3")
    assert len(result_links(last)) == 4 and "page 3 of 3" in last.by_class("count")[0].text


def test_facets_fold_away_in_a_details(client) -> None:
    facets = page(client, q="replication").by_class("facets")[0]
    assert facets.tag == "details" and "open" not in facets.attrs
    assert facets.find("summary").text == "Filter by product"


PASTED_DIALOG = ("Outlook Express could not log on to the mail server. The server responded: "
                 "-ERR The AUTH protocol exchange was canceled by the client. Account: 'mail', "
                 "Server: 'pop.example.com', Protocol: POP3, Server Response: '-ERR', Port: 110, "
                 "Secure(SSL): No, Server Error: 0x800CCC90, Error Number: 0x800CCC18")


def test_a_paste_gets_a_short_heading_and_the_whole_text_one_click_away(client) -> None:
    document = page(client, q=PASTED_DIALOG)
    heading = document.find("h1").text
    assert heading == "Results for the error you pasted: 0x800CCC90, 0x800CCC18"
    pasted = document.by_class("pasted")[0]
    assert pasted.tag == "details" and PASTED_DIALOG in pasted.text
    assert result_links(document)[0] == f"/kb/300/Q{POP3}/"
    assert page(client, q="printer").find("h1").text == "Results for “printer”"


def test_codes_are_written_as_people_write_them_on_every_page(client) -> None:
    for document in (page(client, q="stop 0xde"),
                     parse(client.get("/codes/STOP-0x000000DE").get_data(as_text=True)),
                     parse(client.get("/codes/EVENT-1020").get_data(as_text=True))):
        text = visible_text(document)
        assert "STOP-0x" not in text and "EVENT-1020" not in text
    assert "Stop 0x000000DE" in visible_text(page(client, q="stop 0xde"))
    found = client.get("/api/search?q=stop+0xde").get_json()
    assert found["codes"] == ["STOP-0x000000DE"] and found["code_labels"] == ["Stop 0x000000DE"]


def test_a_code_no_article_carries_offers_the_near_ones_and_the_words(client) -> None:
    document = page(client, q="0x800CCC9 outlook express")
    near = document.by_class("near-codes")[0]
    assert "No article carries HRESULT 0x0800CCC9" not in near.text  # a label, not a kind
    assert "No article carries 0x800CCC9." in near.text  # as typed
    links = {a.text: a.attrs["href"] for a in near.find_all("a")}
    assert links["0x800CCC90"] == "/codes/0x800CCC90"
    assert query_of(links["search the words only: “outlook express”"])["q"] == [
        "outlook express"]
    code_page = parse(client.get("/codes/0x0800CCC9").get_data(as_text=True))
    section = code_page.by_class("near-codes")[0]
    assert "No article carries 0x0800CCC9" in section.text
    assert next(a.attrs["href"] for a in section.find_all("a")) == "/codes/0x800CCC90"
    assert code_page.find("h1").text.startswith("HRESULT 0x0800CCC9")


def test_code_and_words_that_do_not_fit_offer_the_words_alone(client) -> None:
    document = page(client, q="0x00002AF9 printer garbage")
    misfit = document.by_class("words-misfit")[0]
    assert "0x00002AF9" in misfit.text and "printer garbage" in misfit.text
    link = misfit.find("a").attrs["href"]
    assert query_of(link)["q"] == ["printer garbage"]
    assert not page(client, q="0x00002AF9 host names").by_class("words-misfit")


def test_code_pages_say_nothing_of_words_nobody_typed(client) -> None:
    text = client.get("/codes/0x800CCC90").get_data(as_text=True)
    assert "of your" not in text and "It is about the error code 0x800CCC90" in text


def test_the_home_box_has_focus(client) -> None:
    box = parse(client.get("/").get_data(as_text=True)).find("input", id="q")
    assert "autofocus" in box.attrs


def test_api_suggest_answers_codes_ids_and_titles(client) -> None:
    answer = client.get("/api/suggest?q=0x800cc").get_json()
    assert answer["suggestions"][0] == {"kind": "code", "text": "0x800CCC90",
                                        "id": "0x800CCC90", "url": "/codes/0x800CCC90"}
    titles = client.get("/api/suggest?q=replication sto").get_json()["suggestions"]
    assert titles and all(s["kind"] == "article" and s["url"].startswith("/kb/")
                          for s in titles)
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []
    assert client.get("/api/suggest").status_code == 200
