"""Did you mean: a word no article uses, corrected to the near word many do."""

from __future__ import annotations

import re

from app.search.readers import Answers, KnowledgeBase
from app.text.analysis import stems

MAX_CORRECTIONS = 3
KNOWN_STEM_RATIO = 10  # see _correction
# What people type for don't, can't...: articles have the words, with an apostrophe.
CONTRACTIONS_TYPED = frozenset({
    "dont", "cant", "wont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "couldnt",
    "shouldnt", "wouldnt", "havent", "hasnt", "hadnt", "thats", "whats", "theres", "youre",
    "theyre", "youve", "theyve", "youll",
})

CACHE_SIZE = 10_000  # "did you mean" answers (word -> correction or None) kept per index


def spelling_fixes(kb: KnowledgeBase, text: str, codes: list[str]) -> list[tuple[str, str]]:
    """(typed, suggested) for words that no article uses but a near word many do.

    Never a code, an id, a number or an ALL-CAPS word: those are meant as typed; nor a
    word search leaves out (`from` is not a slip for `form`), nor `dont` for `don't`.
    """
    fixes: list[tuple[str, str]] = []
    for match in re.finditer(r"[A-Za-z][A-Za-z']*[A-Za-z]", text):
        word = match.group()
        start, end = match.span()
        before, after = text[max(0, start - 1) : start], text[end : end + 2]
        if (
            len(word) < 4
            or word.isupper()
            or "'" in word
            or (before and (before.isalnum() or before in "_.\\/"))  # part of a name or path
            or (after[:1].isdigit() or after[:1] == "_")
            or (len(after) == 2 and after[0] in ".\\/" and after[1].isalnum())
            or any(word.lower() in code.lower() for code in codes)
            or word.lower() in CONTRACTIONS_TYPED
            or not stems(word)
        ):
            continue
        fixed = _correction(kb, word.lower())
        if fixed:
            fixes.append((word, fixed))
        if len(fixes) == MAX_CORRECTIONS:
            break
    return fixes


def _correction(kb: KnowledgeBase, word: str) -> str | None:
    """The word one edit away that articles use most, if the word itself is unknown.

    Edits are generated and looked up (a few hundred probes, one query) rather than
    found by walking the vocabulary, which takes seconds on the archive. A dropped
    letter is the commonest slip, so a candidate at least as long as the word wins
    over a shorter one (`printr` is `printer` before `print`).

    A word whose stem the body uses is a real word, merely rare, unless that stem is
    itself a slip some articles share: then only a word of another stem, used many
    times as often (`recieve` is `receive`), corrects it.
    """
    answers = kb.derived("corrections", lambda: Answers[str | None](CACHE_SIZE))
    return answers.answer(word, lambda: _worked_out_correction(kb, word))


def _worked_out_correction(kb: KnowledgeBase, word: str) -> str | None:
    searcher = kb.searcher()
    seen = kb.store().word_frequencies([word]).get(word, 0)
    chosen: tuple[bool, int, str] | None = None
    # A word articles use is no slip: most typed words are, and their few hundred
    # edits are then never looked up.
    if seen <= 2 and not searcher.reader().doc_frequency("title", word):
        edits = _one_edit(word)
        frequencies = kb.store().word_frequencies(edits)
        for candidate in edits:
            frequency = frequencies.get(candidate, 0)
            if frequency >= max(2, 20 * seen):
                rank = (len(candidate) >= len(word), frequency, candidate)
                if chosen is None or rank > chosen:
                    chosen = rank
    if chosen is not None:
        stem = stems(word)
        in_body = searcher.reader().doc_frequency("body", stem[0]) if stem else 0
        if in_body > 3 and (chosen[1] < KNOWN_STEM_RATIO * in_body
                            or stems(chosen[2]) == stem):
            chosen = None
    return chosen[2] if chosen else None


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = "abcdefghijklmnopqrstuvwxyz"
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in letters),
        *(a + c + b for a, b in splits for c in letters),
    } - {word}
