"""Article ids and permalinks: `Q198704` lives at `/kb/198/Q198704/`, the public
archive's shape, for good."""

from __future__ import annotations

import re

# The digits of an article number: every pattern that finds or reads an id uses these.
ID_DIGITS = r"\d{5,7}"
ARTICLE_ID = re.compile(rf"^(?:Q|KB)?({ID_DIGITS})$", re.IGNORECASE)
# An article number as articles and steps mention it: "see Q185836".
MENTIONED_ID = re.compile(rf"\bQ({ID_DIGITS})\b")


def article_id(value: str) -> str | None:
    """`Q198704` from `q198704`, `KB198704`, `198704` or `Q0198704`-ish input; None if
    not an id."""
    match = ARTICLE_ID.match(value.strip())
    return f"Q{int(match.group(1))}" if match else None


def permalink_for(article_id: str) -> str:
    number = int(article_id[1:])
    return f"/kb/{number // 1000:03d}/{article_id}/"
