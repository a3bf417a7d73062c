"""Numbers, dates and codes on pages: one filter each (app/web/filters.py), and no
template that formats by hand."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from app import PROJECT_ROOT
from app.web.filters import as_date, date_label, date_tag, thousands


def test_thousands() -> None:
    assert [thousands(n) for n in (0, 999, 1000, 60335, 1234567)] == [
        "0", "999", "1,000", "60,335", "1,234,567"]


@pytest.mark.parametrize("value", [date(1999, 2, 7), datetime(1999, 2, 7, 13, 5),
                                   "1999-02-07", "1999-02-07T00:00:00"])
def test_every_shape_of_date_reads_alike(value) -> None:
    assert as_date(value) == date(1999, 2, 7)
    assert [date_label(value, style) for style in ("month", "day", "long")] == [
        "Feb 1999", "7 Feb 1999", "7 February 1999"]  # no zero before the day


@pytest.mark.parametrize("value", [None, "", "not a date", "1999-13-40"])
def test_no_date_is_no_text(value) -> None:
    assert date_label(value) == "" and str(date_tag(value)) == ""


def test_the_date_tag_is_machine_readable_too() -> None:
    assert str(date_tag("1999-02-21T00:00:00", "long")) == (
        '<time datetime="1999-02-21">21 February 1999</time>')


def test_the_filters_are_registered_for_templates(app) -> None:
    template = app.jinja_env.from_string(
        "{{ 60335 | thousands }} {{ day | date('month') }} {{ 'ERROR-1603' | code_label }}")
    assert template.render(day=date(2002, 8, 16)) == (
        '60,335 <time datetime="2002-08-16">Aug 2002</time> Error 1603')


def test_no_template_formats_numbers_or_dates_by_hand() -> None:
    by_hand = re.compile(r"\.format\(|strftime\(|isoformat\(|\{:,\}")
    found = [f"{path.relative_to(PROJECT_ROOT)}:{number}"
             for path in sorted((PROJECT_ROOT / "templates").rglob("*.html"))
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if by_hand.search(line)]
    assert found == [], "use the thousands and date filters (app/web/filters.py)"


def test_the_pages_show_dates_and_counts_through_the_filters(client) -> None:
    article = client.get("/kb/100/Q100003/").get_data(as_text=True)
    assert '<time datetime="1998-05-04">4 May 1998</time>' in article
    results = client.get("/search?q=printer+garbage").get_data(as_text=True)
    assert '<time datetime="1998-05-04">May 1998</time>' in results
