"""The whole state of a wizard session, as it travels in a URL's query string.

Every step is a plain GET link and nothing is kept on the server: what was typed,
the answers so far as readable words, which article and step of its fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from app.articles.ids import article_id
from app.query.typed import MAX_QUERY_CHARS
from app.text.slugs import clip
from app.wizard.facets import FACETS

NOT_SURE = "not-sure"
OTHER = "something-else"
NOT = "not."     # "No" to one value asked as a yes/no the second time: `not.<value>`


class Screen(StrEnum):
    """What the wizard shows, and how a walk ended (`end=` in its URL): one list for
    the engine, the views and the templates."""

    START = "start"                  # nothing entered yet: "What do you see?"
    QUESTION = "question"            # the next question
    FITS = "fits"                    # "These might fit": pick one by its symptom
    FIX = "fix"                      # a step of an article's fix
    HANDOVER = "handover"            # nothing (more) fits: ask a person
    FIXED = "fixed"                  # end: the person said it works
    DEAD_END = "dead-end"            # end: the person said nothing worked
    NO_MATCH = "no-match"            # end: none of the articles offered is theirs


ENDS = (Screen.FIXED, Screen.DEAD_END, Screen.NO_MATCH)


@dataclass(frozen=True)
class State:
    query: str = ""
    answers: tuple[tuple[str, str], ...] = ()
    article: str | None = None
    step: int = 1
    at: str | None = None            # node of an authored tree
    section: str | None = None       # a tree sent the walk to this section's steps
    tried: tuple[str, ...] = ()
    ask: str | None = None           # re-ask this question (changing an answer)
    end: Screen | None = None        # one of ENDS

    def params(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [("q", self.query)]
        out.extend(self.answers)
        out.extend(("tried", t) for t in self.tried)
        if self.ask:
            out.append(("ask", self.ask))
        if self.article:
            out.append(("article", self.article))
            if self.section:
                out.append(("section", self.section))
            if self.at:
                out.append(("at", self.at))
            elif self.step != 1 or self.section:
                out.append(("step", str(self.step)))
        if self.end:
            out.append(("end", self.end))
        return out

    def answered(self, facet: str, value: str) -> State:
        """A question answered "Not sure" once and asked again keeps that first answer:
        both count among the questions asked (see `asked_again`)."""
        kept = (self.answers if asked_again(self.answers, facet)
                else tuple((k, v) for k, v in self.answers if k != facet))
        return State(self.query, (*kept, (facet, value)), tried=self.tried)

    def without(self, facet: str) -> State:
        """The same answers without `facet`, which is asked again next."""
        kept = tuple((k, v) for k, v in self.answers if k != facet)
        return State(self.query, kept, tried=self.tried, ask=facet)

    def at_fix(self, article: str, *, step: int = 1, at: str | None = None,
               section: str | None = None) -> State:
        return State(self.query, self.answers, article, step, at, section, self.tried)

    def trying_next(self, article: str) -> State:
        tried = self.tried if article in self.tried else (*self.tried, article)
        return State(self.query, self.answers, tried=tried)

    def ended(self, how: Screen) -> State:
        return replace(self, end=how)


def asked_again(answers: Iterable[tuple[str, str]], facet: str) -> bool:
    """Whether a further answer to `facet` is its second asking: its one answer so far is
    "Not sure". The wizard asks such a question once more, when fewer articles are left
    and it is the one that tells them apart (app/wizard/engine.py)."""
    return [value for key, value in answers if key == facet] == [NOT_SURE]


# An answer as the facts key it (app/articles/facts.py): slugs of up to eight words
# (some long: a message's identifiers), codes as they are written (DS_E_BUSY ->
# ds_e_busy), "tcp/ip". Whether it fits is the engine's to say, against the candidates.
ANSWER_VALUE = re.compile(r"[a-z0-9][a-z0-9._/\-]*")


def parse_state(pairs: Iterable[tuple[str, str]]) -> tuple[State, list[str]]:
    """A State from a query string's pairs, and notices for what had to be dropped.

    Nothing here raises: unknown keys, garbled numbers or ids are dropped with a notice,
    so an old or hand-edited link lands on the last step that still makes sense.
    """
    notices: list[str] = []
    query, answers, tried = "", [], []
    article = at = section = ask = end = None
    step_number = 1
    for key, raw in pairs:
        value = " ".join(str(raw).split())[:MAX_QUERY_CHARS]
        if key == "q":
            query = value
        elif key in FACETS:
            if ANSWER_VALUE.fullmatch(value):
                if not asked_again(answers, key):
                    answers = [(k, v) for k, v in answers if k != key]
                answers.append((key, value))
            else:
                notices.append(f"The answer “{clip(value, 40)}” could not be read; "
                               "that question is asked again.")
        elif key == "tried":
            identifier = article_id(value)
            if identifier and identifier not in tried:
                tried.append(identifier)
        elif key == "article":
            article = article_id(value)
            if article is None:
                notices.append(f"“{clip(value, 40)}” is not an article number.")
        elif key == "step":
            if value.isdigit() and 1 <= int(value) <= 200:
                step_number = int(value)
            else:
                notices.append("That step number could not be read; back to the first step.")
        elif key == "at":
            at = value[:80] or None
        elif key == "section":
            section = value[:80] or None
        elif key == "ask":
            ask = value if value in FACETS else None
        elif key == "end":
            end = Screen(value) if value in ENDS else None
        elif key in ("page",):
            continue
        # Other keys (tracking parameters and the like) are ignored silently.
    return State(query, tuple(answers), article, step_number, at, section, tuple(tried), ask,
                 end), notices


@dataclass(frozen=True)
class Answer:
    facet: str
    name: str
    value: str
    label: str
    change: State                    # the same path with this answer asked again
