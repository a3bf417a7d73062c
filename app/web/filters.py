"""How pages write numbers, dates and codes: each format has its one home here, and
`init_app` registers them all as Jinja filters, so no template formats by hand.

    {{ results.total | thousands }}            12,345
    {{ hit.date | date('month') }}             <time datetime="1999-02-21">Feb 1999</time>
    {{ article.last_modified | date('long') }} <time datetime="1999-02-21">21 February 1999</time>
    {{ code | code_label }}                    Error 1603
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from markupsafe import Markup

from app.codes.labels import label as code_label

# How much of a date each kind of page has room for: a result's line of facts, a list
# of a product's articles, an article's own facts.
DATE_STYLES = {"month": "{d:%b %Y}", "day": "{d.day} {d:%b %Y}", "long": "{d.day} {d:%B %Y}"}


def thousands(number: int) -> str:
    """12345 -> "12,345": every count a page shows."""
    return f"{number:,}"


def as_date(value: date | datetime | str | None) -> date | None:
    """A date from what the store and the index hand over: a date, a datetime or an
    ISO string (`1999-02-21`, `1999-02-21T00:00:00`); None for none or a bad one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def date_label(value: date | datetime | str | None, style: str = "day") -> str:
    """The date as text in one of DATE_STYLES; "" when there is none."""
    day = as_date(value)
    return DATE_STYLES[style].format(d=day) if day else ""


def date_tag(value: date | datetime | str | None, style: str = "day") -> Markup:
    """The date as a `<time>` element (machine-readable too); empty when there is none."""
    day = as_date(value)
    if day is None:
        return Markup("")
    return Markup('<time datetime="{}">{}</time>').format(day.isoformat(),
                                                          date_label(day, style))


def init_app(app: Flask) -> None:
    """Register every filter the templates use."""
    app.add_template_filter(thousands, "thousands")
    app.add_template_filter(date_tag, "date")
    app.add_template_filter(code_label, "code_label")
