"""When the leading candidate may be called "the fix", and on what evidence.

Two ways. Once the candidates are told apart (`stands_out`), the leader must hold
something the runner-up does not: every pasted code, the message quoted word for
word, an answer, most of the typed words. And on the first screen, before any
question, the wizard is never slower than its own search: where search's first
result is clearly ahead, and the wizard's weighing agrees, its fix comes first.

Measured on the full archive (benchmarks/eval_wizard.py, "where search is right"):
with search's first at least 1.2 times the score of its second and the wizard's
weight 1.5 times, the fixes shown first were right in 99% of the search cases and
the wizard's own; below that, the pasted messages shared by several articles start
going to the wrong one. Evidence as strong as search's without such a lead: a code
with its distinctive words, held by search's first more than by the runner-up
(code+words cases: 62% to 84% of search's firsts shown first, 99% right), and a
message whose every word only search's first holds.
"""

from __future__ import annotations

import re

from app.articles.facts import Facts
from app.codes.labels import CODE_WORDS
from app.query.typed import Query
from app.text.analysis import stems
from app.wizard.candidates import Candidate
from app.wizard.questions import stands_out
from app.wizard.state import NOT_SURE, OTHER, Answer

WORDS_COVERED = 0.6       # share of the typed words an article must have to be "the fix"
SEARCH_LEAD = 1.2         # search's first scores this many times its second ...
WEIGHT_LEAD = 1.5         # ... and the wizard weighs it this many times its runner-up
CLEAR_LEAD = 1.1          # enough for the one article quoting the message, or titled so
TITLE_COVERED = 0.7       # share of the typed words in the title, for a description
TITLE_WORDS = 3           # ... of at least this many words (without a code, for any lead)
CODE_WORDS_COVERED = 0.5  # a code with words: share of them the leader must have
CODE_AS_TYPED = re.compile(r"(0x)?[0-9a-f]*\d[0-9a-f]*")
MESSAGE_WORDS = 5         # a paste of this many words, all in the leader alone, is the message


def evidence_for(query: Query, candidates: list[Candidate], facts: dict[str, Facts],
                 answers: list[Answer]) -> str:
    """Why the leader can be called the fix, or "" when the evidence is weak: it must
    stand out, and hold something the runner-up does not."""
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
        covered = _covered(typed, own.text)
        runner_up = _covered(typed, other.text) if other else 0.0
        if covered >= WORDS_COVERED and covered > runner_up:
            return "words"
    if other is None:
        return "only"
    return ""


def search_evidence(query: Query, candidates: list[Candidate], facts: dict[str, Facts],
                    ranked: list[tuple[str, float]]) -> str:
    """"search" when the leader is search's first result and as clearly ahead as
    search puts it: by score and weight; or a little ahead and the only article
    quoting the pasted message, or with most of a description's words in its title."""
    if len(candidates) < 2 or not ranked or ranked[0][0] != candidates[0].id:
        return ""
    lead = ranked[0][1] / ranked[1][1] if len(ranked) > 1 and ranked[1][1] > 0 else SEARCH_LEAD
    weight = candidates[0].weight / candidates[1].weight if candidates[1].weight else WEIGHT_LEAD
    typed = query.stems - CODE_WORDS
    # Two words ("cannot mail") are too few for a lead in score to mean anything.
    if (lead >= SEARCH_LEAD and weight >= WEIGHT_LEAD
            and (query.codes or len(typed) >= TITLE_WORDS)):
        return "search"
    if (query.codes and candidates[0].codes_matched >= len(query.codes)
            and _code_with_words(query, candidates, facts)):
        return "search"
    if not query.codes and len(typed) >= MESSAGE_WORDS and _has_every_word(
            typed, candidates, facts):
        return "search"
    if lead < CLEAR_LEAD:
        return ""
    own, other = facts[candidates[0].id], facts[candidates[1].id]
    if query.is_long_message and query.quoted_in(own.text) and not any(
            query.quoted_in(facts[c.id].text) for c in candidates[1:]):
        return "message"
    if (not query.codes and len(typed) >= TITLE_WORDS
            and _covered(typed, own.title) >= TITLE_COVERED
            and _covered(typed, own.text) > _covered(typed, other.text)):
        return "search"
    return ""


def _code_with_words(query: Query, candidates: list[Candidate], facts: dict[str, Facts]
                     ) -> bool:
    """A code with its distinctive words ("0x800CCC0E imap"): the leader, search's
    first, carries the code and holds most of the words, and more of them than the
    runner-up. (A bare code shared by several articles is no such evidence: measured,
    search's first a little ahead was the person's article in 3 of 8 walks.)"""
    # "c0000123" is the code 0xC0000123 as typed, not a word beside it.
    words = {word for word in query.words_beside_codes if not CODE_AS_TYPED.fullmatch(word)}
    if not words:
        return False
    own = _covered(words, facts[candidates[0].id].text)
    return own >= CODE_WORDS_COVERED and own > _covered(words, facts[candidates[1].id].text)


def _has_every_word(typed: frozenset[str], candidates: list[Candidate],
                    facts: dict[str, Facts]) -> bool:
    """A message as pasted: search's first has every word of it (in its title, messages
    or symptoms) and the next two do not. (Most of the words, or a lead in score, was
    not enough: descriptions in a person's own words then went to the wrong article.)"""
    return _covered(typed, facts[candidates[0].id].text) == 1.0 and all(
        _covered(typed, facts[c.id].text) < 1.0 for c in candidates[1:3])


def _covered(typed: frozenset[str] | set[str], text: str) -> float:
    return len(typed & set(stems(text))) / len(typed)
