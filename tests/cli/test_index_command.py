"""`flask index` with the help desk's database away: the run still indexes the files
and the published articles as the last run wrote them, and says so, never a traceback."""

from __future__ import annotations

from app.authoring import versions
from app.authoring.source import Fields, compose
from app.index.store import ArticleStore
from tests.conftest import FIXTURE_ARTICLES
from tests.staff_tools import engine_of

BODY = ("## Symptoms\n\nWindows Server Backup stops with error 0x80042108.\n\n"
        "## Resolution\n\n1. Open Services.\n2. Start the Volume Shadow Copy service.\n")
AWAY = "postgresql://kb:kb@127.0.0.1:9/kb?connect_timeout=2"  # the discard port: refused


def titles(index_dir) -> dict[str, str | None]:
    store = ArticleStore(index_dir)
    try:
        return {ident: (found.title if (found := store.get(ident)) else None)
                for ident in ("Q900101", "Q100003")}
    finally:
        store.close()


def test_an_index_run_with_the_database_away_keeps_the_published_articles(make_kb) -> None:
    kb = make_kb({f"Q{n}": text for n, text in FIXTURE_ARTICLES.items()})
    config = kb.app.config
    engine = engine_of(kb.app)
    fields = Fields(id="Q900101", title="Backup fails with 0x80042108", codes=["0x80042108"],
                    body=BODY)
    versions.publish(engine, "Q900101", compose(fields), "", base=0, author="ed",
                     summary="", title=fields.title)
    runner = kb.app.test_cli_runner()
    assert runner.invoke(args=["index"]).exit_code == 0
    assert titles(kb.index_dir)["Q900101"] == fields.title

    config["DATABASE_URL"] = AWAY
    kb.add("Q100003", FIXTURE_ARTICLES[100003].replace("Garbage Characters", "Odd Symbols"))
    result = runner.invoke(args=["index", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert "warning: the database could not be read" in result.output
    assert "published articles are indexed as the last run wrote them" in result.output
    assert "Traceback" not in result.output
    assert titles(kb.index_dir) == {"Q900101": fields.title,
                                    "Q100003": "Printer Prints Odd Symbols"}
