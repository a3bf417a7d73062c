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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from app.articles.facts import Facts
from app.codes.labels import CODE_WORDS
from app.codes.labels import label as code_label
from app.query.typed import Query, read_query
from app.text.analysis import stems
from app.text.slugs import clip
from app.wizard.candidates import Candidate, candidates_for, label_of, normalise, weigh
from app.wizard.facets import FACETS
from app.wizard.fixes import Fix, fix_for, fix_steps, symptom_sentence
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
from app.wizard.state import NOT_SURE, OTHER, Answer, State

MAX_ARTICLES = 2          # articles walked before the hand-over
STEPS_FIRST = 3           # steps of the first article walked ...
STEPS_LATER = 1           # ... and of the next, so a walk ends within 10 screens
NEXT_WORTH = 0.15         # share of the weight a next candidate needs to be walked
FITS = 6                  # candidates shown under "These might fit"
WORDS_COVERED = 0.6       # share of the typed words an article must have to be "the fix"


@dataclass(frozen=True)
class Fit:
    """A candidate offered under "These might fit": its symptom in one sentence."""

    id: str
    title: str
    url: str
    symptom: str
    state: State                     # walking its fix


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
    fits: list[Fit] = field(default_factory=list)
    none_fit: State | None = None    # "None of these": the hand-over
    evidence: str = ""               # why the leader is "the fix": code, message, answers, words
    questions_left: int = 0          # about how many more questions, for progress
    dead_end: bool = False
    tried: list[tuple[str, str]] = field(default_factory=list)   # (id, title)
    codes: tuple[str, ...] = ()      # the codes read from what was typed

    @property
    def leader(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def _version_facts(facts: dict[str, Facts], product: str | None) -> dict[str, Facts]:
    """Versions are asked under their program only: with the program known, each
    candidate keeps the versions of that program; without it, none is asked."""
    out = {}
    for key, found in facts.items():
        versions = {k: v for k, v in found.values["version"].items()
                    if product and k.startswith(product + "-")}
        out[key] = replace(found, values={**found.values, "version": versions})
    return out


def _evidence(query: Query, candidates: list[Candidate], facts: dict[str, Facts],
              answers: list[Answer]) -> str:
    """Why the leader can be called the fix, or "" when the evidence is weak: it must
    stand out, and hold something the runner-up does not (every pasted code, the
    message quoted word for word, an answer, most of the typed words)."""
    leader = candidates[0]
    if len(candidates) > 1 and not stands_out(candidates):
        return ""
    own = facts[leader.id]
    other = facts[candidates[1].id] if len(candidates) > 1 else None
    if query.codes and leader.codes_matched >= len(query.codes) and (
            other is None or candidates[1].codes_matched < leader.codes_matched):
        return "code"
    if query.is_long_message and query.quoted_in(own.text) and (
            other is None or not query.quoted_in(other.text)):
        return "message"
    if any(a.value not in (NOT_SURE, OTHER) and a.value in own.values[a.facet]
           and (other is None or a.value not in other.values[a.facet]) for a in answers):
        return "answers"
    typed = query.stems - CODE_WORDS
    if typed:
        covered = len(typed & set(stems(own.text))) / len(typed)
        runner_up = len(typed & set(stems(other.text))) / len(typed) if other else 0.0
        if covered >= WORDS_COVERED and covered > runner_up:
            return "words"
    if other is None:
        return "only"
    return ""


def _questions_left(candidates: list[Candidate], asked: int) -> int:
    return max(1, min(MAX_QUESTIONS - asked, math.ceil(math.log2(max(len(candidates), 2)) / 2)))


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
    candidates, from_paste, said = weigh(ranked, query, facts)
    named = said.get("product", set())
    product = next(iter(named)) if len(named) == 1 else None
    facts = _version_facts(facts, product)

    answers: list[Answer] = []
    kept_answers: list[tuple[str, str]] = []
    for facet, value in state.answers:
        applied = apply_answer(facet, value, candidates, facts)
        if applied is None or (not applied and value != NOT_SURE):
            notices.append(f"The answer “{clip(value.replace('-', ' '), 40)}” to "
                           f"“{FACETS[facet].name}” "
                           "no longer fits what is left, so it was set aside.")
            continue
        label = label_of(facet, value, candidates, facts)
        candidates = applied
        kept_answers.append((facet, value))
        answers.append(Answer(facet, FACETS[facet].name, value, label, State()))
        if facet == "product" and value not in (NOT_SURE, OTHER):
            product = value
            facts = _version_facts(facts, product)
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
                  tried=tried_titles, codes=query.codes)
    limit = STEPS_FIRST if not state.tried else STEPS_LATER
    if state.end == "fixed" and state.article:
        article = source.article(state.article)
        if article is not None:
            result.fix = fix_for(source, state, article, remaining, limit)
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
            if steps and state.step > min(len(steps), limit):
                shown = min(len(steps), limit)
                notices.append(f"This walk shows {shown} of the article's steps; "
                               "here is the last of them.")
                state = replace(state, step=shown)
                result.state = state
            result.fix = fix_for(source, state, article, remaining, limit)
            _walk_on(result, remaining)
            lead = facts.get(article.id) or source.facts([article.id]).get(article.id)
            if lead is not None:
                result.reasons = reasons_for(article, lead, query, answers)
            if state.end in ("dead-end", "no-match"):
                result.dead_end = True
            return result

    if (not remaining or state.end in ("dead-end", "no-match")
            or len(state.tried) >= MAX_ARTICLES
            or (state.tried and remaining[0].weight < NEXT_WORTH)):
        result.dead_end = True
        return result

    asked = {facet for facet, _ in state.answers} | set(said)
    asked.discard(state.ask or "")
    if not stands_out(remaining) and len(answers) < MAX_QUESTIONS:
        chosen = choose_question(remaining, facts, asked, state.ask)
        if chosen is not None:
            result.question = question_for(chosen[0], state, remaining, facts, query.codes,
                                           product_label=_label(product, remaining, facts))
            result.questions_left = _questions_left(remaining, len(answers))
    leader = source.article(remaining[0].id)
    if leader is None or result.question is not None:
        return result
    result.evidence = _evidence(query, remaining, facts, answers)
    if result.evidence:
        result.reasons = reasons_for(leader, facts[leader.id], query, answers)
        result.fix = fix_for(source, state.at_fix(leader.id), leader, remaining, limit)
        _walk_on(result, remaining)
        return result
    if state.tried:
        # The list was shown once already: the walk ends with a person, not a second list.
        result.dead_end = True
        return result
    # No article clearly leads: let the person recognise theirs by its symptom.
    result.fits = [
        Fit(c.id, c.title, c.url, _symptom_of(source, c.id), state.at_fix(c.id))
        for c in remaining[:FITS]
    ]
    result.none_fit = replace(state, end="no-match")
    return result


def _label(product: str | None, candidates: list[Candidate], facts: dict[str, Facts]) -> str:
    return label_of("product", product, candidates, facts) if product else ""


def _symptom_of(source: Source, article_id: str) -> str:
    found = source.article(article_id)
    return symptom_sentence(found) if found is not None else ""


def _walk_on(result: Step, remaining: list[Candidate]) -> None:
    """After the last step shown: the next article only while the walk is short and
    the next one is worth it; otherwise "No" goes to the hand-over."""
    fix = result.fix
    if fix is None or not fix.next_is_article or fix.next_state is None:
        return
    after = [c for c in remaining if c.id != fix.article.id]
    tried = len(fix.next_state.tried)
    if tried >= MAX_ARTICLES or not after or after[0].weight < NEXT_WORTH:
        fix.next_state = replace(fix.next_state, end="no-match")
        fix.next_is_article = False


def summary_text(result: Step, step_label: str = "", link: str = "") -> str:
    """The case as plain text a person pastes into a help-desk ticket: what was
    entered and read from it, the answers, what was tried, and a link to this step."""
    lines = [f"Entered: {result.state.query}"]
    if result.codes:
        lines.append(f"Error codes read from it: {', '.join(code_label(c) for c in result.codes)}")
    for name, value in result.from_paste:
        lines.append(f"Read from it: {name}: {value}")
    for answer in result.answers:
        lines.append(f"{answer.name}: {answer.label}")
    for article_id, title in result.tried:
        # Not "not fixed": the person may have skipped a step only an administrator can do.
        lines.append(f"Tried {article_id} ({title}), then moved on")
    seen = [c for c in result.candidates[:FITS] if c.id not in result.state.tried]
    if result.state.end == "no-match" and not result.state.article and seen:
        lines.append("Seen and rejected (none of these fit): "
                     + "; ".join(f"{c.id} ({c.title})" for c in seen))
    if result.fix is not None and result.fix.article.id not in result.state.tried:
        fix = result.fix
        where = step_label or (f"step {fix.current.number} of {len(fix.steps)}" if fix.current
                               else f"“{clip(fix.node.text, 70)}”" if fix.node else "")
        lines.append(f"Tried {result.fix.article.id} ({result.fix.article.title})"
                     + (f": up to {where}" if where else ""))
        if fix.current is not None and fix.current.admin_action:
            lines.append(f"Needs an administrator: {fix.current.admin_action}")
    if link:
        lines.append(f"This step: {link}")
    return "\n".join(lines)


def answers_text(state: State) -> str:
    return "; ".join(f"{facet}={value}" for facet, value in state.answers)
