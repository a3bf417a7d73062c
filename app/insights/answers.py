"""What answers a gap: a pin made for it, or an article the help desk published about
it (app/authoring), each with the time it began to answer.

A published article answers a gap of codes when it lists one of the gap's codes (as
the gap's "write an article" link fills it in, however the code is spelled) or names
it in its title; a gap of words when its title or messages carry all the gap's words
(the link fills the title in with what people typed). Its time is the publish of the
first version of the unbroken run of versions up to the current one that answer it,
so a later typo fix does not move it, and an edit that added the code does count.
Articles are read from the versions the authoring pages store; each text is parsed
once per process (kept by a digest of the text itself, so two databases, as in
tests, never share an entry).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, select

from app.articles.loader import ArticleError
from app.authoring.source import decompose
from app.authoring.tables import versions
from app.authoring.versions import Version, published
from app.codes.recognise import as_code
from app.insights.grouping import CODE_PREFIX, WORDS_PREFIX, codes_of, same_code
from app.query.typed import read_query
from app.staff.pins import words_key

PARSED_LIMIT = 5000   # versions kept parsed per process


@dataclass(frozen=True)
class About:
    """What one article version is about, as gap keys see it."""

    codes: frozenset[str]
    words: frozenset[str]


@dataclass(frozen=True)
class Answer:
    at: str       # "YYYY-MM-DD HH:MM:SS": when it began to answer
    by: str       # "pin", or the article's id


_parsed: dict[bytes, About] = {}
_parsed_lock = threading.Lock()


def about(version: Version) -> About:
    """The codes (as gaps spell them) and the words of a version's title and messages;
    nothing for a deleted or unreadable one."""
    key = hashlib.blake2b(version.source.encode("utf-8", "replace"), digest_size=16).digest()
    with _parsed_lock:
        if key in _parsed:
            return _parsed[key]
    found = About(frozenset(), frozenset())
    if not version.deleted and version.source:
        try:
            fields = decompose(version.source)
        except ArticleError:
            fields = None
        if fields is not None:
            named = " ".join([fields.title, *fields.messages])
            codes = {same_code(as_code(code) or code, named) for code in fields.codes}
            codes |= {same_code(code, named) for code in read_query(named).codes}
            found = About(frozenset(codes), frozenset(words_key(named).split()))
    with _parsed_lock:
        if len(_parsed) >= PARSED_LIMIT:
            _parsed.clear()
        _parsed[key] = found
    return found


def answers(gap: str, seen: About) -> bool:
    """Does an article about `seen` answer this gap key?"""
    if gap.startswith(CODE_PREFIX):
        return bool(seen.codes & set(codes_of(gap)))
    if gap.startswith(WORDS_PREFIX):
        wanted = set(gap[len(WORDS_PREFIX):].split())
        return bool(wanted) and wanted <= seen.words
    return False


def article_answers(engine: Engine, gaps: Iterable[str]) -> dict[str, list[Answer]]:
    """Per gap key: the published articles that answer it, each since when."""
    wanted = [gap for gap in gaps if gap]
    answering = [(version, gap) for version in published(engine) for gap in wanted
                 if answers(gap, about(version))]
    # Only an article edited since its first version has an earlier run to look back
    # through: its older versions, read at once.
    older = _older_versions(engine, {v.article_id for v, _ in answering if v.number > 1})
    found: dict[str, list[Answer]] = {}
    for version, gap in answering:
        at = version.at
        for before in older.get(version.article_id, []):   # the newest first
            if before.number >= version.number:
                continue
            if not answers(gap, about(before)):
                break
            at = before.at
        found.setdefault(gap, []).append(Answer(at, version.article_id))
    return found


def _older_versions(engine: Engine, ids: set[str]) -> dict[str, list[Version]]:
    if not ids:
        return {}
    query = (select(versions).where(versions.c.article_id.in_(sorted(ids)))
             .order_by(versions.c.article_id, versions.c.number.desc()))
    found: dict[str, list[Version]] = {}
    with engine.connect() as db:
        for row in db.execute(query):
            found.setdefault(row.article_id, []).append(Version(**row._mapping))
    return found
