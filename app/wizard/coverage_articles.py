"""What the articles search finds say of a name the person typed (app/wizard/coverage.py):
whether they write it beside the problem's other words, or capitalised inside a
sentence, as a name. Read from the articles themselves, a few per problem, and only
for the names the index alone took for names the knowledge base lacks."""

from __future__ import annotations

import re
from typing import Protocol

from app.articles.model import Article
from app.query.typed import Query, read_query
from app.text.analysis import stems

RANKED = 10              # of the articles search finds for a problem, those read for its names
SHARED = 0.5             # of the problem's other words, the share an article writing a name has


class Articles(Protocol):
    """Search's ranking and the article store (app/wizard/source.py)."""

    def rank(self, query: Query, limit: int) -> list[tuple[str, float]]: ...

    def article(self, article_id: str) -> Article | None: ...


def not_written_by_its_articles(query: Query, names: list[str], source: Articles
                                 ) -> list[str]:
    """The names that none of the articles search finds for the whole problem writes
    (in any case, and a name of one word in any form) beside most of the problem's
    other words: where one does (`Emsmdb` of a pasted message, the `Zoom` of "Zoom box
    on the toolbar", the "canceled" of `Cancelled` sending), the knowledge base speaks
    of it after all; an article on zooming the screen is not about "Zoom meeting keeps
    freezing when I share my screen"."""
    articles = []
    for article_id, _ in source.rank(query, RANKED):
        article = source.article(article_id)
        if article is not None:
            text = "\n".join([article.title, *(section.text for section in article.sections)])
            articles.append((text, set(stems(text))))
    asked = set(stems(query.text))
    kept = []
    for name in names:
        written, own = _written(name), stems(name)
        others = asked - set(own)
        if not any((written.search(text) or (len(own) == 1 and " " not in name
                                             and own[0] in forms))
                   and len(others & forms) >= SHARED * len(others)
                   for text, forms in articles):
            kept.append(name)
    return kept


def _written(name: str) -> re.Pattern[str]:
    """`Wi-Fi` as written: `Wi-Fi`, `WiFi`, `wi fi`, in any case."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    return re.compile(r"(?<![\w-])" + r"[\s-]*".join(map(re.escape, words)) + r"(?![\w-])",
                      re.IGNORECASE)


def capitalised_inside(text: str, source: Articles) -> bool:
    """The articles search finds for the word write it capitalised inside a sentence
    (the Zoom command, "choose Teams", "serve as a Dropbox"): a name to them as well,
    so the person's capital at the start of a sentence may be one too; an "Everything"
    or "Suddenly" they write capitalised only where a sentence starts. (A word a
    handful of articles use needs no such proof: `Chrome`, `Dropbox`.)"""
    inside = re.compile(rf"[a-z][,;]? {re.escape(text)}(?![\w-])")
    for article_id, _ in source.rank(read_query(text.lower()), RANKED):
        article = source.article(article_id)
        if article is not None and any(inside.search(section.text)
                                       for section in article.sections):
            return True
    return False
