"""Article ids and permalinks: `Q198704` lives at `/kb/198/Q198704/`, the public
archive's shape, for good."""

from __future__ import annotations

import re

# The digits of an article number: the one definition every pattern builds on.
ID_DIGITS = r"\d{5,7}"
ARTICLE_ID = re.compile(rf"^Q?({ID_DIGITS})$", re.IGNORECASE)


def article_id(value: str) -> str | None:
    """`Q198704` from `q198704`, `198704` or `Q0198704`-ish input; None if not an id."""
    match = ARTICLE_ID.match(value.strip())
    return f"Q{int(match.group(1))}" if match else None


def permalink_for(article_id: str) -> str:
    number = int(article_id[1:])
    return f"/kb/{number // 1000:03d}/{article_id}/"
