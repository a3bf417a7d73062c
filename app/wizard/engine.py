"""One screen of the troubleshooting wizard: from what a person pasted to the fix,
one question at a time.

`step(source, state)` computes one screen:

1. Candidates (app/wizard/candidates.py): codes first, then messages, then words,
   weighed by what the paste already says.
2. Answers filter them (app/wizard/questions.py); "Not sure" keeps everyone.
3. While no candidate stands out, the next question is the one that best tells the
   remaining candidates apart.
4. Once one stands out: its fix, step by step (app/wizard/fixes.py), then the next
   candidate, then a way out to the help desk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from app.query.typed import read_query
from app.text.slugs import clip
from app.wizard.candidates import Candidate, candidates_for, label_of, normalise, weigh
from app.wizard.facets import FACETS
from app.wizard.fixes import Fix, fix_for, fix_steps
from app.wizard.questions import (
    MAX_QUESTIONS,
    Question,
    apply_answer,
    choose_question,
    question_for,
    stands_out,
)
from app.wizard.reasons import reasons_for
from app.wizard.source import Source
from app.wizard.state import NOT_SURE, Answer, State


@dataclass
class Step:
    state: State
    candidates: list[Candidate]
    question: Question | None = None
    answers: list[Answer] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    from_paste: list[tuple[str, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    fix: Fix | None = None
    dead_end: bool = False
    tried: list[tuple[str, str]] = field(default_factory=list)   # (id, title)

    @property
    def leader(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def step(source: Source, state: State, notices: Sequence[str] = ()) -> Step:
    """One screen of the wizard for `state` (see the module docstring)."""
    notices = list(notices)
    query = read_query(state.query)
    ranked = candidates_for(source, query)
    facts = source.facts([article_id for article_id, _ in ranked])
    if query.codes:
        # The code everyone pasted cannot tell the candidates apart: ask about the others.
        drop = {code.lower() for code in query.codes}
        facts = {key: replace(found, values={**found.values, "code": {
            k: v for k, v in found.values["code"].items() if k not in drop}})
            for key, found in facts.items()}
    candidates, from_paste, paste_facets = weigh(ranked, query, facts)

    answers: list[Answer] = []
    kept_answers: list[tuple[str, str]] = []
    for facet, value in state.answers:
        applied = apply_answer(facet, value, candidates, facts)
        if applied is None or (not applied and value != NOT_SURE):
            notices.append(f"The answer “{value.replace('-', ' ')}” to “{FACETS[facet].text}” "
                           "no longer fits what is left, so it was set aside.")
            continue
        label = label_of(facet, value, candidates, facts)
        candidates = applied
        kept_answers.append((facet, value))
        answers.append(Answer(facet, FACETS[facet].name, value, label, State()))
    state = replace(state, answers=tuple(kept_answers))
    answers = [replace(a, change=state.without(a.facet)) for a in answers]

    tried_titles = []
    for article_id in state.tried:
        found = facts.get(article_id)
        tried_titles.append((article_id, found.title if found else article_id))
    remaining = [c for c in candidates if c.id not in state.tried]
    if state.tried and remaining:
        normalise(remaining)
    result = Step(state, remaining, answers=answers, notices=notices, from_paste=from_paste,
                  tried=tried_titles)
    if state.end == "fixed" and state.article:
        article = source.article(state.article)
        if article is not None:
            result.fix = fix_for(source, state, article, remaining)
            return result
    if not query:
        return result

    if state.article:
        article = source.article(state.article)
        if article is None:
            notices.append(f"There is no article {state.article} any more; "
                           "here is the best match instead.")
            state = replace(state, article=None, step=1, at=None, section=None)
            result.state = state
        else:
            tree = source.tree(article)
            if state.section and state.section not in {s.anchor for s in article.sections}:
                notices.append("That section of the article no longer exists; "
                               "here is the article's fix from the start.")
                state = replace(state, section=None, step=1)
                result.state = state
            if state.at and (tree is None or state.at not in tree.nodes):
                notices.append("That step of the fix no longer exists; "
                               "starting the fix from its first step.")
                state = replace(state, at=None)
                result.state = state
            steps = fix_steps(article, state.section) if tree is None or state.section else []
            if steps and state.step > len(steps):
                notices.append(f"The article has {len(steps)} steps; showing the last one.")
                state = replace(state, step=len(steps))
                result.state = state
            result.fix = fix_for(source, state, article, remaining)
            lead = facts.get(article.id) or source.facts([article.id]).get(article.id)
            if lead is not None:
                result.reasons = reasons_for(article, lead, query, answers)
            if state.end == "dead-end":
                result.dead_end = True
            return result

    if not remaining or state.end == "dead-end":
        result.dead_end = True
        return result

    asked = {facet for facet, _ in state.answers} | paste_facets
    asked.discard(state.ask or "")
    if not stands_out(remaining) and len(answers) < MAX_QUESTIONS:
        chosen = choose_question(remaining, facts, asked, state.ask)
        if chosen is not None:
            result.question = question_for(chosen[0], state, remaining, facts, query.codes)
    leader = source.article(remaining[0].id)
    if leader is not None:
        result.reasons = reasons_for(leader, facts[leader.id], query, answers)
        if result.question is None:
            result.fix = fix_for(source, state.at_fix(leader.id), leader, remaining)
    return result


def summary_text(result: Step, step_label: str = "") -> str:
    """The path so far as plain text a person pastes into a help-desk ticket."""
    lines = [f"Entered: {result.state.query}"]
    for name, value in result.from_paste:
        lines.append(f"From the paste: {name}: {value}")
    for answer in result.answers:
        lines.append(f"{answer.name}: {answer.label}")
    for article_id, title in result.tried:
        lines.append(f"Tried {article_id} ({title}): every step, not fixed")
    if result.fix is not None and result.fix.article.id not in result.state.tried:
        fix = result.fix
        where = step_label or (f"step {fix.current.number} of {len(fix.steps)}" if fix.current
                               else f"“{clip(fix.node.text, 70)}”" if fix.node else "")
        lines.append(f"Tried {result.fix.article.id} ({result.fix.article.title})"
                     + (f": up to {where}" if where else ""))
    return "\n".join(lines)


def answers_text(state: State) -> str:
    return "; ".join(f"{facet}={value}" for facet, value in state.answers)
