"""What a visit leaves for the help desk's insights (app/insights), recorded as the
pages are served, so nobody has to click "record": searches and whether a result was
followed, each wizard screen of a walk, its end, and votes.

Nothing about the person: a walk is tied together by a random id made for that walk
and carried in the wizard's links (`walk=`), never a cookie or an address. Recording
costs the page a few microseconds: the event (with the time it happened) is queued
for the process's background writer (app/activity/background.py), which writes it
through the activity database's breaker, in order, waiting out a database that is
away. What a killed process had queued is lost, never a page; the dashboard first
waits for its own process's queue, so a lead reads what was just done.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from flask import current_app, g, request

from app.activity.background import BackgroundRecorder
from app.insights.record import (
    CLICK,
    FIXED,
    HANDOVER,
    HELPFUL,
    MISS,
    RECOMMEND,
    SCREEN,
    SEARCH,
    VOTE_NO,
    Event,
    now_text,
    record_many,
    record_once,
)
from app.web.recording import breaker, engine, get_activity
from app.wizard.screen import FITS, WizardScreen
from app.wizard.state import Screen, State

WALK_ID = re.compile(r"^[0-9a-f]{16}$")
SHOWN = 5   # the first results of a search kept with it: the articles people saw


def background() -> BackgroundRecorder:
    return current_app.extensions["activity_background"]


def _record(event: Event) -> None:
    """Queue the event, stamped now; written off the page's path, with the events
    queued around it in one transaction."""
    database, check = engine(), breaker().still_wanted  # read here: written on another thread
    background().add("insight events", "insight events", (event, now_text()),
                     lambda stamped: record_many(database, stamped, check))


def current_walk() -> str:
    """This walk's id: the one the link carried, else a new one for a new walk."""
    if "walk" not in g:
        carried = str(request.values.get("walk", ""))
        g.walk_starts = not WALK_ID.match(carried)
        g.walk = secrets.token_hex(8) if g.walk_starts else carried
    return g.walk


def walk_params() -> list[tuple[str, str]]:
    """The walk id for the wizard's own links (not the API's, not the hand-over's)."""
    if request.blueprint != "troubleshoot" or request.path.startswith("/api"):
        return []
    return [("walk", current_walk())]


def record_search(text: str, total: int, shown: list[str]) -> None:
    _record(Event(SEARCH if total else MISS, text, detail=" ".join(shown[:SHOWN])))


def record_click(article_id: str, text: str) -> None:
    """An article opened from a search (its results link and the API's `follow`
    carry the query)."""
    if text:
        _record(Event(CLICK, text, article_id=article_id))


def record_vote(article_id: str, helpful: bool, text: str) -> None:
    """A vote on an article reached from a search: the search was a success or a gap."""
    if text:
        _record(Event(HELPFUL if helpful else VOTE_NO, text, article_id=article_id))


def record_recommend(state: State) -> None:
    """The wizard's "would you send someone…" yes: about the walk, not an article vote."""
    _record(Event(RECOMMEND, state.query, walk=current_walk(), article_id=state.article))


def record_fixed(state: State) -> None:
    """The walk's end, once however often the page is posted (checked when written)."""
    database, created, check = engine(), now_text(), breaker().still_wanted
    event = Event(FIXED, state.query, walk=current_walk(), article_id=state.article,
                  step=None if state.at else state.step, screen=_fixed_where(state),
                  state=urlencode(state.params()))
    background().submit("a fixed walk", lambda: record_once(database, event, created, check))


def record_screen(result: WizardScreen) -> None:
    """One screen of a walk; the hand-over screen also ends the walk (once)."""
    state, walk = result.state, current_walk()
    if state.end == Screen.FIXED or (result.dead_end and g.walk_starts):
        return  # a walk's end opened from a link (the hand-over's "This step"): no walk
    fix = result.fix
    params = urlencode(state.params())
    answers = "; ".join(f"{a.name}: {a.label}" for a in result.answers)
    _record(Event(SCREEN, state.query, walk=walk, article_id=fix.article.id if fix else None,
                  step=fix.current.number if fix and fix.current else None,
                  screen=screen_words(result), detail=answers, state=params,
                  starts=g.walk_starts))
    if result.dead_end:
        _record_handover(result, walk, answers, params)


def _record_handover(result: WizardScreen, walk: str, answers: str, params: str) -> None:
    """The walk's end at the hand-over, once (a reload is not a second one), and the
    staff overview's dead end, in words, with the last article tried (unless the tree's
    "ask a person" form recorded it)."""
    state, fix = result.state, result.fix
    article = fix.article.id if fix else (state.tried[-1] if state.tried else None)
    event = Event(HANDOVER, state.query, walk=walk, article_id=article,
                  screen=handed_from(result), detail=rejected_words(result), state=params)
    dead_end = None if state.end == Screen.DEAD_END else {
        "fixed": False, "query": state.query, "answers": answers, "article_id": article,
        "step": state.step if fix is not None and not state.at else None}
    database, created, activity = engine(), now_text(), get_activity()
    check = breaker().still_wanted

    def write() -> None:
        if record_once(database, event, created, check) and dead_end is not None:
            activity.open().record_outcome(**dead_end)

    background().submit("a hand-over", write)


def screen_words(result: WizardScreen) -> str:
    """The screen as a lead reads it."""
    fix = result.fix
    if result.dead_end:
        return "Hand-over: " + handed_from(result)
    if result.kind is Screen.QUESTION and result.question is not None:
        return f"Question: {result.question.text}"
    if result.kind is Screen.FITS:
        return "These might fit"
    if fix is None:
        return "Start"
    if fix.current is not None:
        kind = "Administrator step" if fix.current.admin_action else "Step"
        return f"{kind} {fix.current.number} of {len(fix.steps)} of {fix.article.id}"
    if fix.node is not None:
        return f"{fix.article.id}: {fix.node.text[:80]}"
    return f"Reading {fix.article.id}"


def handed_from(result: WizardScreen) -> str:
    """Where the walk was when it reached the hand-over."""
    state = result.state
    if state.article:
        return f"after {state.article} step {state.step}" if not state.at else (
            f"after {state.article}")
    if state.end == Screen.NO_MATCH and not state.tried:
        return "none of the articles that might fit"
    if state.tried:
        return f"after trying {', '.join(state.tried)}"
    return "no article fits"


def rejected(result: WizardScreen) -> list[str]:
    """The articles the person saw and said were not theirs ("None of these")."""
    state = result.state
    if state.end != Screen.NO_MATCH or state.article or state.tried:
        return []
    return [c.id for c in result.candidates[:FITS]]


def rejected_words(result: WizardScreen) -> str:
    parts = []
    if result.state.tried:
        parts.append("Tried, then moved on: " + ", ".join(result.state.tried))
    if rejected(result):
        parts.append("Seen, not theirs: " + ", ".join(rejected(result)))
    return "; ".join(parts)


def _fixed_where(state: State) -> str:
    if not state.article:
        return "Fixed"
    return f"Fixed by {state.article}" + ("" if state.at else f" at step {state.step}")
