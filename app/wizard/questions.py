"""Which question to ask next, and what each answer does to the candidates.

The next question is the facet whose answer is expected to tell the remaining
candidates apart best (information gain over their weights). An article keeps its
place when its facet holds the chosen value, stays at a lower weight when it says
nothing about that facet, and drops out otherwise. "Not sure" keeps everyone; when
the other questions are spent, one answered "Not sure" comes back once, as a yes/no
on one value (`choose_again`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.articles.facts import Facts, Value
from app.wizard.candidates import Candidate, rescale_weights
from app.wizard.facets import FACETS
from app.wizard.state import NOT, NOT_SURE, OTHER, State

MAX_OPTIONS = 7          # shown values; the rest become "Something else"
MIN_SHARE = 0.03         # ...as do values held by less than this share of the weight
STANDS_OUT = 0.7         # share of the weight at which the leader needs no more questions
LEAD_RATIO = 6.0         # ...or this many times the weight of the runner-up
MIN_GAIN = 0.12          # bits: a question that separates less is not worth asking
MAX_QUESTIONS = 5         # so that a walk ends within 10 screens (see engine)
UNKNOWN_KEEP = 0.5       # weight kept by an article that says nothing about an answer
# ...except where silence says something: an article quoting its error dialog usually
# quotes every code in it, so one that lists no second code is a weak match for one;
# an article about a problem after installing ArcServe mostly says so in its title.
UNKNOWN_KEEP_BY_FACET = {"code": 0.1, "message": 0.3, "situation": 0.3}


# (answer key, label, [(candidate kept, factor of its weight kept)]): one answer's effect.
OptionSet = tuple[str, str, list[tuple[Candidate, float]]]


@dataclass(frozen=True)
class Option:
    label: str
    value: str
    articles: tuple[str, ...]
    state: State


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    options: tuple[Option, ...]
    why: str
    note: str = ""     # shown above the question: why it is asked a second time


def _entropy(weights: Sequence[float]) -> float:
    total = sum(weights)
    if total <= 0:
        return 0.0
    return -sum(w / total * math.log2(w / total) for w in weights if w > 0)


def _shown_values(facet: str, candidates: list[Candidate], facts: dict[str, Facts]
                  ) -> list[tuple[str, Value, float]]:
    """The facet's values among candidates, heaviest first: (slug, value, weight)."""
    mass: dict[str, float] = {}
    labels: dict[str, Value] = {}
    for candidate in candidates:
        for key, value in facts[candidate.id].values[facet].items():
            mass[key] = mass.get(key, 0.0) + candidate.weight
            labels.setdefault(key, value)
    ordered = sorted(mass, key=lambda key: (-mass[key], labels[key].label.lower()))
    return [(key, labels[key], mass[key]) for key in ordered]


def _option_sets(facet: str, candidates: list[Candidate], facts: dict[str, Facts]
                 ) -> list[OptionSet]:
    """(slug, label, [(candidate, kept weight factor)]) per option, "Something else" too."""
    values = _shown_values(facet, candidates, facts)
    # A value only the faintest candidates hold has little to do with the problem typed:
    # it waits under "Something else".
    total = sum(c.weight for c in candidates) or 1.0
    kept = [value for value in values if value[2] >= MIN_SHARE * total]
    shown = (kept if len(kept) == len(values) and len(kept) <= MAX_OPTIONS + 1
             else kept[:MAX_OPTIONS])
    shown_keys = {key for key, _, _ in shown}
    unknown = UNKNOWN_KEEP_BY_FACET.get(facet, UNKNOWN_KEEP)
    options = []
    for key, value, _ in shown:
        kept = []
        for candidate in candidates:
            own = facts[candidate.id].values[facet]
            if key in own:
                kept.append((candidate, 1.0))
            elif not own:
                kept.append((candidate, unknown))
        options.append((key, value.label, kept))
    # "Something else" whenever an article fits it: a person whose answer is not listed
    # says so, where "Not sure" would tell the wizard nothing ("No" to a question of one
    # value, "Do you see this message?"). It is as true of an article that says nothing
    # on the matter as of one whose value is not shown.
    kept = [(candidate, 1.0) for candidate in candidates
            if not (own := facts[candidate.id].values[facet]) or not shown_keys & own.keys()]
    if kept:
        options.append((OTHER, "Something else", kept))
    return options


def _one_value_sets(facet: str, key: str, candidates: list[Candidate], facts: dict[str, Facts]
                    ) -> list[OptionSet]:
    """"Yes" and "No" to one value of `facet`, asked again after "Not sure": "No" keeps
    every article without the value, as "Something else" does."""
    unknown = UNKNOWN_KEEP_BY_FACET.get(facet, UNKNOWN_KEEP)
    label = ""
    yes, no = [], []
    for candidate in candidates:
        own = facts[candidate.id].values[facet]
        if key in own:
            yes.append((candidate, 1.0))
            label = label or own[key].label
        else:
            no.append((candidate, 1.0))
            if not own:
                yes.append((candidate, unknown))
    return [(key, label, yes), (NOT + key, "No", no)]


def _gain(facet: str, candidates: list[Candidate], facts: dict[str, Facts]) -> float:
    """Expected information gain (bits) of asking `facet`, over candidates' weights."""
    options = _option_sets(facet, candidates, facts)
    # One value is asked as a yes/no where its facet has one (FACETS' `alone`).
    if len(options) < 2 or _valued(options) < (1 if FACETS[facet].alone else 2):
        return 0.0
    return _split_gain(facet, options, candidates, facts)


def _split_gain(facet: str, options: list[OptionSet],
                candidates: list[Candidate], facts: dict[str, Facts]) -> float:
    known = sum(1 for c in candidates if facts[c.id].values[facet])
    if known == 0:
        return 0.0
    before = _entropy([c.weight for c in candidates])
    after, total = 0.0, 0.0
    for _, _, kept in options:
        # How likely this answer is: each candidate answers one of its own values.
        likelihood = 0.0
        for candidate, _factor in kept:
            own = len(facts[candidate.id].values[facet]) or len(options)
            likelihood += candidate.weight / own
        weights = [candidate.weight * factor for candidate, factor in kept]
        after += likelihood * _entropy(weights)
        total += likelihood
    if total <= 0:
        return 0.0
    return before - after / total


def _valued(options: list[OptionSet]) -> int:
    return sum(1 for key, _, _ in options if key != OTHER)


def apply_answer(facet: str, value: str, candidates: list[Candidate], facts: dict[str, Facts]
           ) -> list[Candidate] | None:
    """Candidates left by an answer; None when the value is not an option here."""
    if value == NOT_SURE:
        return candidates
    if value.startswith(NOT):
        key = value.removeprefix(NOT)
        if not any(key in facts[c.id].values[facet] for c in candidates):
            return None
        out = [replace(c) for c in candidates if key not in facts[c.id].values[facet]]
        rescale_weights(out)
        return out
    options = _option_sets(facet, candidates, facts)
    for key, _, kept in options:
        if key == value:
            out = []
            for candidate, factor in kept:
                out.append(replace(candidate, weight=candidate.weight * factor))
            rescale_weights(out)
            return out
    # A value not shown among the options but held by some candidate still counts.
    held = [c for c in candidates if value in facts[c.id].values[facet]]
    if held:
        out = [replace(c, weight=c.weight) for c in held]
        unknown = UNKNOWN_KEEP_BY_FACET.get(facet, UNKNOWN_KEEP)
        out += [replace(c, weight=c.weight * unknown) for c in candidates
                if not facts[c.id].values[facet]]
        rescale_weights(out)
        return out
    return None


def stands_out(candidates: list[Candidate]) -> bool:
    if len(candidates) <= 1:
        return True
    first, second = candidates[0].weight, candidates[1].weight
    return first >= STANDS_OUT or first >= LEAD_RATIO * second


def choose_question(candidates: list[Candidate], facts: dict[str, Facts], asked: set[str],
                    ask: str | None) -> tuple[str, float] | None:
    best: tuple[str, float] | None = None
    for facet in FACETS.values():
        if facet.id in asked:
            continue
        gain = _gain(facet.id, candidates, facts)
        if facet.id == ask and gain > 0:
            return facet.id, gain
        if gain < MIN_GAIN:
            continue
        score = gain * facet.factor
        if best is None or score > best[1]:
            best = (facet.id, score)
    return best


def values_offered(facet: str, candidates: list[Candidate], facts: dict[str, Facts]) -> int:
    """How many of the facet's values a question on it offers these candidates."""
    return _valued(_option_sets(facet, candidates, facts))


def choose_again(candidates: list[Candidate], facts: dict[str, Facts], unsure: set[str]
                 ) -> tuple[str, str] | None:
    """(facet, value): the question answered "Not sure" to ask once more, as a yes/no on
    the one value that best tells the candidates left apart; None if none is worth it."""
    best: tuple[str, str] | None = None
    best_score = MIN_GAIN
    for facet in sorted(unsure):
        for key, _value, _mass in _shown_values(facet, candidates, facts)[:MAX_OPTIONS]:
            sets = _one_value_sets(facet, key, candidates, facts)
            if not sets[1][2]:
                continue
            score = _split_gain(facet, sets, candidates, facts) * FACETS[facet].factor
            if score >= best_score:
                best, best_score = (facet, key), score
    return best


def question_for(facet_id: str, state: State, candidates: list[Candidate],
                 facts: dict[str, Facts], pasted: Sequence[str], product_label: str = "",
                 again: str | None = None) -> Question:
    """The question on `facet_id`; `again`: the one value it asks about as a yes/no,
    the second time it is asked."""
    facet = FACETS[facet_id]
    text = facet.text.format(product=product_label or "the program")
    if facet_id == "code" and not pasted:
        text = "Which error code does the message show?"
    sets = (_one_value_sets(facet_id, again, candidates, facts) if again
            else _option_sets(facet_id, candidates, facts))
    one = again is not None or (_valued(sets) == 1 and facet.alone)
    if one:
        text = facet.yes_no.format(product=product_label or "the program")
    options = []
    for key, label, kept in sets:
        if one:
            label = "No" if key == OTHER or key.startswith(NOT) else f"Yes: {label}"
        # `articles`: the candidates this answer is true of. Those that say nothing on the
        # matter stay too, further down; "Something else" and "Not sure" list them.
        matching = tuple(c.id for c, factor in kept if factor == 1.0 or key == OTHER)
        options.append(Option(label, key, matching, state.answered(facet_id, key)))
    options.append(Option("Not sure", NOT_SURE, tuple(c.id for c in candidates),
                          state.answered(facet_id, NOT_SURE)))
    counts = "; ".join(f"“{o.label}” keeps {len(o.articles)}" for o in options[:3])
    why = (f"{len(candidates)} articles still fit what you entered. Of the questions the "
           f"articles could answer, this one tells them apart best: {counts}.")
    note = ("Asked again, as a yes or no: you were not sure before, and it is the question "
            f"that best narrows down the {len(candidates)} articles left." if again else "")
    return Question(facet_id, text, tuple(options), why, note)
