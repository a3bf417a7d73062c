"""The troubleshooting wizard's pages: every step a plain GET link, outcomes by POST.

The state lives in the query string (`/troubleshoot?q=0x800ccc90&code=0x800ccc18`), so
a step can be bookmarked, sent, reloaded or opened elsewhere; nothing is kept on the
server. Outcomes are recorded anonymously by a small POST form that redirects (so a
reload never records twice); each screen and each walk's end are also recorded for the
help desk's insights (app/web/visits.py), tied together by a random walk id in the links.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from app.articles.ids import MENTIONED_ID, permalink_for
from app.staff.shaped import ShapedSource, lead_with_pin
from app.web.forms import FormGuard
from app.web.handover import Handover, handover
from app.web.knowledge import get_kb
from app.web.overlay import get_overlays, shaped_source
from app.web.recording import get_activity
from app.web.visits import (
    current_walk,
    record_fixed,
    record_recommend,
    record_screen,
    walk_params,
)
from app.wizard.engine import next_screen
from app.wizard.fixes import Fix
from app.wizard.screen import WizardScreen, answers_text, summary_text
from app.wizard.state import Screen, State, parse_state

bp = Blueprint("troubleshoot", __name__)
WIZARD_FORM = FormGuard(cookie="kb_wizard_form", path="/troubleshoot", bucket="wizard")
FORM_SUBJECT = "wizard"          # what the outcome and "helpful" forms' tokens are for
MAX_FORM_STATE = 4000            # a state is a query (1,000 characters) and a few answers


def source() -> ShapedSource:
    """The index's articles, as the help desk shaped them (pins first, retired gone)."""
    return shaped_source()


def page_url(state: State) -> str:
    """A wizard link; on the wizard's own pages it carries the walk's id (insights)."""
    return f"{url_for('troubleshoot.wizard')}?{urlencode(state.params() + walk_params())}"


def api_url(state: State) -> str:
    return f"{url_for('api.troubleshoot')}?{urlencode(state.params())}"


def current_screen() -> WizardScreen:
    state, notices = parse_state(request.args.items(multi=True))
    state, pin = lead_with_pin(state, get_overlays())
    result = next_screen(source(), state, notices)
    if pin is not None and result.fix is not None and result.fix.article.id == pin.article_id:
        result.reasons = [f"Recommended by your help desk for “{pin.typed}” ({pin.credit})."]
    return result


def _linked(text: str) -> Markup:
    """Text with each article number it mentions ("see Q185836") as a link."""
    out, position = [], 0
    for match in MENTIONED_ID.finditer(text):
        out.append(escape(text[position:match.start()]))
        number = f"Q{int(match.group(1))}"
        out.append(Markup('<a href="{}">{}</a>').format(permalink_for(number), match.group()))
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def blocks_html(blocks) -> Markup:
    """A step's blocks as HTML: lists keep the article's own numbers; article numbers
    become links."""
    parts = []
    for block in blocks:
        if block.kind == "steps":
            items = Markup("").join(Markup("<li>{}</li>").format(_linked(i)) for i in block.items)
            parts.append(Markup('<ol start="{}">{}</ol>').format(block.start, items))
        elif block.kind == "bullets":
            items = Markup("").join(Markup("<li>{}</li>").format(_linked(i)) for i in block.items)
            parts.append(Markup("<ul>{}</ul>").format(items))
        elif block.kind == "pre":
            parts.append(Markup("<pre>{}</pre>").format(block.text))
        elif block.kind == "heading":
            parts.append(Markup("<h4>{}</h4>").format(block.text))
        else:
            parts.append(Markup("<p>{}</p>").format(_linked(block.text)))
    return Markup("\n").join(parts)


@dataclass(frozen=True)
class CandidateView:
    id: str
    title: str
    url: str
    percent: int


@dataclass(frozen=True)
class StepView:
    """Everything the step page shows, prepared so the template only displays."""

    result: WizardScreen
    title: str                       # the page's title: the question, or what the screen is
    handover: Handover
    state_form: str                  # this step's state, for the outcome forms
    fix_form: str                    # the fix's own state, for "Yes, it works now"
    step_heading: str                # "Try this (1 of 3)": not the article's own numbering
    step_html: Markup
    node_html: Markup                # an authored tree node's steps from the article
    admin_action: str                # the step needs an administrator: what to ask for
    not_fixed: State | None          # "No": the next step or article, else the hand-over
    not_fixed_label: str
    heading: str                     # the hand-over's heading ...
    lead: str                        # ... and what it says first
    referenced: list[tuple[str, str]]  # (article id, its fix in the wizard) a step points to
    candidates: list[CandidateView]
    fix_is_claimed: bool             # "Why X is the fix" only when the evidence says so


def _step_view(result: WizardScreen) -> StepView:
    link = url_for("troubleshoot.wizard", _external=True) + "?" + urlencode(
        result.state.params())
    fix = result.fix
    heading, html, admin, not_fixed, not_fixed_label = "", Markup(""), "", None, ""
    if fix is not None and fix.current is not None:
        heading = f"Try this ({fix.current.number} of {len(fix.steps)})"
        html = blocks_html(fix.current.blocks)
        admin = fix.current.admin_action
    if fix is not None and fix.next_state is not None and fix.next_state.end != Screen.NO_MATCH:
        not_fixed = fix.next_state
        not_fixed_label = ("No, try the next article" if fix.next_is_article
                           else "No, next thing to try")
    elif fix is not None:  # "No" is the hand-over: a page of its own, so it is recorded
        not_fixed = fix.state.ended(Screen.NO_MATCH)
    subject = "Help needed: " + (", ".join(result.codes) or result.state.query)
    return StepView(
        result=result,
        title=_title(result),
        handover=handover(summary_text(result, link=link), subject, link),
        state_form=urlencode(result.state.params()),
        fix_form=urlencode(fix.state.params()) if fix else urlencode(result.state.params()),
        step_heading=heading,
        step_html=html,
        node_html=blocks_html(fix.node_steps) if fix is not None else Markup(""),
        admin_action=admin,
        referenced=_referenced(result),
        not_fixed=not_fixed,
        not_fixed_label=not_fixed_label,
        heading=_handover_heading(result),
        lead=_handover_lead(result),
        candidates=[CandidateView(c.id, c.title, c.url, round(c.weight * 100))
                    for c in result.candidates[:15]],
        fix_is_claimed=bool(result.evidence) or bool(result.state.article),
    )


def _handover_heading(result: WizardScreen) -> str:
    if result.uncovered:
        return f"This knowledge base has no articles about {' or '.join(result.uncovered)}"
    if result.near and not result.candidates:
        return f"No article carries {result.near[0].typed}"
    if result.tried or result.fix:
        return "Time to ask a person"
    return "No article fits this: ask a person"


def _handover_lead(result: WizardScreen) -> str:
    if result.uncovered:
        return (f"Nothing here is about {' or '.join(result.uncovered)}, so a person at "
                "the help desk is the quickest way to a fix.")
    if result.near and not result.candidates:
        return ("Check the code on your screen. These codes, one digit away, are in "
                "articles:")
    return ("The knowledge base has nothing more that fits what you entered. A person at "
            "the help desk can take it from here.")


def _title(result: WizardScreen) -> str:
    if result.kind is Screen.QUESTION and result.question is not None:
        return result.question.text
    if result.kind is Screen.HANDOVER:
        return _handover_heading(result)
    if result.kind is Screen.FITS:
        return "These might fit"
    return f"{result.fix.article.id}: fix" if result.fix is not None else ""


def _referenced(result: WizardScreen) -> list[tuple[str, str]]:
    """Articles the current step points to ("see Q185836"), each with a link that walks
    its fix in the wizard instead."""
    fix = result.fix
    if fix is None or fix.current is None:
        return []
    found = dict.fromkeys(f"Q{int(m.group(1))}" for m in MENTIONED_ID.finditer(
        fix.current.text))
    return [(ref, page_url(result.state.at_fix(ref))) for ref in found
            if ref != fix.article.id][:3]


@bp.record_once
def _set_up(state) -> None:
    WIZARD_FORM.install(state.app)


@bp.get("/troubleshoot")
def wizard():
    result = current_screen()
    if result.kind is Screen.START:
        return render_template("troubleshoot/start.html", notices=result.notices)
    record_screen(result)
    return render_template(
        "troubleshoot/step.html", view=_step_view(result), result=result, page_url=page_url,
        Screen=Screen, voted=request.args.get("voted"), token=WIZARD_FORM.token(FORM_SUBJECT),
        walk=current_walk())


def _state_from_form() -> State:
    """The posted state, once the form is known to come from our own page (a signed
    token tied to a SameSite cookie), within the rate limit, and about an article
    that exists: otherwise nothing is stored and the person is told why."""
    raw = request.form.get("state", "")
    if len(raw) > MAX_FORM_STATE:
        abort(400, description="Nothing was saved: the form was too large.")
    problem = WIZARD_FORM.problem(FORM_SUBJECT)
    if problem:
        abort(400, description=f"Nothing was saved. {problem}")
    too_many = WIZARD_FORM.over_limit("Nothing was saved: too many answers")
    if too_many:
        raise too_many
    state, _ = parse_state(parse_qsl(raw, keep_blank_values=True))
    if state.article and get_kb().store().path_of(state.article) is None:
        abort(400, description=f"Nothing was saved: there is no article {state.article}.")
    return state


@bp.post("/troubleshoot/outcome")
def outcome():
    """'Yes, it is fixed' or 'No, nothing worked': recorded once, then a GET page."""
    state = _state_from_form()
    if not state.query.strip():
        return redirect(url_for("troubleshoot.wizard"), code=303)
    fixed = request.form.get("outcome") == Screen.FIXED
    step_number = None
    if state.article and not state.at:
        step_number = state.step
    get_activity().record_outcome(
        fixed=fixed, query=state.query, answers=answers_text(state),
        article_id=state.article, step=step_number,
    )
    if fixed:
        record_fixed(state)
    return redirect(page_url(state.ended(Screen.FIXED if fixed else Screen.DEAD_END)),
                    code=303)


@bp.post("/troubleshoot/helpful")
def helpful():
    """After a fix: would they send someone else here? Kept with the walk, not as a
    vote on the article (the article page's own question is that), and "No" is not
    a vote against it: the person just said it fixed their problem."""
    state = _state_from_form()
    if state.article and request.form.get("helpful") == "yes":
        record_recommend(state)
    return redirect(f"{page_url(state)}&voted=1#thanks", code=303)


def api_step() -> dict:
    """`GET /api/troubleshoot`: the same step as the page, as stable JSON."""
    result = current_screen()
    view = _step_view(result)
    question = None
    if result.question is not None:
        question = {
            "id": result.question.id,
            "text": result.question.text,
            "note": result.question.note,
            "options": [
                {"label": option.label, "value": option.value, "next": api_url(option.state),
                 "articles": list(option.articles)}
                for option in result.question.options
            ],
        }
    data = {
        "query": result.state.query,
        "answers": [{"question": a.facet, "value": a.value, "label": a.label}
                    for a in result.answers],
        "candidates": [
            {"id": c.id, "title": c.title, "url": c.url, "score": c.score,
             "weight": round(c.weight, 4)}
            for c in result.candidates
        ],
        "question": question,
        "why": result.reasons,
        "notices": result.notices,
        "page": page_url(result.state),
        "fix": None,
        "dead_end": result.dead_end,
        "handover": {"contact": view.handover.contact or None,
                     "summary": view.handover.summary, "url": view.handover.url},
        "fits": [{"id": f.id, "title": f.title, "url": f.url, "symptom": f.symptom,
                  "next": api_url(f.state)} for f in result.fits],
        "none_fit": api_url(result.none_fit) if result.none_fit else None,
        "not_covered": result.uncovered,
        "near_codes": [{"code": n.typed, "near": [
            {"code": code, "articles": articles, "next": api_url(state)}
            for code, articles, state in n.near]} for n in result.near],
        "screen": str(result.kind),
        "questions_left": result.questions_left,
    }
    if result.fix is not None and result.question is None:
        data["fix"] = _fix_json(result.fix)
    return data


def _fix_json(fix: Fix) -> dict:
    """A step of a fix, as `/api/troubleshoot` gives it."""
    return {
        "article": fix.article.id,
        "url": fix.article.permalink,
        "symptom": fix.symptom,
        "cause": fix.cause,
        "step": fix.current.number if fix.current else None,
        "steps": len(fix.steps),
        "text": "\n".join(b.text or "\n".join(b.items) for b in fix.current.blocks)
        if fix.current else (fix.node.text if fix.node else ""),
        "node": fix.node.id if fix.node else None,
        "choices": [{"label": c.label, "kind": c.kind, "next": api_url(c.state)}
                    for c in fix.choices],
        "not_fixed": api_url(fix.next_state) if fix.next_state else None,
        "admin_action": fix.current.admin_action if fix.current else "",
        "page": page_url(fix.state),
    }
