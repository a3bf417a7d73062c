"""Snippets: the passages around the matched words, marked, escaped, on whole words."""

from __future__ import annotations

from app.search.snippets import SNIPPET_CHARS, marked_passages
from app.text.analysis import stems_found

PAD = " ".join(["nothing to see here"] * 30)


def snippet(text: str, *stems: str) -> str:
    return marked_passages(text, stems_found(text, set(stems)))


def test_the_passage_with_the_most_different_words_is_shown() -> None:
    text = f"The printer is busy. {PAD} The printer prints garbage characters. {PAD}"
    shown = snippet(text, "printer", "garbag")
    assert '<mark class="match term0">printer</mark> prints ' \
           '<mark class="match term1">garbage</mark>' in shown
    # ...and the other passage with a match, before it, in the text's order.
    first, second = shown.split(" … ")
    assert "busy" in first and "garbage" in second


def test_every_match_in_a_passage_is_marked_and_stems_match_other_forms() -> None:
    shown = snippet("Printing failed; the printer spooler stopped printing.", "print")
    assert shown.count("<mark") == 2 and ">Printing</mark>" in shown
    assert "printer</mark>" not in shown and "printing.</mark>" not in shown


def test_text_is_escaped_and_only_marks_are_markup() -> None:
    shown = snippet("Run <script>alert(1)</script> and the printer fails", "printer")
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert shown.replace('<mark class="match term0">', "").replace("</mark>", "").count("<") == 0


def test_passages_are_bounded_and_begin_and_end_on_whole_words() -> None:
    text = f"{PAD} the printer fails {PAD}"
    shown = snippet(text, "printer")
    plain = shown.replace('<mark class="match term0">', "").replace("</mark>", "")
    assert len(plain) <= SNIPPET_CHARS
    assert plain.split()[0] in PAD.split() and plain.split()[-1] in PAD.split()
    assert f" {plain} " in f" {' '.join(text.split())} "


def test_no_match_no_snippet() -> None:
    assert snippet("the printer fails", "scanner") == ""
