"""The troubleshooting wizard's pages: every step a plain GET link, outcomes by POST.

The state lives in the query string (`/troubleshoot?q=0x800ccc90&code=0x800ccc18`), so
a step can be bookmarked, sent, reloaded or opened elsewhere; nothing is kept on the
server. Only the end of a session is recorded, anonymously, by a small POST form that
redirects (so a reload never records twice).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from app.articles.trees import TreeCache
from app.web.activity import get_activity
from app.web.knowledge import get_kb
from app.wizard.engine import Step, answers_text, step, summary_text
from app.wizard.source import KnowledgeSource
from app.wizard.state import State, parse_state

bp = Blueprint("troubleshoot", __name__)

DEFAULT_CONTACT = "your help desk"


def source() -> KnowledgeSource:
    trees = current_app.extensions.setdefault("wizard_trees", TreeCache())
    return KnowledgeSource(get_kb(), Path(current_app.config["KB_DIR"]), trees)


def page_url(state: State) -> str:
    return f"{url_for('troubleshoot.wizard')}?{urlencode(state.params())}"


def api_url(state: State) -> str:
    return f"{url_for('api.troubleshoot')}?{urlencode(state.params())}"


def current_step() -> Step:
    state, notices = parse_state(request.args.items(multi=True))
    return step(source(), state, notices)


def helpdesk_contact() -> tuple[str, str]:
    """(href, text) of the configured help desk: a URL, an address, or plain words."""
    contact = " ".join(str(current_app.config.get("HELPDESK_CONTACT") or "").split())
    if not contact:
        return "", DEFAULT_CONTACT
    url = re.search(r"https?://\S+", contact)
    if url:
        return url.group().rstrip(".,;)"), contact
    address = re.search(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", contact)
    if address:
        return f"mailto:{address.group()}", contact.removeprefix("mailto:")
    return "", contact


@bp.get("/troubleshoot")
def wizard():
    result = current_step()
    if not result.state.query.strip():
        return render_template("troubleshoot/start.html", notices=result.notices)
    href, contact = helpdesk_contact()
    return render_template(
        "troubleshoot/step.html", result=result, page_url=page_url,
        summary=summary_text(result), contact_href=href, contact=contact,
        voted=request.args.get("voted"),
    )


def _state_from_form() -> State:
    state, _ = parse_state(parse_qsl(request.form.get("state", ""), keep_blank_values=True))
    return state


@bp.post("/troubleshoot/outcome")
def outcome():
    """'Yes, it is fixed' or 'No, nothing worked': recorded once, then a GET page."""
    state = _state_from_form()
    if not state.query.strip():
        return redirect(url_for("troubleshoot.wizard"), code=303)
    fixed = request.form.get("outcome") == "fixed"
    step_number = None
    if state.article and not state.at:
        step_number = state.step
    get_activity().record_outcome(
        fixed=fixed, query=state.query, answers=answers_text(state),
        article_id=state.article, step=step_number,
    )
    return redirect(page_url(state.ended("fixed" if fixed else "dead-end")), code=303)


@bp.post("/troubleshoot/helpful")
def helpful():
    state = _state_from_form()
    if state.article:
        get_activity().record_vote(state.article, request.form.get("helpful") == "yes")
    return redirect(f"{page_url(state)}&voted=1#thanks", code=303)


def api_step() -> dict:
    """`GET /api/troubleshoot`: the same step as the page, as stable JSON."""
    result = current_step()
    question = None
    if result.question is not None:
        question = {
            "id": result.question.id,
            "text": result.question.text,
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
    }
    fix = result.fix
    if fix is not None and result.question is None:
        data["fix"] = {
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
            "page": page_url(fix.state),
        }
    return data
