"""One screen of the troubleshooting wizard: from what a person pasted to the fix,
one question at a time.

`next_screen(source, state)` computes one screen (its kind: `Screen`, in state.py),
each kind by a function of its own below:

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
from app.articles.model import Article
from app.codes.labels import CODE_WORDS
from app.codes.labels import label as code_label
from app.query.typed import Query, read_query
from app.text.analysis import stems
from app.text.slugs import clip
from app.wizard.candidates import (
    Candidate,
    answer_label,
    candidates_for,
    rescale_weights,
    weigh,
)
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
from app.wizard.state import NOT_SURE, OTHER, Answer, Screen, State

MAX_ARTICLES = 2          # articles walked before the hand-over
STEPS_FIRST = 3           # steps of the first article walked ...
STEPS_LATER = 1           # ... and of the next, so a walk ends within 10 screens
NEXT_WORTH = 0.15         # share of the weight a next candidate needs to be walked
FITS = 6                  # candidates shown under "These might fit"
WORDS_COVERED = 0.6       # share of the typed words an article must have to be "the fix"
# The ends after which a walk goes to a person ("fixed" shows its own screen).
ENDS_OF_WALK = (Screen.DEAD_END, Screen.NO_MATCH)


@dataclass(frozen=True)
class Fit:
    """A candidate offered under "These might fit": its symptom in one sentence."""

    id: str
    title: str
    url: str
    symptom: str
    state: State                     # walking its fix


@dataclass
class WizardScreen:
    """One screen: its kind, and what that kind shows."""

    state: State
    candidates: list[Candidate]
    kind: Screen = Screen.START
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
    tried: list[tuple[str, str]] = field(default_factory=list)   # (id, title)
    codes: tuple[str, ...] = ()      # the codes read from what was typed

    @property
    def leader(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def dead_end(self) -> bool:
        """The walk ends here with the hand-over to a person."""
        return self.kind is Screen.HANDOVER


@dataclass
class _Walk:
    """What every screen of one request reads: the paste, the facts of its candidates
    and the program it is about (named in the paste or answered)."""

    source: Source
    query: Query
    facts: dict[str, Facts]
    said: dict[str, set[str]]
    product: str | None
    limit: int = STEPS_FIRST         # steps of the article walked now


def next_screen(source: Source, state: State, notices: Sequence[str] = ()) -> WizardScreen:
    """The screen for `state` (see the module docstring)."""
    query = read_query(state.query)
    ranked = candidates_for(source, query)
    facts = _facts_beside_codes(source.facts([article_id for article_id, _ in ranked]), query)
    candidates, from_paste, said = weigh(ranked, query, facts)
    named = said.get("product", set())
    product = next(iter(named)) if len(named) == 1 else None
    walk = _Walk(source, query, _version_facts(facts, product), said, product,
                 STEPS_LATER if state.tried else STEPS_FIRST)
    notices = list(notices)
    candidates, answers, state = _apply_answers(walk, state, candidates, notices)
    remaining = [c for c in candidates if c.id not in state.tried]
    if state.tried and remaining:
        rescale_weights(remaining)
    result = WizardScreen(state, remaining, answers=answers, notices=notices,
                          from_paste=from_paste, tried=_tried_titles(state, walk.facts),
                          codes=query.codes)
    if not query:
        return result
    if state.end == Screen.FIXED and state.article:
        article = source.article(state.article)
        if article is not None:
            return _fixed_screen(walk, result, article)
    if state.article:
        article = source.article(state.article)
        if article is not None:
            return _article_screen(walk, result, article)
        notices.append(f"There is no article {state.article} any more; "
                       "here is the best match instead.")
        result.state = state = replace(state, article=None, step=1, at=None, section=None)
    if (not remaining or state.end in ENDS_OF_WALK or len(state.tried) >= MAX_ARTICLES
            or (state.tried and remaining[0].weight < NEXT_WORTH)):
        return _handover_screen(result)
    return _question_screen(walk, result) or _leader_screen(walk, result)



def _facts_beside_codes(facts: dict[str, Facts], query: Query) -> dict[str, Facts]:
    """The code everyone pasted cannot tell the candidates apart: ask about the others."""
    if not query.codes:
        return facts
    drop = {code.lower() for code in query.codes}
    return {key: replace(found, values={**found.values, "code": {
        k: v for k, v in found.values["code"].items() if k not in drop}})
        for key, found in facts.items()}


def _version_facts(facts: dict[str, Facts], product: str | None) -> dict[str, Facts]:
    """Versions are asked under their program only: with the program known, each
    candidate keeps the versions of that program; without it, none is asked."""
    out = {}
    for key, found in facts.items():
        versions = {k: v for k, v in found.values["version"].items()
                    if product and k.startswith(product + "-")}
        out[key] = replace(found, values={**found.values, "version": versions})
    return out


def _apply_answers(walk: _Walk, state: State, candidates: list[Candidate],
                   notices: list[str]) -> tuple[list[Candidate], list[Answer], State]:
    """The candidates the answers leave, the answers as the page lists them, and the
    state without the answers that no longer fit (each set aside with a notice)."""
    answers: list[Answer] = []
    kept: list[tuple[str, str]] = []
    for facet, value in state.answers:
        applied = apply_answer(facet, value, candidates, walk.facts)
        if applied is None or (not applied and value != NOT_SURE):
            notices.append(f"The answer “{clip(value.replace('-', ' '), 40)}” to "
                           f"“{FACETS[facet].name}” "
                           "no longer fits what is left, so it was set aside.")
            continue
        shown = answer_label(facet, value, candidates, walk.facts)
        candidates = applied
        kept.append((facet, value))
        answers.append(Answer(facet, FACETS[facet].name, value, shown, State()))
        if facet == "product" and value not in (NOT_SURE, OTHER):
            walk.product = value
            walk.facts = _version_facts(walk.facts, value)
    state = replace(state, answers=tuple(kept))
    return candidates, [replace(a, change=state.without(a.facet)) for a in answers], state


def _tried_titles(state: State, facts: dict[str, Facts]) -> list[tuple[str, str]]:
    out = []
    for article_id in state.tried:
        found = facts.get(article_id)
        out.append((article_id, found.title if found else article_id))
    return out


def _fixed_screen(walk: _Walk, result: WizardScreen, article: Article) -> WizardScreen:
    """"Fixed. Glad it works again", with the article that did it."""
    result.fix = fix_for(walk.source, result.state, article, result.candidates, walk.limit)
    result.kind = Screen.FIXED
    return result


def _article_screen(walk: _Walk, result: WizardScreen, article: Article) -> WizardScreen:
    """A step of the fix of the article the state names, once the state is repaired
    where the article has changed since the link was made; the hand-over when the walk
    ended there."""
    result.state = state = _repaired(walk, result.state, article, result.notices)
    result.fix = fix_for(walk.source, state, article, result.candidates, walk.limit)
    _walk_on(result)
    lead = walk.facts.get(article.id) or walk.source.facts([article.id]).get(article.id)
    if lead is not None:
        result.reasons = reasons_for(article, lead, walk.query, result.answers)
    result.kind = Screen.HANDOVER if state.end in ENDS_OF_WALK else Screen.FIX
    return result


def _repaired(walk: _Walk, state: State, article: Article, notices: list[str]) -> State:
    """The state with a section, tree node or step number that the article no longer
    has set back, each with a notice."""
    tree = walk.source.tree(article)
    if state.section and state.section not in {s.anchor for s in article.sections}:
        notices.append("That section of the article no longer exists; "
                       "here is the article's fix from the start.")
        state = replace(state, section=None, step=1)
    if state.at and (tree is None or state.at not in tree.nodes):
        notices.append("That step of the fix no longer exists; "
                       "starting the fix from its first step.")
        state = replace(state, at=None)
    steps = fix_steps(article, state.section) if tree is None or state.section else []
    if steps and state.step > min(len(steps), walk.limit):
        shown = min(len(steps), walk.limit)
        notices.append(f"This walk shows {shown} of the article's steps; "
                       "here is the last of them.")
        state = replace(state, step=shown)
    return state


def _handover_screen(result: WizardScreen) -> WizardScreen:
    """Nothing (more) in the knowledge base fits: a person takes it from here."""
    result.kind = Screen.HANDOVER
    return result


def _question_screen(walk: _Walk, result: WizardScreen) -> WizardScreen | None:
    """The question that best tells the candidates apart, while none stands out."""
    state, remaining = result.state, result.candidates
    asked = {facet for facet, _ in state.answers} | set(walk.said)
    asked.discard(state.ask or "")
    if stands_out(remaining) or len(result.answers) >= MAX_QUESTIONS:
        return None
    chosen = choose_question(remaining, walk.facts, asked, state.ask)
    if chosen is None:
        return None
    result.question = question_for(chosen[0], state, remaining, walk.facts, walk.query.codes,
                                   product_label=_product_label(walk, remaining))
    result.questions_left = _questions_left(remaining, len(result.answers))
    result.kind = Screen.QUESTION
    return result


def _leader_screen(walk: _Walk, result: WizardScreen) -> WizardScreen:
    """The leader's fix when the evidence calls it the fix; otherwise "These might fit"
    the first time, the hand-over after an article was tried."""
    state, remaining = result.state, result.candidates
    leader = walk.source.article(remaining[0].id) if remaining else None
    if leader is None:
        return _handover_screen(result)
    result.evidence = _evidence(walk.query, remaining, walk.facts, result.answers)
    if result.evidence:
        result.reasons = reasons_for(leader, walk.facts[leader.id], walk.query, result.answers)
        result.fix = fix_for(walk.source, state.at_fix(leader.id), leader, remaining,
                             walk.limit)
        _walk_on(result)
        result.kind = Screen.FIX
        return result
    if state.tried:
        # The list was shown once already: the walk ends with a person, not a second list.
        return _handover_screen(result)
    return _fits_screen(walk, result)


def _fits_screen(walk: _Walk, result: WizardScreen) -> WizardScreen:
    """No article clearly leads: the person recognises theirs by its symptom."""
    state = result.state
    result.fits = [
        Fit(c.id, c.title, c.url, _symptom_of(walk.source, c.id), state.at_fix(c.id))
        for c in result.candidates[:FITS]
    ]
    result.none_fit = replace(state, end=Screen.NO_MATCH)
    result.kind = Screen.FITS
    return result


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


def _product_label(walk: _Walk, candidates: list[Candidate]) -> str:
    """The program the person named or chose, as the articles word it ("" if none)."""
    if not walk.product:
        return ""
    return answer_label("product", walk.product, candidates, walk.facts)


def _symptom_of(source: Source, article_id: str) -> str:
    found = source.article(article_id)
    return symptom_sentence(found) if found is not None else ""


def _walk_on(result: WizardScreen) -> None:
    """After the last step shown: the next article only while the walk is short and
    the next one is worth it; otherwise "No" goes to the hand-over."""
    fix = result.fix
    if fix is None or not fix.next_is_article or fix.next_state is None:
        return
    after = [c for c in result.candidates if c.id != fix.article.id]
    tried = len(fix.next_state.tried)
    if tried >= MAX_ARTICLES or not after or after[0].weight < NEXT_WORTH:
        fix.next_state = replace(fix.next_state, end=Screen.NO_MATCH)
        fix.next_is_article = False


def summary_text(result: WizardScreen, step_label: str = "", link: str = "") -> str:
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
        lines.append(f"Tried {article_id} ({title}): not fixed")
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
