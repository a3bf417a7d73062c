"""Article ids and permalinks: `Q198704` lives at `/kb/198/Q198704/`, the public
archive's shape, for good."""

from __future__ import annotations

import re

# The digits of an article id, the one home of its shape: every pattern that finds or
# reads an id (in a URL, a typed search, an article's text) is built from this.
ID_DIGITS = r"\d{5,7}"
ARTICLE_ID = re.compile(rf"^Q?({ID_DIGITS})$", re.IGNORECASE)


def article_id(value: str) -> str | None:
    """`Q198704` from `q198704`, `198704` or `Q0198704`-ish input; None if not an id."""
    match = ARTICLE_ID.match(value.strip())
    return f"Q{int(match.group(1))}" if match else None


def typed_article_id(value: str) -> str | None:
    """An id as people type it, `KB198704` (the archive's own spelling) too."""
    return article_id(value.removeprefix("KB").removeprefix("kb"))


def permalink_for(article_id: str) -> str:
    number = int(article_id[1:])
    return f"/kb/{number // 1000:03d}/{article_id}/"
