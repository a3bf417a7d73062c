"""The pages a person opens, through Flask's test client."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.htmltools import parse


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


# -- article pages: structure a reader and a help desk rely on ---------------------------


def test_article_page_structure_toc_sections_steps_and_side_box(client) -> None:
    doc = parse(client.get("/kb/100/Q100001/").get_data(as_text=True))
    assert len(doc.find_all("h1")) == 1
    sections = doc.find_all("section")
    ids = [s.attrs["id"] for s in sections if s.attrs.get("id") != "feedback"]
    assert ids == ["symptoms", "workaround"]
    toc = doc.find("nav", **{"aria-labelledby": "toc-title"})
    assert [a.attrs["href"] for a in toc.find_all("a")] == ["#symptoms", "#workaround"]
    workaround = doc.find("section", id="workaround")
    steps = workaround.find("ol")
    assert [li.text for li in steps.find_all("li")] == [
        "On the Tools menu, click Accounts.", "Select the Clear Text option."]
    assert "0x800ccc90" in doc.find("section", id="symptoms").find("pre").text
    side = doc.find("aside")
    assert "Microsoft Exchange" in side.text and "21 February 1999" in side.text
    assert side.find("time").attrs["datetime"] == "1999-02-21"
    assert [a.attrs["href"] for a in side.by_class("codes")[0].find_all("a")] == [
        "/codes/0x800CCC90", "/codes/0x800CCC18"]


def test_every_section_heading_has_a_copy_link_to_its_permalink(client) -> None:
    doc = parse(client.get("/kb/100/Q100001/?q=pop3").get_data(as_text=True))
    links = doc.by_class("copy-link")
    assert [a.attrs["href"] for a in links] == ["#symptoms", "#workaround"]
    # the copied URL is the clean permalink, not the search-highlighted one
    assert [a.attrs["data-url"] for a in links] == [
        "http://localhost/kb/100/Q100001/#symptoms", "http://localhost/kb/100/Q100001/#workaround"]
    assert "Symptoms" in links[0].text


def test_query_words_are_marked_in_text_and_never_inside_tags(client) -> None:
    html = client.get("/kb/100/Q100001/?q=pop3+code+href+0x800ccc90").get_data(as_text=True)
    doc = parse(html)
    marks = [m.text.lower() for m in doc.by_class("hit") if m.tag == "mark"]
    assert "pop3" in marks and "0x800ccc90" in marks
    # "code" and "href" are attribute names/values of the code links: untouched
    assert "code" not in marks and "href" not in marks
    code_links = doc.find("section", id="symptoms").by_class("code")
    assert [a.attrs["href"] for a in code_links] == ["/codes/0x800CCC90", "/codes/0x800CCC18"]
    assert code_links[0].find("mark").text == "0x800ccc90"
    assert "highlighted" in doc.by_class("highlight-note")[0].text


def test_query_stems_match_and_the_note_offers_the_plain_page(client) -> None:
    doc = parse(client.get("/kb/100/Q100003/?q=printers+garbage+character"
                           ).get_data(as_text=True))
    marks = {m.text for m in doc.find_all("mark")} - {"highlighted"}
    assert {"printer", "garbage", "characters"} <= marks
    assert "prints" not in marks  # another stem
    note = doc.by_class("highlight-note")[0]
    assert note.find("a").attrs["href"] == "/kb/100/Q100003/"


def test_a_hostile_query_on_an_article_is_escaped(client) -> None:
    html = client.get("/kb/100/Q100001/", query_string={"q": '"><script>alert(1)</script>'}
                      ).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_highlighting_without_a_query(client) -> None:
    html = client.get("/kb/100/Q100001/").get_data(as_text=True)
    assert '<mark class="hit">' not in html and "highlight-note" not in html


def test_a_query_that_matches_nothing_says_so(client) -> None:
    doc = parse(client.get("/kb/100/Q100001/?q=zebra").get_data(as_text=True))
    assert "None of the words" in doc.by_class("highlight-note")[0].text


def test_redirects_keep_the_search_words(client) -> None:
    response = client.get("/Q100001?q=pop3")
    assert response.status_code == 301
    assert response.headers["Location"] == "/kb/100/Q100001/?q=pop3"


def test_related_articles_share_the_error_code_first(client) -> None:
    doc = parse(client.get("/kb/100/Q100001/").get_data(as_text=True))
    related = doc.find("nav", **{"aria-labelledby": "related-title"})
    hrefs = [a.attrs["href"] for a in related.find_all("a")]
    assert hrefs[0] == "/kb/100/Q100002/"
    assert "/kb/100/Q100001/" not in hrefs
    assert "same code 0x800CCC90" in related.text


def test_article_pages_are_safe_and_need_no_inline_script(client) -> None:
    response = client.get("/kb/100/Q100001/")
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "script-src 'self'" in csp
    doc = parse(response.get_data(as_text=True))
    assert all(s.attrs.get("src") for s in doc.find_all("script"))
    assert not any("style" in el.attrs or any(k.startswith("on") for k in el.attrs)
                   for tag in ("div", "section", "a", "p", "button", "form")
                   for el in doc.find_all(tag))


@pytest.mark.parametrize("path", ["/kb/100/Q100001/", "/nowhere", "/products/nothing/"])
def test_security_headers_on_pages_and_errors(client, path: str) -> None:
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


# -- products -------------------------------------------------------------------------------


def test_product_page_lists_newest_first(client) -> None:
    doc = parse(client.get("/products/microsoft-exchange/").get_data(as_text=True))
    assert doc.find("h1").text == "Microsoft Exchange"
    hrefs = [a.attrs["href"] for a in doc.find("ol").find_all("a")]
    assert hrefs == ["/kb/100/Q100001/", "/kb/100/Q100002/"]


@pytest.mark.parametrize(("query", "status"), [("page=2", 404), ("page=0", 400), ("page=x", 400)])
def test_product_page_bad_pages(client, query: str, status: int) -> None:
    assert client.get(f"/products/microsoft-exchange/?{query}").status_code == status


def test_unknown_product_is_a_404_with_a_search_box(client) -> None:
    response = client.get("/products/no-such-thing/")
    assert response.status_code == 404
    assert 'name="q"' in response.get_data(as_text=True)


def test_home_links_every_product_with_its_count(client) -> None:
    doc = parse(client.get("/").get_data(as_text=True))
    items = doc.by_class("product-list")[0].find_all("li")
    assert [(li.find("a").attrs["href"], li.find("span").text) for li in items] == [
        ("/products/microsoft-exchange/", "2"),
        ("/products/microsoft-windows-95-x-retail-product/", "1"),
    ]
    assert doc.find("label", **{"for": "q"}).text == (
        "Paste an error code or message, or describe the problem")


# -- OpenSearch -----------------------------------------------------------------------------


def test_opensearch_description_points_at_the_search_page(client) -> None:
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ElementTree.fromstring(response.data)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    assert root.find("os:ShortName", ns).text == "KB Troubleshooter"
    templates = [u.get("template") for u in root.findall("os:Url", ns)
                 if u.get("type") == "text/html"]
    assert templates == ["http://localhost/search?q={searchTerms}"]
    home = parse(client.get("/").get_data(as_text=True))
    link = home.find("link", rel="search")
    assert link.attrs["href"] == "/opensearch.xml"


def test_product_page_says_how_many_and_which_page(tmp_path, kb_dir) -> None:
    from app import create_app
    from app.index.build import build_index
    from tests.conftest import archive_article, write_article

    for number in range(200001, 200056):
        write_article(kb_dir, number, archive_article(number, f"Article {number}", """\
            SYMPTOMS
            ========

            Something.
            """, product="Microsoft Mail", modified=f"{number % 28 + 1:02d}-JAN-1999"))
    index = tmp_path / "big-index"
    build_index(kb_dir, index, procs=1)
    client = create_app({"TESTING": True, "KB_DIR": str(kb_dir), "INDEX_DIR": str(index),
                         "ACTIVITY_DB": str(tmp_path / "a.sqlite")}).test_client()
    first = parse(client.get("/products/microsoft-mail/").get_data(as_text=True))
    assert first.by_class("count")[0].text == "55 articles, newest first · page 1 of 2"
    dates = [t.attrs["datetime"] for t in first.find("ol").find_all("time")]
    assert len(dates) == 50 and dates == sorted(dates, reverse=True)
    assert first.find("time").text == "28 Jan 1999"
    assert first.find("a", rel="next").attrs["href"] == "/products/microsoft-mail/?page=2"
    second = parse(client.get("/products/microsoft-mail/?page=2").get_data(as_text=True))
    assert len(second.find("ol").find_all("li")) == 5
    assert second.find("a", rel="prev").attrs["href"] == "/products/microsoft-mail/?page=1"


def test_related_articles_are_remembered_until_the_index_changes(app, monkeypatch) -> None:
    import app.search.related as related

    calls = []
    real = related._related
    monkeypatch.setattr(related, "_related", lambda *a: calls.append(a) or real(*a))
    client = app.test_client()
    first = client.get("/kb/100/Q100002/").get_data(as_text=True)
    second = client.get("/kb/100/Q100002/").get_data(as_text=True)
    assert len(calls) == 1
    assert first.count("/kb/100/Q100001/") == second.count("/kb/100/Q100001/") >= 1
    # The index changes (Q100001 is deleted): the remembered list is not served again.
    from app.index.build import build_index

    (Path(app.config["KB_DIR"]) / "100" / "Q100001" / "README.md").unlink()
    build_index(Path(app.config["KB_DIR"]), Path(app.config["INDEX_DIR"]), procs=1)
    app.extensions["knowledge_base"].refresh_seconds = 0
    third = client.get("/kb/100/Q100002/").get_data(as_text=True)
    assert len(calls) == 2
    assert "/kb/100/Q100001/" not in third


def test_sub_headings_have_anchors_and_sit_in_the_contents(tmp_path, kb_dir) -> None:
    from app import create_app
    from app.index.build import build_index

    (kb_dir / "helpdesk").mkdir()
    (kb_dir / "helpdesk" / "Q900100.md").write_text(
        "---\nid: Q900100\ntitle: VPN drops every hour\nproducts: [Windows XP]\n---\n"
        "## Symptoms\n\nThe VPN drops.\n\n## Resolution\n\n### On Windows XP\n\nDo this.\n\n"
        "### Symptoms\n\nA heading named like a section.\n", encoding="utf-8")
    index = tmp_path / "sub-index"
    build_index(kb_dir, index, procs=1)
    client = create_app({"TESTING": True, "KB_DIR": str(kb_dir), "INDEX_DIR": str(index),
                         "ACTIVITY_DB": str(tmp_path / "a.sqlite")}).test_client()
    doc = parse(client.get("/kb/900/Q900100/").get_data(as_text=True))
    resolution = doc.find("section", id="resolution")
    assert [h.attrs.get("id") for h in resolution.find_all("h3")] == [
        "on-windows-xp", "symptoms-2"]
    toc = doc.find("nav", **{"aria-labelledby": "toc-title"})
    assert [a.attrs["href"] for a in toc.find_all("a")] == [
        "#symptoms", "#resolution", "#on-windows-xp", "#symptoms-2"]
    ids = [el.attrs["id"] for tag in ("section", "h2", "h3", "nav", "textarea", "input", "p")
           for el in doc.find_all(tag) if "id" in el.attrs]
    assert len(ids) == len(set(ids))  # every id on the page is unique


def test_the_home_box_can_also_start_the_troubleshooter(client) -> None:
    doc = parse(client.get("/").get_data(as_text=True))
    form = doc.find("form", role="search")
    buttons = form.find_all("button")
    assert [b.text for b in buttons] == ["Search", "Troubleshoot step by step"]
    assert form.attrs["action"] == "/search" and buttons[1].attrs["formaction"] == "/troubleshoot"
    assert not buttons[0].attrs.get("name")  # only q goes into the URL


def test_hostile_article_html_is_sanitised_on_the_page(tmp_path, kb_dir) -> None:
    from app import create_app
    from app.index.build import build_index

    (kb_dir / "helpdesk").mkdir(exist_ok=True)
    (kb_dir / "helpdesk" / "Q900200.md").write_text(
        "---\nid: Q900200\ntitle: \"<img src=x onerror=alert(1)> Title\"\n---\n## Symptoms\n\n"
        "<script>alert('body')</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[click](javascript:alert(3)) and <a href=\"#\" onclick=\"alert(4)\">this</a>\n\n"
        "<iframe src=\"https://evil.example/\"></iframe><style>body{display:none}</style>\n",
        encoding="utf-8")
    index = tmp_path / "evil-index"
    build_index(kb_dir, index, procs=1)
    client = create_app({"TESTING": True, "KB_DIR": str(kb_dir), "INDEX_DIR": str(index),
                         "ACTIVITY_DB": str(tmp_path / "a.sqlite")}).test_client()
    html = client.get("/kb/900/Q900200/?q=alert+onerror").get_data(as_text=True)
    doc = parse(html)
    assert doc.find("h1").text == "<img src=x onerror=alert(1)> Title"  # shown, as text
    body = doc.find("section", id="symptoms")
    assert not body.find_all("script") and not body.find_all("iframe")
    assert not body.find_all("style") and not body.find_all("img")
    for tag in ("a", "p", "mark"):
        for element in body.find_all(tag):
            assert not any(name.startswith("on") for name in element.attrs)
            assert not element.attrs.get("href", "").startswith("javascript")
    assert all(s.attrs.get("src") == "/static/app.js" for s in doc.find_all("script"))


def test_similar_articles_have_their_own_page_linked_from_the_article(client) -> None:
    doc = parse(client.get("/kb/100/Q100003/").get_data(as_text=True))
    more = doc.find("a", **{"data-related-more": ""})
    assert more.attrs["href"] == "/kb/100/Q100003/related"
    page = parse(client.get("/kb/100/Q100003/related").get_data(as_text=True))
    assert page.find("h1").text == "Articles related to Q100003"
    assert client.get("/kb/100/Q999999/related").status_code == 404


def test_the_comment_limit_is_the_one_the_log_keeps(client) -> None:
    from app.activity.log import MAX_COMMENT

    document = parse(client.get("/kb/100/Q100001/").get_data(as_text=True))
    assert document.find("textarea", id="comment").attrs["maxlength"] == str(MAX_COMMENT)
    assert f"Up to {MAX_COMMENT:,} characters" in document.find("p", id="comment-hint").text


def test_a_middle_product_page_links_both_ways(client, monkeypatch) -> None:
    import app.web.pages

    monkeypatch.setattr(app.web.pages, "PRODUCT_PAGE", 1)  # its two articles, one a page
    first = parse(client.get("/products/microsoft-exchange/").get_data(as_text=True))
    nav = first.find("nav", aria_label="Pages")
    assert nav.find("span").text == "Page 1 of 2"
    assert [(a.attrs["rel"], a.attrs["href"]) for a in nav.find_all("a")] == [
        ("next", "/products/microsoft-exchange/?page=2")]
    second = parse(client.get("/products/microsoft-exchange/?page=2&q=x").get_data(
        as_text=True))
    assert [a.attrs["href"] for a in second.find("ol").find_all("a")] == ["/kb/100/Q100002/"]
    nav = second.find("nav", aria_label="Pages")
    assert [(a.attrs["rel"], a.attrs["href"]) for a in nav.find_all("a")] == [
        ("prev", "/products/microsoft-exchange/?page=1")]


def test_a_product_on_one_page_has_no_pager(client) -> None:
    document = parse(client.get("/products/microsoft-exchange/").get_data(as_text=True))
    assert document.find_all("nav", aria_label="Pages") == []


def test_the_home_box_takes_as_much_as_a_search_reads(client) -> None:
    from app.query.typed import MAX_QUERY_CHARS

    box = parse(client.get("/").get_data(as_text=True)).find("input", id="q")
    assert box.attrs["maxlength"] == str(MAX_QUERY_CHARS) and box.attrs["value"] == ""


def test_an_article_offers_the_help_desk_with_the_article_named(client, app) -> None:
    app.config["HELPDESK_TICKET_URL"] = "https://tickets.example.com/new?title={subject}"
    page = client.get("/kb/100/Q100001/").get_data(as_text=True)
    assert "Contact the help desk" in page
    assert "Read article Q100001" in page
    assert 'href="https://tickets.example.com/new?title=Help%20needed%3A%20Q100001' in page


def test_the_related_page_names_its_list_once(client) -> None:
    page = parse(client.get("/kb/100/Q100001/related").get_data(as_text=True))
    assert [h.text for h in page.find("main").find_all("h2")] == []  # the h1 says it
    related = page.find("nav", **{"aria-label": "Related articles"})
    assert related.find("a").attrs["href"] == "/kb/100/Q100002/"


@pytest.mark.parametrize("path", ["/", "/search?q=pop3", "/search?q=", "/codes/0x800CCC90",
                                  "/kb/100/Q100001/", "/kb/100/Q100001/related",
                                  "/troubleshoot", "/troubleshoot?q=0x800ccc90", "/nowhere"])
def test_every_page_has_a_plain_title(client, path: str) -> None:
    """WCAG 2.4.2: the tab says which page it is, in words (the wizard's start page
    showed '<script src=...>' there)."""
    title = parse(client.get(path).get_data(as_text=True)).find("title").text
    assert title.endswith(" · KB Troubleshooter") and len(title) > len(" · KB Troubleshooter")
    assert "<" not in title and ">" not in title, title
