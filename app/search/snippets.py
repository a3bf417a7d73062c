"""A result's snippet: the passages of an article's text around the words that matched,
as safe HTML with those words marked.

Whoosh's highlighter scored every possible fragment token by token in Python and was a
tenth of a search; here the text is analysed once and the passages are chosen from the
matched words alone: the window of text that holds the most different matched words
(then the most matches), and a second one that does not overlap it.
"""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import escape

SNIPPET_CHARS = 240  # of one passage
CONTEXT = 70  # characters kept before a passage's first match and after its last
PASSAGES = 2
Match = tuple[int, int, str]  # start, end, stem


def marked_passages(text: str, matches: list[Match]) -> str:
    """Up to PASSAGES passages around the matches, in the text's order, every match in
    them in `<mark class="match termN">` (N: the stem's order of first appearance)."""
    passages: list[tuple[int, int]] = []
    left = list(matches)
    while left and len(passages) < PASSAGES:
        best = max(_windows(left), key=_weight)
        start, end = _passage(text, best[0][0], best[-1][1])
        passages.append((start, end))
        left = [m for m in left if m[1] <= start - CONTEXT or m[0] >= end + CONTEXT]
    passages.sort()
    classes: dict[str, int] = {}
    return " … ".join(
        _render(text, start, end, [m for m in matches if start <= m[0] and m[1] <= end], classes)
        for start, end in passages)


def _windows(matches: list[Match]) -> Iterator[list[Match]]:
    """From each match on, the matches that fit in one passage with its context."""
    end = 0
    for at, (start, _, _) in enumerate(matches):
        end = max(end, at + 1)
        while end < len(matches) and matches[end][1] - start <= SNIPPET_CHARS - 2 * CONTEXT:
            end += 1
        yield matches[at:end]


def _weight(window: list[Match]) -> tuple[int, int]:
    return len({stem for _, _, stem in window}), len(window)


def _passage(text: str, first: int, last: int) -> tuple[int, int]:
    """About SNIPPET_CHARS of the text from CONTEXT before `first`, on whole words."""
    start = max(0, first - CONTEXT)
    end = min(len(text), max(start + SNIPPET_CHARS, last))
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else first
    if end < len(text):
        space = text.rfind(" ", last, end)
        end = space if space >= 0 else last
    return start, end


def _render(text: str, start: int, end: int, marks: list[Match],
            classes: dict[str, int]) -> str:
    parts = []
    at = start
    for match_start, match_end, stem in marks:
        number = classes.setdefault(stem, len(classes))
        parts.append(str(escape(text[at:match_start])))
        parts.append(f'<mark class="match term{number}">'
                     f"{escape(text[match_start:match_end])}</mark>")
        at = match_end
    parts.append(str(escape(text[at:end])))
    return " ".join("".join(parts).split())
