"""The candidate articles for what was typed, and their weights.

Error codes first (an article carrying more of the pasted codes outranks one carrying
fewer), then an article quoting the paste word for word, then the ranking of the whole
text; weighed down where an article contradicts what the paste says (protocol, port,
product, operating system).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.articles.facts import ACTIVITIES, Facts, activities_in, names_in_text
from app.codes.labels import CODE_WORDS
from app.query.typed import Query, read_query
from app.text.analysis import stems
from app.text.names import PROTOCOLS, systems_in
from app.wizard.facets import FACETS
from app.wizard.source import Source
from app.wizard.state import NOT, NOT_SURE, OTHER

MAX_CANDIDATES = 40      # articles the questions choose between
RECALL = 200             # ranked articles checked for quoting a paste word for word
CODE_PENALTY = 20.0      # weight divided by this per pasted code an article lacks
PASTE_MISMATCH = 0.2     # weight kept by an article contradicting what the paste says
MESSAGE_MATCH = 10.0     # weight multiplied for an article quoting the pasted text as is
HOW_TO_FOR_A_PROBLEM = 0.5  # weight kept by a how-to when the person describes a problem
HOW_TO = re.compile(r"^(\w+: )?(how to|howto:)", re.I)
ASKS_HOW = re.compile(r"\bhow (do|can|to|should|would)\b", re.I)
# The title of the dialog any program built with Visual C++ shows when it fails: it
# names the library, not the program the person runs (Expedia, Encarta...).
RUNTIME_LIBRARY = re.compile(r"(?:Microsoft\s+)?Visual\s+C\+\+\s+Run-?\s?time\s+Library", re.I)


@dataclass
class Candidate:
    id: str
    title: str
    url: str
    score: float
    weight: float = 0.0
    codes_matched: int = 0


def rescale_weights(candidates: list[Candidate]) -> None:
    """Weights rescaled to sum to 1, heaviest first (ties: search score, then id)."""
    total = sum(c.weight for c in candidates) or 1.0
    for candidate in candidates:
        candidate.weight /= total
    candidates.sort(key=lambda c: (-c.weight, -c.score, c.id))


def answer_label(facet: str, value: str, candidates: list[Candidate], facts: dict[str, Facts]
             ) -> str:
    """How an answer's key reads, as the candidates' facts word it."""
    if value == NOT_SURE:
        return "Not sure"
    if value == OTHER:
        return "Something else"
    if value.startswith(NOT):
        return f"Not {answer_label(facet, value.removeprefix(NOT), candidates, facts)}"
    for candidate in candidates:
        found = facts[candidate.id].values[facet].get(value)
        if found:
            return found.label
    return value


def paste_facts(query: Query, candidates: list[Candidate], facts: dict[str, Facts]
                ) -> dict[str, set[str]]:
    """Facet values the paste states: a protocol named or implied by its port, a
    product or operating system named in it."""
    said: dict[str, set[str]] = {}
    # "Secure(SSL): NO" is in every Outlook Express error: SSL says nothing.
    protocols = query.protocols - {"ssl"}
    if protocols:
        said["protocol"] = set(protocols)
    # "cannot receive mail": the person said what they were doing. Only for what they
    # wrote in their own words: a pasted dialog's words are the program's.
    doing = set(activities_in(query.text)) if not query.codes else set()
    if doing:
        said["doing"] = doing
    programs_named = RUNTIME_LIBRARY.sub(" ", query.text)
    for candidate in candidates:
        for key, value in facts[candidate.id].values["product"].items():
            # "excel says the file is locked" names Excel, "access denied" no program
            # (app/articles/facts.py `names_in_text`).
            if names_in_text(value.label, programs_named):
                said.setdefault("product", set()).add(key)
    # A system as people type it ("nt 4", "win95") names its family: every edition,
    # unless they named the edition ("Windows NT Server"). "ms-dos mode" names none.
    for family in systems_in(query.text):
        keys = {key for candidate in candidates for key in facts[candidate.id].values["os"]
                if key.startswith(family)}
        named = {key for key in keys if key != family and names_in_text(
            answer_label("os", key, candidates, facts), query.text)}
        if keys:
            said.setdefault("os", set()).update(named | (keys & {family}) if named else keys)
    # A product named in the paste that is a prefix of a longer one named too
    # ("Outlook" inside "Outlook Express") is not separate evidence.
    if "product" in said:
        labels = {k: answer_label("product", k, candidates, facts).lower() for k in said["product"]}
        said["product"] = {k for k in said["product"]
                           if not any(o != k and labels[k] in labels[o] for o in labels)}
    return said


def _said_label(facet: str, key: str, candidates: list[Candidate], facts: dict[str, Facts]
                ) -> str:
    if facet == "protocol":
        return PROTOCOLS.get(key, key.upper())
    if facet == "doing":
        return next(label for k, label, _ in ACTIVITIES if k == key)
    return answer_label(facet, key, candidates, facts)


def weigh(ranked: list[tuple[str, float]], query: Query, facts: dict[str, Facts]
          ) -> tuple[list[Candidate], list[tuple[str, str]], dict[str, set[str]]]:
    """Candidates with weights summing to 1, what the paste said (for the page), and
    the facet values the paste stated (those facets are never asked)."""
    pasted = {code.upper() for code in query.codes}
    candidates = []
    for article_id, score in ranked:
        found = facts.get(article_id)
        if found is None:
            continue
        candidates.append(Candidate(article_id, found.title, found.url, round(score, 3),
                                    codes_matched=len(pasted & found.codes)))
    if not candidates:
        return [], [], {}
    top = max(c.score for c in candidates) or 1.0
    most = max(c.codes_matched for c in candidates)
    # Then messages: an article quoting the pasted words as they are (in its title,
    # messages or symptoms) outranks one that merely shares some of them.
    quoting, whole = set(), set()
    if query.is_message:
        quoting = {c.id for c in candidates if query.quoted_in(facts[c.id].text)}
        whole = {c for c in quoting if query.phrase in facts[c].text}
    for candidate in candidates:
        if candidate.id in whole:        # quoting the whole paste covers its codes too
            candidate.codes_matched = max(candidate.codes_matched, most)
        candidate.weight = (max(candidate.score, 0.0) / top) * (
            CODE_PENALTY ** (candidate.codes_matched - most)) * (
            MESSAGE_MATCH if candidate.id in quoting else 1.0)
    # A person describing what goes wrong needs the article about that problem, not
    # one on how to do a task with the same words ("How to Bypass the Recycle Bin" for
    # "shift+delete still sends files to the recycle bin"); a person asking how wants
    # the how-to. Codes stay as they are: lists and how-tos carry them like any other.
    # Search's own first result keeps its place: where search is sure of it, so is the
    # wizard (app/wizard/evidence.py).
    if not query.codes and not ASKS_HOW.search(query.text):
        for candidate in candidates[1:]:
            if HOW_TO.match(candidate.title):
                candidate.weight *= HOW_TO_FOR_A_PROBLEM
    said = paste_facts(query, candidates, facts)
    shown: list[tuple[str, str]] = []
    for facet, keys in said.items():
        labels = sorted({_said_label(facet, k, candidates, facts) for k in keys})
        for candidate in candidates:
            own = facts[candidate.id].values[facet]
            # What someone was doing is said in their words, and articles say it in
            # theirs: it is not asked again, but it weighs no article down (measured:
            # weighing them down by half cost the plain descriptions 3 points).
            if (own and not keys & own.keys() and facet != "doing"
                    and not _fuller_name(labels, [v.label for v in own.values()])):
                candidate.weight *= PASTE_MISMATCH
        # "Windows NT" says what "Windows NT Server, Windows NT Workstation" would.
        shown.append((FACETS[facet].name, ", ".join(
            label for label in labels
            if not any(label.startswith(other + " ") for other in labels))))
    rescale_weights(candidates)
    floor = candidates[0].weight * 0.01
    candidates = [c for c in candidates if c.weight >= floor][:MAX_CANDIDATES]
    rescale_weights(candidates)
    return candidates, shown, said


def _fuller_name(named: list[str], own: list[str]) -> bool:
    """Whether one of an article's names is a fuller form of one the person typed:
    "Golf" of "Golf 2001 Edition", "SideWinder Force Feedback" of "... Pro", "Outlook"
    of "Outlook Express" (which people call "Outlook"): no contradiction."""
    return any(re.match(rf"{re.escape(name)}\b", label, re.I) for name in named for label in own)


def _own_words(facts: Facts | None) -> set[str]:
    """The stems of an article's title, quoted messages and symptom sentence."""
    if facts is None:
        return set()
    return set(stems(" ".join([facts.title,
                               *(v.label for v in facts.values["message"].values()),
                               *(v.label for v in facts.values["symptom"].values())])))


def search_ranking(source: Source, query: Query) -> list[tuple[str, float]]:
    """Search's own ranking of what was typed, as `candidates_for` asked for it (the
    source keeps it for the session): a bare code is ranked as the code alone."""
    if query.codes and not query.words_beside_codes:
        return source.rank(read_query(" ".join(query.codes)), MAX_CANDIDATES)
    return source.rank(query, RECALL)


def candidates_for(source: Source, query: Query) -> list[tuple[str, float]]:
    """Error codes first: when articles carry a pasted code, they are the candidates,
    ordered by the code match and then by how many of the pasted words their title,
    symptoms and messages share; otherwise the ranking of the whole text."""
    if not query:
        return []
    if query.codes:
        ranked = source.rank(read_query(" ".join(query.codes)), MAX_CANDIDATES)
        words = set(query.words_beside_codes)
        if ranked and words:
            facts = source.facts([article_id for article_id, _ in ranked])
            ranked = sorted(
                ((article_id, score * (1 + len(words & _own_words(facts.get(article_id)))
                                       / len(words)))
                 for article_id, score in ranked),
                key=lambda pair: -pair[1])
        if len(words - CODE_WORDS) >= 3:
            # A message with a code in it ("Run-time error '5': Invalid procedure call"):
            # articles quoting the message count too, whether or not they carry the code.
            known = {article_id for article_id, _ in ranked}
            ranked = ranked + [pair for pair in _with_quoting(source, query,
                                                              source.rank(query, RECALL))
                               if pair[0] not in known]
        if ranked:
            return ranked
    # Words only: look further down the ranking, where an article quoting the message
    # word for word may sit below ones that share its common words in their titles.
    return _with_quoting(source, query, source.rank(query, RECALL))


def _with_quoting(source: Source, query: Query, ranked: list[tuple[str, float]]
                  ) -> list[tuple[str, float]]:
    """The first MAX_CANDIDATES of a ranking, then those further down that quote the
    pasted text word for word."""
    head, tail = ranked[:MAX_CANDIDATES], ranked[MAX_CANDIDATES:]
    if not tail or len(set(query.phrase.split()) - CODE_WORDS) < 3:
        return head
    ids = [article_id for article_id, _ in tail]
    found = set().union(*(source.quoting(ids, phrase)
                          for phrase in (query.phrase, *query.sentences)))
    return head + [pair for pair in tail if pair[0] in found]
