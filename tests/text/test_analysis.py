"""The one-pass word analyzer gives exactly what Whoosh's StemmingAnalyzer gives."""

from __future__ import annotations

import pickle

import pytest
from whoosh.analysis import ShingleFilter, StemmingAnalyzer

from app.text.analysis import StemmingTokenizer

TEXTS = [
    "",
    "The printer prints pages of garbage characters instead of the document.",
    "When you log on with POP3 you receive the following error message:\n"
    "  Server Response: '-ERR The AUTH protocol exchange was canceled by the client.'",
    "Running RUNS ran; a I x 0x800CCC90 file.txt C:\\WINNT\\System32 MAPI_E_LOGON_FAILED",
    "It is as it was: to be or not to be, that is the question",
]
OPTIONS = [
    {},
    {"positions": True},
    {"positions": True, "chars": True, "removestops": False},
    {"chars": True, "removestops": False, "mode": "query", "keeporiginal": True},
    {"positions": True, "start_pos": 7, "start_char": 3, "chars": True},
    {"tokenize": False, "positions": True},
]


def tokens(analyzer, text: str, **options) -> list[tuple]:
    return [(t.text, t.stopped, t.pos if options.get("positions") else None,
             (t.startchar, t.endchar) if options.get("chars") else None,
             t.original if options.get("keeporiginal") else None)
            for t in analyzer(text, **options)]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("text", TEXTS)
def test_same_tokens_as_whoosh(text: str, options: dict) -> None:
    assert tokens(StemmingTokenizer(), text, **options) == tokens(
        StemmingAnalyzer(cachesize=-1), text, **options)


def test_stop_words_do_not_count_as_positions() -> None:
    found = [(t.text, t.pos) for t in StemmingTokenizer()("Log on to the POP3 server",
                                                           positions=True)]
    assert found == [("log", 0), ("pop3", 1), ("server", 2)]


def test_word_pairs_and_a_pickled_copy_agree() -> None:
    text = TEXTS[2]
    expected = [t.text for t in (StemmingAnalyzer() | ShingleFilter(2, sep="~"))(text)]
    copy = pickle.loads(pickle.dumps(StemmingTokenizer() | ShingleFilter(2, sep="~")))
    assert [t.text for t in copy(text)] == expected
    assert "auth~protocol" in expected


SNIPPET_TEXTS = [
    "The Printer printing PRINTS garbage; the printers' queue is stuck at 99%.",
    "Happy hopping conflated relational ies xies os s a an the sizes sized sizing",
    "error.log file.error C:\\WINDOWS\\system32 0x800CCC90 Q198704 e-mail re-install",
    "Über naïve café résumé ﬁnance",
]


@pytest.mark.parametrize("text", SNIPPET_TEXTS)
def test_stems_found_are_the_analyzers_words_with_those_stems(text: str) -> None:
    from app.text.analysis import StemmingTokenizer, stems_found

    words = [(t.startchar, t.endchar, t.text) for t in StemmingTokenizer()(text, chars=True)]
    every = {stem for _, _, stem in words}
    for wanted in [every, {stem for stem in every if len(stem) < 3}, {"print", "garbag"},
                   {"i", "xi", "o"}, set()]:
        assert stems_found(text, wanted) == [w for w in words if w[2] in wanted]
