"""The lead's insights: gaps (what to write next), deflection (what the troubleshooter
and the articles solved without the help desk) and the walks themselves.

Every table has its CSV (`/staff/insights/<table>.csv`); every chart is SVG made on the
server (app/insights/charts.py) beside the table with its numbers. The views only read
the domain (app/insights) and render; dismissing a gap is audited. Visits' events are
written behind the pages (app/web/visits.py): each view first lets this process's
queue be written (at most SETTLE_SECONDS), so what was just done shows.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from markupsafe import Markup

from app.insights.charts import bar_chart
from app.insights.deflection import Deflection, Period, deflection, week_days
from app.insights.gaps import Gap, dismiss, gaps
from app.insights.grouping import codes_of
from app.insights.walks import ENDS, Walk, recent_walks
from app.staff.audit import RefusedError
from app.web.knowledge import get_kb
from app.web.overlay import get_overlays
from app.web.recording import engine
from app.web.staff_auth import current_staff, private, staff_required
from app.web.visits import background

bp = Blueprint("insights", __name__, url_prefix="/staff/insights")
bp.after_request(private)


def _settle() -> None:
    """Let this process's queued events be written before a lead reads them."""
    background().wait_idle(SETTLE_SECONDS)

CHARTS = (("fixed", "Walks fixed"), ("handed_over", "Walks handed over"),
          ("abandoned", "Walks abandoned"), ("helpful", "Searches ending at a helpful article"),
          ("share", "Share solved without the help desk (%)"))
PERIOD_COLUMNS = ("label", "fixed", "handed_over", "abandoned", "helpful", "share")
MAX_DAYS = 366
SETTLE_SECONDS = 2.0
WRITE_URL = "/staff/articles/new"   # the authoring pages' new article (issue 21)


def _now() -> datetime:
    return datetime.now(UTC)


def _days() -> int:
    value = request.args.get("days", "28").strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
        abort(400, description=f"days must be a whole number from 1 to {MAX_DAYS}.")
    return int(value)


def _pins() -> dict[tuple[str, str], str]:
    return {(p.kind, p.key): p.updated for p in get_overlays().pins.values()}


def charts(found: Deflection) -> list[tuple[str, str, Markup]]:
    """(measure, title, svg) per measure, over the days."""
    made = []
    for measure, title in CHARTS:
        points = [(p.label, getattr(p, measure) or 0) for p in found.days]
        # Made by bar_chart from numbers and escaped labels only.
        made.append((measure, title, Markup(bar_chart(measure, title, points))))
    return made


def pin_url(gap: Gap) -> str:
    """The pins page, for this gap's code (however typed, one pin) or its words."""
    codes = codes_of(gap.key)
    return url_for("staff.pins", **{"for": codes[0] if codes else gap.queries[0] if gap.queries
                                    else gap.label})


def write_url(gap: Gap) -> str:
    """The authoring page's new article, pre-filled with the gap's codes and words."""
    codes = codes_of(gap.key)
    title = gap.queries[0] if gap.queries else gap.label
    return WRITE_URL + "?" + urlencode({"title": title, "codes": " ".join(codes),
                                        "q": gap.queries[0] if gap.queries else gap.label})


@bp.get("/")
@staff_required("lead")
def dashboard():
    days = _days()
    _settle()
    found = deflection(engine(), _now(), days)
    listed = gaps(engine(), _now(), _pins())
    walked = recent_walks(engine(), _now(), 10)
    named = {a for gap in listed for a in (*gap.articles, *gap.written)}
    named |= {article for article, _ in found.articles}
    named |= {walk.article_id for walk in walked if walk.article_id}
    return render_template("staff/insights.html", staff=current_staff(), days=days,
                           found=found, charts=charts(found), gaps=listed, walks=walked,
                           titles=_titles(named), pin_url=pin_url, write_url=write_url,
                           week_days=week_days)


def _titles(ids: set[str]) -> dict[str, str]:
    """The titles of the articles a page names, so a lead reads more than an id."""
    return get_kb().store().titles(sorted(ids)) if ids else {}


@bp.get("/walks")
@staff_required("lead")
def walks():
    end = request.args.get("end", "")
    if end and end not in ENDS:
        abort(400, description=f"end must be one of: {', '.join(ENDS)}.")
    _settle()
    walked = recent_walks(engine(), _now(), 200, end)
    return render_template("staff/walks.html", staff=current_staff(), end=end, ends=ENDS,
                           walks=walked, titles=_titles({w.article_id for w in walked
                                                         if w.article_id}))


@bp.post("/dismiss")
@staff_required("lead")
def dismiss_gap():
    try:
        dismiss(engine(), request.form.get("gap", "")[:600], current_staff().name)
    except RefusedError as refused:
        abort(refused.status, description=f"Nothing was dismissed. {refused.message}")
    return redirect(url_for("insights.dashboard", dismissed=1) + "#gaps", code=303)


def _rows(table: str) -> tuple[list[str], list[list[object]]]:
    if table in ("days", "weeks"):
        found = deflection(engine(), _now(), _days())
        periods: list[Period] = found.days if table == "days" else found.weeks
        return list(PERIOD_COLUMNS), [[getattr(p, c) for c in PERIOD_COLUMNS] for p in periods]
    if table in ("codes", "articles"):
        found = deflection(engine(), _now(), _days())
        return [table[:-1], "solved"], [list(row) for row in getattr(found, table)]
    if table == "gaps":
        listed: list[Gap] = gaps(engine(), _now(), _pins(), limit=500)
        return (["gap", "hits", "this_week", "last_week", "no_results", "no_click",
                 "handed_over", "not_helpful", "queries", "articles", "answered",
                 "answered_by"],
                [[g.label, g.hits, g.this_week, g.last_week, g.no_results, g.no_click,
                  g.handed_over, g.not_helpful, " | ".join(g.queries), " ".join(g.articles),
                  g.answered, g.answered_by] for g in listed])
    if table == "walks":
        ended: list[Walk] = recent_walks(engine(), _now(), 1000)
        return (["started", "query", "answers", "end", "where", "article", "tried", "screen"],
                [[w.started, w.query, w.answers, w.end, w.where, w.article_id or "", w.tried,
                  url_for("troubleshoot.wizard", _external=True) + "?" + w.state]
                 for w in ended])
    abort(404, description=f"There is no table {table[:40]!r}: days, weeks, codes, articles, "
                           "gaps or walks.")


@bp.get("/<table>.csv")
@staff_required("lead")
def table_csv(table: str):
    _settle()
    columns, rows = _rows(table)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
        writer.writerow([f"'{v}" if isinstance(v, str) and v and v[0] in "=+-@" else v
                         for v in row])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="insights-{table}.csv"'})
