"""Why the leading article matches, in plain words."""

from __future__ import annotations

from app.articles.facts import Facts
from app.articles.model import Article
from app.codes.labels import CODE_WORDS
from app.codes.labels import label as code_label
from app.codes.recognise import codes_in
from app.query.typed import Query
from app.text.analysis import normal
from app.text.slugs import clip
from app.wizard.state import NOT_SURE, OTHER, Answer


def _section_with(article: Article, needle: str) -> str | None:
    needle = needle.lower()
    for section in article.sections:
        if needle in section.text.lower():
            return section.title
    return None


def _code_core(code: str) -> str:
    return code.split("-")[-1].lower().removeprefix("0x").lstrip("0") or code.lower()


def reasons_for(article: Article, facts: Facts, query: Query, answers: list[Answer]
                ) -> list[str]:
    """Plain words: why the leading article matches (code, message, answers, where)."""
    out = []
    for code in query.codes:
        if code.upper() in facts.codes:
            where = _section_with(article, _code_core(code)) or _section_with(article, code)
            if where is None:
                where = next((s.title for s in article.sections if code in codes_in(s.text)),
                             None)
            out.append(f"It carries the error code {code_label(code)} you entered"
                       + (f", in its {where} section." if where else " (in its title)."))
    phrase = query.phrase
    quoted = False
    if len(set(phrase.split()) - CODE_WORDS) >= 3 and phrase in facts.text:
        where = next((s.title for s in article.sections if phrase in normal(s.text)), None)
        out.append("It quotes what you entered word for word"
                   + (f", in its {where} section." if where else " (in its title or messages)."))
        quoted = True
    for message in [] if quoted else article.messages:
        short = " ".join(message.split()[:6]).lower()
        if len(short) > 15 and short in query.text.lower():
            out.append(f"It quotes the message “{clip(message, 80)}” in its "
                       f"{_section_with(article, message.split()[0]) or 'text'}.")
            break
    for answer in answers:
        if answer.value in (NOT_SURE, OTHER):
            continue
        # Only what matched: an article that says nothing about an answer is not
        # excluded by it, which is no reason to call it the fix.
        value = facts.values[answer.facet].get(answer.value)
        if value:
            out.append(f"You answered {answer.name.lower()} “{answer.label}”: {value.source}.")
    if not out and query:
        out.append("Its title and symptoms share the most words with what you entered.")
    return out
