"""The insights domain (app/insights): walks' ends, gaps grouped by what they are
about, deflection per day and week, charts, and retention folding, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, update

from app.activity.database import database_url, ensure_schema, make_engine
from app.activity.log import ActivityLog
from app.authoring.source import Fields, compose
from app.authoring.tables import versions
from app.authoring.versions import publish, remove
from app.insights.charts import bar_chart
from app.insights.deflection import deflection, week_days, week_of
from app.insights.facts import prune
from app.insights.gaps import dismiss, gaps
from app.insights.grouping import gap_key, gap_label, pin_key_of
from app.insights.record import (
    CLICK,
    FIXED,
    HANDOVER,
    HELPFUL,
    MISS,
    SCREEN,
    SEARCH,
    VOTE_NO,
    Event,
    now_text,
    record,
)
from app.insights.tables import TEXT_KINDS, TEXT_KINDS_SQL, events
from app.insights.walks import recent_walks
from app.staff.audit import entries
from tests.activity_db import BACKENDS, backend_config
from tests.htmltools import parse

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)   # a Thursday: its ISO week began on the 7th


def at(days: float = 0, minutes: float = 0) -> str:
    return now_text(NOW - timedelta(days=days, minutes=minutes))


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path) -> Engine:
    config = backend_config(request.param, tmp_path)
    made = make_engine(database_url(config.get("DATABASE_URL", ""), config["ACTIVITY_DB"]))
    ensure_schema(made)
    yield made
    made.dispose()


def walk(engine: Engine, walk_id: str, query: str, end: str, started: str,
         article: str = "Q100001") -> None:
    """A walk of two screens ending `end` ("fixed", "handed over", or "" to leave it)."""
    record(engine, Event(SCREEN, query, walk=walk_id, screen="Question: Which program?",
                         state=f"q={query}", starts=True), started)
    record(engine, Event(SCREEN, query, walk=walk_id, article_id=article, step=2,
                         screen=f"Step 2 of 3 of {article}", detail="Program: Outlook Express",
                         state=f"q={query}&article={article}&step=2"), started)
    if end == "fixed":
        record(engine, Event(FIXED, query, walk=walk_id, article_id=article, step=2,
                             screen=f"Fixed by {article} at step 2"), started)
    elif end == "handed over":
        record(engine, Event(HANDOVER, query, walk=walk_id, article_id=article,
                             screen="none of the articles that might fit",
                             detail="Seen, not theirs: Q100002, Q100003"), started)


def test_three_spellings_of_one_code_are_one_gap_and_different_codes_are_not() -> None:
    keys = {gap_key(t) for t in ("0x800ccc0e", "0x800CCC0E", "error 0x800ccc0e outlook",
                                 "800CCC0E")}
    assert keys == {"code:0x800CCC0E"}
    assert gap_key("0x800ccc0f") != gap_key("0x800ccc0e")
    assert gap_key("stop 0x7b") == gap_key("INACCESSIBLE_BOOT_DEVICE") == gap_key(
        "STOP: 0x0000007B")
    assert gap_key("printer prints garbage") == gap_key("Garbage printing printer")
    assert gap_key("the of") == "" and gap_key("   ") == ""
    assert gap_label("code:0x800CCC0E STOP-0x0000007B") == "0x800CCC0E, Stop 0x0000007B"
    assert pin_key_of("code:0x800CCC0E") == ("code", "0x800CCC0E")


def test_walk_ends_read_fixed_handed_over_abandoned_and_in_progress(engine) -> None:
    walk(engine, "a" * 16, "0x800ccc0e", "fixed", at(minutes=50))
    walk(engine, "b" * 16, "outlook hangs", "handed over", at(minutes=40))
    walk(engine, "c" * 16, "printer garbage", "", at(minutes=31))   # left: abandoned
    walk(engine, "d" * 16, "vpn drops", "", at(minutes=5))          # still going
    walk(engine, "e" * 16, "disk full", "fixed", at(minutes=55))    # written late (a queue)
    assert [w.walk[0] for w in recent_walks(engine, NOW)] == ["d", "c", "b", "a", "e"]
    walks = {w.walk[0]: w for w in recent_walks(engine, NOW)}
    assert {k: w.end for k, w in walks.items()} == {
        "a": "fixed", "b": "handed over", "c": "abandoned", "d": "in progress", "e": "fixed"}
    assert walks["a"].where == "Fixed by Q100001 at step 2"
    assert walks["b"].tried == "Seen, not theirs: Q100002, Q100003"
    assert walks["c"].where == "Step 2 of 3 of Q100001"
    assert walks["c"].answers == "Program: Outlook Express"   # words, not code=...
    assert walks["c"].state == "q=printer garbage&article=Q100001&step=2"
    assert [w.walk[0] for w in recent_walks(engine, NOW, end="abandoned")] == ["c"]


def test_gaps_group_spellings_count_weeks_and_sort_by_people(engine) -> None:
    for text, days in (("0x800ccc0e", 1), ("0x800CCC0E", 2), ("error 0x800ccc0e outlook", 9)):
        record(engine, Event(MISS, text), at(days))
    record(engine, Event(SEARCH, "printer garbage", detail="Q100001 Q100002"), at(1))
    record(engine, Event(SEARCH, "printer garbage", detail="Q100001 Q100002"), at(1))
    record(engine, Event(CLICK, "printer garbage", article_id="Q100001"), at(1))
    record(engine, Event(SEARCH, "vpn drops", detail="Q100003"), at(1))
    record(engine, Event(CLICK, "vpn drops", article_id="Q100003"), at(1))  # found: no gap
    walk(engine, "e" * 16, "printer garbage", "handed over", at(3))
    found = gaps(engine, NOW, {})
    assert [(g.label, g.hits, g.this_week, g.last_week) for g in found] == [
        ("0x800CCC0E", 3, 2, 1), ("printer garbage", 2, 2, 0)]   # as typed, not stems
    code, printer = found
    assert code.no_results == 3 and code.queries[0] in ("0x800ccc0e", "0x800CCC0E")
    assert set(code.queries) == {"0x800ccc0e", "0x800CCC0E", "error 0x800ccc0e outlook"}
    assert (printer.no_click, printer.handed_over) == (1, 1)
    assert printer.articles[0] == "Q100001"


def test_a_gap_nobody_hits_after_its_pin_is_answered_with_the_date(engine) -> None:
    record(engine, Event(MISS, "0x800ccc0e"), at(3))
    pins = {("code", "0x800CCC0E"): at(2)}
    (gap,) = gaps(engine, NOW, pins)
    assert (gap.pinned, gap.answered) == (at(2), at(2)[:10])
    record(engine, Event(MISS, "Error 0x800CCC0E"), at(1))   # hit again after the pin
    (gap,) = gaps(engine, NOW, pins)
    assert gap.answered == "" and gap.pinned == at(2)


def test_a_dismissed_gap_is_audited_and_comes_back_when_hit_again(engine) -> None:
    record(engine, Event(MISS, "0x800ccc0e"), now_text(datetime.now(UTC) - timedelta(days=1)))
    dismiss(engine, "code:0x800CCC0E", "lena")
    assert gaps(engine, datetime.now(UTC), {}) == []
    (row,) = entries(engine, actor="lena")
    assert (row.action, row.subject) == ("dismiss gap", "0x800CCC0E")
    record(engine, Event(MISS, "0x800CCC0E"), now_text(datetime.now(UTC) + timedelta(seconds=2)))
    assert [g.label for g in gaps(engine, datetime.now(UTC) + timedelta(seconds=3), {})] == [
        "0x800CCC0E"]


def test_deflection_per_day_and_week_with_the_share_and_top_codes(engine) -> None:
    walk(engine, "a" * 16, "0x800ccc0e", "fixed", at(1))
    walk(engine, "b" * 16, "0x800ccc0e again", "fixed", at(1), article="Q100002")
    walk(engine, "c" * 16, "outlook hangs", "handed over", at(2))
    walk(engine, "d" * 16, "printer", "", at(2))
    record(engine, Event(HELPFUL, "stop 0x7b", article_id="Q100002"), at(1))
    record(engine, Event(VOTE_NO, "stop 0x7b", article_id="Q100003"), at(1))
    found = deflection(engine, NOW, days=7)
    day1 = next(p for p in found.days if p.label == at(1)[:10])
    day2 = next(p for p in found.days if p.label == at(2)[:10])
    assert (day1.fixed, day1.helpful, day1.handed_over) == (2, 1, 0)
    assert (day2.handed_over, day2.abandoned) == (1, 1)
    assert (found.total.solved, found.total.share) == (3, 75)
    assert len(found.days) == 7 and sum(w.fixed for w in found.weeks) == 2
    assert found.codes == [("0x800CCC0E", 2), ("STOP-0x0000007B", 1)]
    assert found.articles == [("Q100002", 2), ("Q100001", 1)]
    assert week_of("2026-12-07") == "2026-W50"
    assert week_days("2026-W50") == "2026-12-07 to 12-13"   # what a lead reads beside it


def test_retention_folds_old_events_and_the_dashboards_still_count_them(engine) -> None:
    walk(engine, "a" * 16, "0x800ccc0e", "fixed", at(20))
    walk(engine, "b" * 16, "outlook hangs", "handed over", at(20))
    record(engine, Event(MISS, "0x800CCC0E"), at(20))
    record(engine, Event(HELPFUL, "stop 0x7b", article_id="Q100002"), at(20))
    before = (deflection(engine, NOW, days=28), gaps(engine, NOW, {}))
    assert ActivityLog(engine).prune(10, now=NOW) == 0   # no votes or outcomes
    assert prune(engine, 10, now=NOW) == 8   # the events go, their counts stay
    with engine.connect() as db:
        assert db.execute(select(func.count()).select_from(events)).scalar() == 0
    after = (deflection(engine, NOW, days=28), gaps(engine, NOW, {}))
    assert after[0].total == before[0].total and after[0].codes == before[0].codes
    assert after[0].articles == before[0].articles
    assert [(g.key, g.hits) for g in after[1]] == [(g.key, g.hits) for g in before[1]]


def test_the_chart_carries_its_numbers_and_escapes_its_labels() -> None:
    svg = parse(bar_chart("fixed", "Walks <fixed>", [("2026-12-06", 2), ("<b>", 0)]))
    chart = svg.find("svg")
    assert (chart.attrs["data-measure"], chart.attrs["data-total"]) == ("fixed", "2")
    assert [(r.attrs["data-label"], r.attrs["data-value"]) for r in svg.find_all("rect")] == [
        ("2026-12-06", "2"), ("<b>", "0")]
    assert "<b>" not in bar_chart("x", "t", [("<b>", 1)])


def publish_article(engine: Engine, identifier: str, title: str, codes: list[str],
                    at_time: str, base: int = 0) -> None:
    """An article as the authoring pages publish it, published at `at_time`."""
    source = compose(Fields(id=identifier, title=title, codes=codes,
                            body="## Symptoms\n\nIt fails.\n\n## Resolution\n\n1. Fix it.\n"))
    made = publish(engine, identifier, source, "", base=base, author="lena", summary="",
                   title=title)
    with engine.begin() as db:
        db.execute(update(versions).where(versions.c.id == made.id).values(at=at_time))


def test_a_gap_nobody_hits_after_an_article_is_published_is_answered_by_it(engine) -> None:
    record(engine, Event(MISS, "0x800ccc0e"), at(3))
    record(engine, Event(MISS, "vpn drops every hour"), at(3))
    record(engine, Event(MISS, "0x800ccc0f"), at(3))
    # Written from the gap's link (its code, however spelled) and from a words gap's.
    publish_article(engine, "Q900101", "Outlook stops", ["800CCC0E"], at(2))
    publish_article(engine, "Q900102", "VPN drops every hour on Windows", [], at(2))
    found = {g.key: g for g in gaps(engine, NOW, {})}
    code = found["code:0x800CCC0E"]
    assert (code.answered, code.answered_by) == (at(2)[:10], "Q900101")
    assert found[gap_key("vpn drops every hour")].answered_by == "Q900102"
    assert found["code:0x800CCC0F"].answered == ""   # another code: not answered
    record(engine, Event(MISS, "Error 0x800CCC0E"), at(1))   # hit again after it
    code = next(g for g in gaps(engine, NOW, {}) if g.key == "code:0x800CCC0E")
    assert (code.answered, code.written) == ("", ["Q900101"])


def test_an_article_answers_from_the_version_that_added_the_code(engine) -> None:
    record(engine, Event(MISS, "0x800ccc0e"), at(5))
    publish_article(engine, "Q900103", "Outlook stops", [], at(6))
    record(engine, Event(MISS, "0x800CCC0E"), at(4))
    publish_article(engine, "Q900103", "Outlook stops", ["0x800CCC0E"], at(3), base=1)
    publish_article(engine, "Q900103", "Outlook stops, typo fixed", ["0x800CCC0E"], at(1),
                    base=2)
    (gap,) = gaps(engine, NOW, {})
    assert (gap.answered, gap.answered_by) == (at(3)[:10], "Q900103")
    # A pin earlier than the article, with a hit after it: the article's date stands.
    (gap,) = gaps(engine, NOW, {("code", "0x800CCC0E"): at(4.5)})
    assert (gap.answered, gap.answered_by) == (at(3)[:10], "Q900103")
    remove(engine, "Q900103", base=3, author="lena")   # deleted: answers nothing
    (gap,) = gaps(engine, NOW, {})
    assert gap.answered == "" and gap.written == []


def test_a_gaps_latest_texts_are_read_through_their_own_index(engine) -> None:
    assert TEXT_KINDS == (MISS, SEARCH, HANDOVER, VOTE_NO)
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan is stable on an empty table; PostgreSQL's is not")
    with engine.connect() as db:
        plan = " ".join(str(row) for row in db.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT query FROM insight_events WHERE gap = 'code:x' AND "
            f"{TEXT_KINDS_SQL} ORDER BY created DESC LIMIT 50"))
    assert "insight_events_gap_text" in plan and "TEMP B-TREE" not in plan
