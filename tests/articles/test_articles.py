"""Reading article files of both formats into `Article`s, and refusing broken ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.articles.ids import article_id, permalink_for
from app.articles.loader import ArticleError, load_article
from app.markup.rendering import SectionRenderer
from tests.conftest import SEED, archive_article


@pytest.fixture(scope="module")
def renderer() -> SectionRenderer:
    return SectionRenderer(code_url=lambda code: f"/codes/{code}")


def test_seed_article_metadata(renderer: SectionRenderer) -> None:
    article = load_article(SEED, renderer)
    assert article.id == "Q198704"
    assert article.title == "XCLN: ErrMsg: 0x800ccc90, 0x800ccc18 & Outlook Express"
    assert article.permalink == "/kb/198/Q198704/"
    assert article.products == ["Microsoft Exchange"]
    assert article.versions == ["winnt:5.0,5.5"]
    assert article.keywords == ["kbfaq"]
    assert article.last_modified == date(1999, 2, 21)
    assert article.applies_to == ["Microsoft Exchange Server, versions 5.0, 5.5"]
    assert article.technology == ["kbExchangeSearch", "kbExchange500", "kbExchange550",
                                  "kbZNotKeyword2"]


def test_seed_article_sections_in_order(renderer: SectionRenderer) -> None:
    article = load_article(SEED, renderer)
    assert [(s.title, s.anchor) for s in article.sections] == [
        ("Symptoms", "symptoms"),
        ("Cause", "cause"),
        ("Workaround", "workaround"),
        ("More Information", "more-information"),
    ]


def test_seed_workaround_is_steps(renderer: SectionRenderer) -> None:
    workaround = load_article(SEED, renderer).section("WORKAROUND")
    assert workaround is not None
    kinds = [block.kind for block in workaround.blocks]
    assert kinds == ["para", "para", "steps", "para"]
    assert workaround.blocks[2].items[2] == "Select the Clear Text option."
    assert "<ol>" in workaround.html and "<li>Select the Clear Text option.</li>" in workaround.html


def test_seed_codes_and_messages(renderer: SectionRenderer) -> None:
    article = load_article(SEED, renderer)
    assert article.codes[:2] == ["0x800CCC90", "0x800CCC18"]
    assert any("AUTH protocol exchange was canceled" in m for m in article.messages)


def test_footer_is_not_body_text(renderer: SectionRenderer) -> None:
    article = load_article(SEED, renderer)
    text = "\n".join(section.text for section in article.sections)
    assert "Additional query words" not in text
    assert "kbExchangeSearch" not in text


def test_body_html_is_sanitised(tmp_path: Path, renderer: SectionRenderer) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\nid: Q900100\ntitle: Hostile\n---\n## Symptoms\n\n"
        "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>\n",
        encoding="utf-8",
    )
    html = load_article(path, renderer).sections[0].html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_markdown_article_with_yaml_front_matter(tmp_path: Path, renderer) -> None:
    path = tmp_path / "Q900200.md"
    path.write_text(
        "---\nid: Q900200\ntitle: Error 1603 during setup\nproducts: [Windows Installer]\n"
        "codes: ['error 1603']\nlast_modified: 2006-09-14\n---\n"
        "## Symptoms\n\nSetup fails.\n\n## Resolution\n\n1. Give SYSTEM full control.\n"
        "2. Run setup again.\n",
        encoding="utf-8",
    )
    article = load_article(path, renderer)
    assert (article.id, article.title, article.products) == (
        "Q900200", "Error 1603 during setup", ["Windows Installer"])
    assert article.last_modified == date(2006, 9, 14)
    assert "ERROR-1603" in article.codes
    resolution = article.section("Resolution")
    assert resolution is not None
    assert resolution.blocks[0].items == ("Give SYSTEM full control.", "Run setup again.")


def test_archive_title_entities_decoded(tmp_path: Path, renderer) -> None:
    path = tmp_path / "README.md"
    path.write_text(archive_article(123456, "Save &amp; Close &quot;fails&quot;", "Body.\n"),
                    encoding="utf-8")
    assert load_article(path, renderer).title == 'Save & Close "fails"'


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"---\ntitle: \xff\xfe\n---\n", "not UTF-8"),
        (b"no front matter here", "no front matter"),
        (b"---\ntitle: [unclosed\n---\n## Symptoms\n", "broken front matter"),
        (b"---\ntitle: No id\n---\n## Symptoms\n\nText.\n", "no valid 'id'"),
        (b"---\nid: Q900300\n---\nText.\n", "no 'title'"),
        (b'---\ntitle: "no id"\n---\n{% raw %}\n\tSome text\n{% endraw %}\n', "no article id"),
    ],
)
def test_broken_files_raise_a_clear_reason(tmp_path: Path, renderer, content, reason) -> None:
    path = tmp_path / "broken.md"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match=reason):
        load_article(path, renderer)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Q198704", "Q198704"), ("q198704", "Q198704"), ("198704", "Q198704"), ("hello", None),
     ("1999", None)],
)
def test_article_id_forms(typed: str, expected: str | None) -> None:
    assert article_id(typed) == expected


def test_permalink_shape() -> None:
    assert permalink_for("Q198704") == "/kb/198/Q198704/"
    assert permalink_for("Q12345") == "/kb/012/Q12345/"


def test_prose_that_says_applies_to_is_body_not_the_box(tmp_path: Path, renderer) -> None:
    """Old articles open with "The following information applies to X." and no box."""
    path = tmp_path / "README.md"
    text = archive_article(32271, "Old BASIC Article", "Body.\n").replace(
        "\t-------------------------------------------------------------------------------\n"
        "\tThe information in this article applies to:\n\t\n"
        "\t- Microsoft Exchange Server, versions 5.0, 5.5\n"
        "\t-------------------------------------------------------------------------------\n",
        "\tThe following information applies to QuickBASIC Versions 4.00 and 4.50.\n",
    )
    path.write_text(text, encoding="utf-8")
    article = load_article(path, renderer)
    assert article.applies_to == []
    assert "QuickBASIC Versions 4.00" in article.sections[0].text
    assert "Body." in article.sections[0].text


def test_rules_inside_the_text_are_not_the_footer(tmp_path: Path, renderer) -> None:
    """Application notes frame their own title with ==== rules."""
    body = (
        "SUMMARY\n=======\n\n" + "=" * 70 + "\n   Application Note PW0563\n" + "=" * 70
        + "\n\nThe note text.\n"
    )
    path = tmp_path / "README.md"
    path.write_text(archive_article(89330, "Complete Text PW0563", body), encoding="utf-8")
    article = load_article(path, renderer)
    assert "The note text." in article.sections[0].text
    assert article.technology == ["kbExchangeSearch"]


def test_a_snippet_is_drawn_from_the_symptoms_first_then_the_next_section() -> None:
    from app.articles.model import Article, Section
    from app.articles.sections import EXCERPT_CHARS, excerpt
    from app.markup.blocks import Block

    def section(title: str, text: str) -> Section:
        return Section(title=title, anchor=title.lower(), blocks=[Block("para", text)])

    article = Article(id="Q1", title="T", permalink="/kb/000/Q1/", sections=[
        section("CAUSE", "the cause"), section("SYMPTOMS", "x" * (EXCERPT_CHARS + 10)),
        section("RESOLUTION", "the fix")])
    assert excerpt(article) == ["x" * EXCERPT_CHARS, "the cause"]
    assert excerpt(Article(id="Q2", title="T", permalink="/kb/000/Q2/")) == []
