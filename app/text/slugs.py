"""Slugs: the URL- and key-safe forms of names, one definition each."""

from __future__ import annotations

import re


def slug(text: str, words: int = 8) -> str:
    """`Exchange Server 5.5` -> `exchange-server-5.5`: keeps version dots, at most
    `words` words (a key for an answer in a URL)."""
    parts = re.findall(r"[a-z0-9]+(?:\.[0-9]+)*", text.lower())
    return "-".join(parts[:words]) or "x"


def product_slug(product: str) -> str:
    """`Microsoft Windows NT` -> `microsoft-windows-nt` (the /products/<slug>/ URL)."""
    return re.sub(r"[^a-z0-9]+", "-", product.lower()).strip("-") or "unknown"


def anchor_for(title: str, taken: set[str]) -> str:
    """A heading's anchor, unique among `taken` (which it joins)."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def clip(text: str, limit: int) -> str:
    """Whitespace collapsed, cut at a word before `limit` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"
