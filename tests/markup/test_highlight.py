"""Search words marked in article HTML on text only; sub-headings given anchors."""

from __future__ import annotations

import pytest

from app.markup.highlight import decorate, highlight, query_terms
from tests.htmltools import parse

HTML = ('<p>The printer <a class="code" href="/codes/0x800CCC90?printer=1&amp;x">0x800ccc90'
        '</a> prints &lt;garbage&gt; AT&amp;T</p><pre>printer\n  error</pre>')


def test_query_terms_are_stems_without_stop_words_or_letters() -> None:
    assert query_terms("The printers are printing a garbage") == {"printer", "print", "garbag"}


def test_codes_match_however_the_query_wrote_them() -> None:
    html, count = highlight(HTML, query_terms("800ccc90"))
    assert count == 1
    assert parse(html).find("a").find("mark").text == "0x800ccc90"


def test_marks_go_on_text_only_and_the_markup_survives() -> None:
    html, count = highlight(HTML, query_terms("printer code href garbage amp"))
    doc = parse(html)
    assert [m.text for m in doc.find_all("mark")] == ["printer", "garbage", "printer"]
    assert count == 3
    link = doc.find("a")
    assert link.attrs == {"class": "code", "href": "/codes/0x800CCC90?printer=1&x"}
    assert "&lt;<mark" in html and "AT&amp;T" in html  # entities kept as they were
    assert html.replace('<mark class="hit">', "").replace("</mark>", "") == HTML


@pytest.mark.parametrize("query", ['"><script>alert(1)</script>', "<b onclick=x>", "&amp; <"])
def test_a_hostile_query_adds_nothing_but_marks(query: str) -> None:
    html, _ = highlight(HTML, query_terms(query))
    assert html.replace('<mark class="hit">', "").replace("</mark>", "") == HTML


def test_no_terms_leave_the_html_alone() -> None:
    assert highlight(HTML, query_terms("the a of")) == (HTML, 0)


def test_sub_headings_get_unique_anchors_from_their_text() -> None:
    taken = {"symptoms", "feedback"}
    done = decorate("<h3>Symptoms</h3><p>x</p><h3>On <em>Windows</em> XP &amp; 2000</h3>"
                    "<h4>On Windows XP &amp; 2000</h4>", frozenset(), taken)
    doc = parse(done.html)
    assert [h.attrs["id"] for h in doc.find_all("h3") + doc.find_all("h4")] == [
        "symptoms-2", "on-windows-xp-2000", "on-windows-xp-2000-2"]
    assert done.headings == [("Symptoms", "symptoms-2"), ("On Windows XP & 2000",
                             "on-windows-xp-2000"), ("On Windows XP & 2000",
                             "on-windows-xp-2000-2")]
    assert {"symptoms-2", "on-windows-xp-2000"} <= taken
