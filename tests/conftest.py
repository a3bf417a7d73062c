"""Fixtures: a tiny knowledge base in tmp_path, its index, the app, a client."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from app import PROJECT_ROOT, create_app
from app.index.build import build_index

SEED = PROJECT_ROOT / "kb" / "198" / "Q198704" / "README.md"


def archive_article(number: int, title: str, body: str, product: str = "Microsoft Exchange",
                    modified: str = "21-FEB-1999", keywords: str = "kbfaq") -> str:
    """An article in the archive's own format: tab-indented body inside raw tags."""
    header = textwrap.dedent(f"""\
        Article: Q{number}
        Product(s): {product}
        Version(s): winnt:5.0,5.5
        Operating System(s):
        Keyword(s): {keywords}
        Last Modified: {modified}

        -------------------------------------------------------------------------------
        The information in this article applies to:

        - {product} Server, versions 5.0, 5.5
        -------------------------------------------------------------------------------

        """)
    footer = textwrap.dedent(f"""\


        Additional query words: alpha beta

        ======================================================================
        Keywords          : {keywords}
        Technology        : kbExchangeSearch
        Version           : winnt:5.0,5.5
        Issue type        : kbprb

        =============================================================================
        """)
    text = header + textwrap.dedent(body).strip("\n") + footer
    tabbed = "\n".join("\t" + line for line in text.split("\n"))
    return (
        f'---\nlayout: page\ntitle: "Q{number}: {title}"\n'
        f"permalink: /kb/{number // 1000:03d}/Q{number}/\n---\n\n"
        f"## Q{number}: {title}\n\n{{% raw %}}\n\n{tabbed}\n\n{{% endraw %}}\n"
    )


def write_article(kb_dir: Path, number: int, text: str) -> Path:
    path = kb_dir / f"{number // 1000:03d}" / f"Q{number}" / "README.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


FIXTURE_ARTICLES = {
    100001: archive_article(100001, "XCLN: ErrMsg: 0x800ccc90 with POP3 &amp; Outlook Express", """\
        SYMPTOMS
        ========

        When you log on with POP3 you receive the following error message:

          Server Response: '-ERR The AUTH protocol exchange was canceled by the
          client.', Port: 110, Server Error: 0x800ccc90, Error Number: 0x800ccc18

        WORKAROUND
        ==========

        1. On the Tools menu, click Accounts.

        2. Select the Clear Text option.
        """),
    100002: archive_article(100002, "XFOR: IMAP4 Users Cannot Retrieve Messages", """\
        SYMPTOMS
        ========

        IMAP4 users receive the following error message:

          Message number 1 could not be retrieved. Server Error: 0x800CCC90,
          Error Number: 0x800420CD

        STATUS
        ======

        This problem was first corrected in Exchange Server 5.5 Service Pack 3.
        """),
    100003: archive_article(100003, "Printer Prints Garbage Characters", """\
        SYMPTOMS
        ========

        The printer prints pages of garbage characters instead of the document.

        RESOLUTION
        ==========

        Reinstall the printer driver.
        """, product="Microsoft Windows 95.x Retail Product", modified="04-MAY-1998"),
}


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    for number, text in FIXTURE_ARTICLES.items():
        write_article(kb, number, text)
    return kb


@pytest.fixture
def index_dir(tmp_path: Path, kb_dir: Path) -> Path:
    index = tmp_path / "instance" / "index"
    build_index(kb_dir, index, procs=1)
    return index


@pytest.fixture
def app(tmp_path: Path, kb_dir: Path, index_dir: Path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "KB_DIR": str(kb_dir),
        "INDEX_DIR": str(index_dir),
        "INDEX_REFRESH_SECONDS": 0,
        "ACTIVITY_DB": str(tmp_path / "instance" / "activity.sqlite"),
    })
    yield app
    app.extensions["knowledge_base"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def corpus_kb() -> Path | None:
    """The full archive, when it has been extracted (see ../shared/corpus/README.md)."""
    candidate = Path(os.environ.get("MSKB_DIR", "/tmp/mskb/kb"))
    return candidate if candidate.is_dir() else None
