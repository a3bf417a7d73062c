"""What the questions may ask about: each candidate's facts, less what the paste
already says (the code everyone pasted, the message typed), and versions only under
the program the person named or chose."""

from __future__ import annotations

from dataclasses import replace

from app.articles.facts import Facts
from app.query.typed import Query
from app.text.analysis import normal


def askable_facts(facts: dict[str, Facts], query: Query) -> dict[str, Facts]:
    """The candidates' facts with what the paste already says taken out."""
    return _beside_paste(_beside_codes(facts, query), query)


def _beside_codes(facts: dict[str, Facts], query: Query) -> dict[str, Facts]:
    """The code everyone pasted cannot tell the candidates apart: ask about the others."""
    if not query.codes:
        return facts
    drop = {code.lower() for code in query.codes}
    return {key: replace(found, values={**found.values, "code": {
        k: v for k, v in found.values["code"].items() if k not in drop}})
        for key, found in facts.items()}


def _beside_paste(facts: dict[str, Facts], query: Query) -> dict[str, Facts]:
    """A message the person pasted is not offered back to them ("Do you see this
    message?" of the very words typed); a fuller one that holds it still is."""
    if not query.phrase:
        return facts
    pasted = f" {query.phrase} "

    def typed(label: str) -> bool:
        words = normal(label)
        return bool(words) and f" {words} " in pasted

    return {key: replace(found, values={**found.values, "message": {
        k: v for k, v in found.values["message"].items() if not typed(v.label)}})
        for key, found in facts.items()}


def facts_of_program(facts: dict[str, Facts], product: str | None) -> dict[str, Facts]:
    """Versions are asked under their program only: with the program known, each
    candidate keeps the versions of that program; without it, none is asked."""
    out = {}
    for key, found in facts.items():
        versions = {k: v for k, v in found.values["version"].items()
                    if product and k.startswith(product + "-")}
        out[key] = replace(found, values={**found.values, "version": versions})
    return out
