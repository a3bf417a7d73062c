"""One screen of the troubleshooting wizard: from what a person pasted to the fix,
one question at a time.

`next_screen(source, state)` computes one screen (its kind: `Screen`, in state.py),
each kind by a function of its own below:

0. On the first screen: a name the knowledge base never speaks of is said so, with the
   hand-over (app/wizard/coverage.py); where search is as sure of its first result,
   that is the fix (app/wizard/evidence.py).
1. Candidates (app/wizard/candidates.py): codes first, then messages, then words,
   weighed by what the paste already says.
2. Answers filter them (app/wizard/questions.py); "Not sure" keeps everyone.
3. While no candidate stands out, the next question is the one that best tells the
   remaining candidates apart.
4. Once one stands out: its fix, step by step (app/wizard/fixes.py), then the next
   candidate, then a way out to the help desk.
5. When the questions run out and none stands out: the leader's fix all the same,
   with the others under "Not this? These might fit" on the same screen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from app.articles.facts import Facts
from app.articles.model import Article
from app.query.typed import Query, read_query
from app.text.slugs import clip
from app.wizard.askable import askable_facts, facts_of_program
from app.wizard.candidates import (
    Candidate,
    answer_label,
    candidates_for,
    rescale_weights,
    search_ranking,
    weigh,
)
from app.wizard.coverage import uncovered_names
from app.wizard.evidence import evidence_for, search_evidence
from app.wizard.facets import FACETS
from app.wizard.fixes import fix_for, fix_steps, symptom_sentence
from app.wizard.questions import (
    MAX_QUESTIONS,
    apply_answer,
    choose_again,
    choose_question,
    question_for,
    stands_out,
    values_offered,
)
from app.wizard.reasons import reasons_for
from app.wizard.screen import FITS, Fit, NearCodes, WizardScreen
from app.wizard.source import Source
from app.wizard.state import NOT_SURE, OTHER, Answer, Screen, State, asked_again

MAX_ARTICLES = 2          # articles walked before the hand-over
STEPS_FIRST = 3           # steps of the first article walked ...
STEPS_LATER = 1           # ... and of the next, ...
SCREENS = 7               # ... so that saying "No" to everything ends within 7 screens
NEXT_WORTH = 0.15         # share of the weight a next candidate needs to be walked
WEAK_MATCHES = 3          # ... and as weak matches, when the KB does not cover the problem
# The ends after which a walk goes to a person ("fixed" shows its own screen).
ENDS_OF_WALK = (Screen.DEAD_END, Screen.NO_MATCH)


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
    # Questions answered "Not sure" that offered several values: asked again as a yes/no.
    narrower: set[str] = field(default_factory=set)


def next_screen(source: Source, state: State, notices: Sequence[str] = ()) -> WizardScreen:
    """The screen for `state` (see the module docstring)."""
    query = read_query(state.query)
    ranked = candidates_for(source, query)
    facts = askable_facts(source.facts([article_id for article_id, _ in ranked]), query)
    candidates, from_paste, said = weigh(ranked, query, facts)
    named = said.get("product", set())
    product = next(iter(named)) if len(named) == 1 else None
    walk = _Walk(source, query, facts_of_program(facts, product), said, product,
                 _steps_shown(state))
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
    if not (state.answers or state.article or state.tried or state.end or state.ask):
        result.near = _near_codes(walk, result)
        result.uncovered = uncovered_names(query, source)
        if result.uncovered:
            return _not_covered_screen(walk, result)
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
    return (_search_first(walk, result) or _question_screen(walk, result)
            or _leader_screen(walk, result))


def _steps_shown(state: State) -> int:
    """Steps of the article walked now: questions, these steps, one of the next article
    and the hand-over fit in SCREENS (at least one step, and no next article, after
    the most questions)."""
    if state.tried:
        return STEPS_LATER
    return max(1, min(STEPS_FIRST, SCREENS - 2 - STEPS_LATER - len(state.answers)))


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
        # A yes/no answered "Not sure" is not asked again: it would be the same question.
        if value == NOT_SURE and values_offered(facet, candidates, walk.facts) > 1:
            walk.narrower.add(facet)
        candidates = applied
        kept.append((facet, value))
        # A question asked again is listed once, with its last answer.
        answers = [a for a in answers if a.facet != facet]
        answers.append(Answer(facet, FACETS[facet].name, value, shown, State()))
        if facet == "product" and value not in (NOT_SURE, OTHER):
            walk.product = value
            walk.facts = facts_of_program(walk.facts, value)
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
    # After an article was tried, its steps used the screens questions would: the next
    # article or the hand-over follows (the give-up walk stays within SCREENS).
    if stands_out(remaining) or len(state.answers) >= MAX_QUESTIONS or state.tried:
        return None
    chosen = choose_question(remaining, walk.facts, asked, state.ask)
    again: str | None = None
    if chosen is None:
        # Every other question is spent: one answered "Not sure" is asked once more, as
        # a yes/no on one value. Measured on the full archive (benchmarks/eval_wizard.py):
        # the question answered "Not sure" was the only thing that told the person's
        # article from the leader in 35 of the 67 unsure walks that missed it.
        unsure = {facet for facet in asked & walk.narrower if asked_again(state.answers, facet)}
        chosen = choose_again(remaining, walk.facts, unsure)
        if chosen is not None:
            again = chosen[1]
    if chosen is None:
        return None
    result.question = question_for(chosen[0], state, remaining, walk.facts, walk.query.codes,
                                   product_label=_product_label(walk, remaining), again=again)
    result.questions_left = _questions_left(len(state.answers))
    result.kind = Screen.QUESTION
    return result


def _leader_screen(walk: _Walk, result: WizardScreen) -> WizardScreen:
    """The leader's fix when the evidence calls it the fix; otherwise, the first time,
    the leader's fix to try (or its article to read) with the others beside it; the
    hand-over after an article was tried."""
    state, remaining = result.state, result.candidates
    leader = walk.source.article(remaining[0].id) if remaining else None
    if leader is None:
        return _handover_screen(result)
    result.evidence = evidence_for(walk.query, remaining, walk.facts, result.answers)
    if result.evidence:
        return _leader_fix(walk, result, leader)
    if state.tried:
        # The list was shown once already: the walk ends with a person, not a second list.
        return _handover_screen(result)
    return _leader_with_others(walk, result, leader)


def _leader_with_others(walk: _Walk, result: WizardScreen, leader: Article) -> WizardScreen:
    """The questions ran out with no candidate standing out: the leader's fix to try
    (not called "the fix"), the others under "Not this? These might fit".

    Measured on the full archive (benchmarks/eval_wizard.py): where the walks ended on
    a bare list, the leader was the person's article in 58% (unsure) to 71% (informed)
    of them; showing its fix first saves them the pick, and the list is still there.
    A leader with no steps is offered to read the same way: on a bare list it was the
    person's article in 14 (unsure) and 17 (informed) of 409 walks.
    """
    _leader_fix(walk, result, leader)
    if result.fix is None:
        return _fits_screen(walk, result)
    _fits_screen(walk, result)
    result.fits = [f for f in result.fits if f.id != leader.id][:FITS - 1]
    result.kind = Screen.FIX
    return result


def _near_codes(walk: _Walk, result: WizardScreen) -> list[NearCodes]:
    """For each typed code no candidate carries, the carried codes one slip away, as
    search offers them ("one digit away: 0x800CCC90")."""
    out = []
    for code in walk.query.codes:
        if any(code.upper() in walk.facts[c.id].codes for c in result.candidates):
            continue
        near = walk.source.near_codes(code)
        if near:
            # As it was typed (`0x800CCC9`, not the canonical `0x0800CCC9`): shown, and
            # replaced by each near code in the walk that starts from it.
            digits = code.split("-")[-1].lower().removeprefix("0x").lstrip("0")
            typed = re.search(rf"(?<![0-9a-z])(?:0x)?0*{re.escape(digits)}(?![0-9a-z])",
                              walk.query.text, re.IGNORECASE)
            out.append(NearCodes(typed.group() if typed else code, tuple(
                (other, articles, State(walk.query.text[:typed.start()] + other
                                        + walk.query.text[typed.end():] if typed else other))
                for other, articles in near)))
    return out


def _not_covered_screen(walk: _Walk, result: WizardScreen) -> WizardScreen:
    """The person named something no article speaks of: say so, hand over, and list
    the nearest articles as the weak matches they are (a fix only if picked)."""
    result.fits = [
        Fit(c.id, c.title, c.url, _symptom_of(walk.source, c.id), result.state.at_fix(c.id))
        for c in result.candidates[:WEAK_MATCHES]
    ]
    result.kind = Screen.HANDOVER
    return result


def _search_first(walk: _Walk, result: WizardScreen) -> WizardScreen | None:
    """Before any question: the fix of search's first result where it is as clearly
    the one as search makes it (app/wizard/evidence.py)."""
    state, remaining = result.state, result.candidates
    if state.answers or state.tried or state.ask or len(remaining) < 2:
        return None
    ranked = search_ranking(walk.source, walk.query)
    result.evidence = search_evidence(walk.query, remaining, walk.facts, ranked)
    leader = walk.source.article(remaining[0].id) if result.evidence else None
    if leader is None:
        result.evidence = ""
        return None
    return _leader_fix(walk, result, leader)


def _leader_fix(walk: _Walk, result: WizardScreen, leader: Article) -> WizardScreen:
    """The first step of the leader's fix, with what matched."""
    result.reasons = reasons_for(leader, walk.facts[leader.id], walk.query, result.answers)
    result.fix = fix_for(walk.source, result.state.at_fix(leader.id), leader,
                         result.candidates, walk.limit)
    _walk_on(result)
    result.kind = Screen.FIX
    return result


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


def _questions_left(asked: int) -> int:
    """At most this many more questions, this one included: the walk asks no more than
    MAX_QUESTIONS, so the figure is never wrong (an estimate from the candidates left
    said "About 1 more" on three screens in a row)."""
    return MAX_QUESTIONS - asked


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
    budget = len(result.state.answers) + _steps_shown(result.state) + STEPS_LATER + 1
    if (tried >= MAX_ARTICLES or not after or after[0].weight < NEXT_WORTH
            or (not result.state.tried and budget > SCREENS)):
        fix.next_state = replace(fix.next_state, end=Screen.NO_MATCH)
        fix.next_is_article = False
