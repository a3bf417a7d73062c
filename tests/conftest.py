"""Fixtures: a small knowledge base in tmp_path from named articles (`make_kb`), its
index, the app, a client; `kb_dir`, `index_dir`, `app` and `client` are the three
archive articles of FIXTURE_ARTICLES made so. The worlds several modules search are
in tests/worlds.py, made by `make_kb` too; `start` serves one with gunicorn."""

from __future__ import annotations

import json
import os
import resource
import shutil
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import PROJECT_ROOT, create_app
from app.index.build import build_index
from app.search.readers import KnowledgeBase
from app.wizard.source import KnowledgeSource
from tests.servers import Server

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


def helpdesk_article(article_id: str, title: str, *, symptoms: str,
                     resolution: Sequence[str] = (), then: str = "", **front: list[str]) -> str:
    """A help desk article (README "Writing your own articles"): front matter (id,
    title and lists such as products, operating_systems, codes, messages), then
    `## Symptoms` and a `## Resolution` of numbered steps and a paragraph to try `then`."""
    lines = ["---", f"id: {article_id}", f"title: {json.dumps(title)}"]
    lines += [f"{key}: {json.dumps(list(values))}" for key, values in front.items()]
    lines += ["---", "## Symptoms", "", symptoms, ""]
    if resolution or then:
        lines += ["## Resolution", ""]
        lines += [f"{number}. {text}" for number, text in enumerate(resolution, 1)]
        lines += ["", then, ""] if then else [""]
    return "\n".join(lines)


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


class KB:
    """A knowledge base in a tmp folder: its articles, its index, the app and a client.

    The index is built, and the app made, the first time a test asks for them, so a
    test may still add articles to `kb_dir` (`add`) before that.
    """

    def __init__(self, root: Path, config: dict | None = None) -> None:
        self.root = root
        self.kb_dir = root / "kb"
        self.kb_dir.mkdir(parents=True, exist_ok=True)
        self.config = dict(config or {})
        self._app: Flask | None = None
        self._built = False

    @classmethod
    def of(cls, root: Path, articles: dict[str, str], *, with_repository_kb: bool = False,
           config: dict | None = None) -> KB:
        """Exactly these articles in root/kb (see `add`), on top of a copy of the
        repository's kb/ with `with_repository_kb`; `config` adds to the app's settings."""
        kb = cls(root, config)
        if with_repository_kb:
            shutil.copytree(PROJECT_ROOT / "kb", kb.kb_dir, dirs_exist_ok=True)
        for name, text in articles.items():
            kb.add(name, text)
        return kb

    def add(self, name: str, text: str) -> Path:
        """Write one file by name: an article id ("Q100001") goes where its format
        lives (an archive article in `100/Q100001/README.md`, a help desk article in
        `helpdesk/Q100001.md`); a path ("helpdesk/Q900103.tree.yaml") as it is."""
        if "/" in name or "." in name:
            path = self.kb_dir / name
        elif "{% raw %}" in text:  # the archive's format, as the loader tells them apart
            number = int(name.removeprefix("Q"))
            path = self.kb_dir / f"{number // 1000:03d}" / name / "README.md"
        else:
            path = self.kb_dir / "helpdesk" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    @property
    def index_dir(self) -> Path:
        """The index of kb_dir, built (serially) on first use: in instance/index, or
        where the config's INDEX_DIR says."""
        index = Path(self.config.get("INDEX_DIR") or self.root / "instance" / "index")
        if not self._built:
            build_index(self.kb_dir, index, procs=1)
            self._built = True
        return index

    @property
    def app(self) -> Flask:
        if self._app is None:
            self._app = create_app({
                "TESTING": True,
                "SECRET_KEY": "test",
                "KB_DIR": str(self.kb_dir),
                "INDEX_REFRESH_SECONDS": 0,
                "AUTHORING_CHECK_SECONDS": 0,  # tests update the index themselves
                "ACTIVITY_DB": str(self.root / "instance" / "activity.sqlite"),
                **self.config,
                "INDEX_DIR": str(self.index_dir),
            })
        return self._app

    @property
    def client(self) -> FlaskClient:
        return self.app.test_client()

    @property
    def kb(self) -> KnowledgeBase:
        """The app's KnowledgeBase: what its pages and the wizard read."""
        return self.app.extensions["knowledge_base"]

    def source(self) -> KnowledgeSource:
        """What the wizard reads in the app: search's ranking, the article store."""
        return KnowledgeSource(self.kb)

    def close(self) -> None:
        # The test client serves in the test's thread: close the searchers it opened,
        # or the garbage collector closes them, as a ResourceWarning, in a later test.
        if self._app is not None:
            self._app.extensions["knowledge_base"].close()



# Open files the suite needs: every app a test makes keeps its activity threads (the
# breaker's and the background writer's, made to live as long as their process) and
# their SQLite connections until the session ends, about one file per test. A server
# process has one app; a test session has hundreds, and a login shell's usual soft
# limit (1,024) ended the session's last 170 tests with "Too many open files".
OPEN_FILES = 8192


def pytest_configure(config: pytest.Config) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES if hard == resource.RLIM_INFINITY else min(OPEN_FILES, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

@pytest.fixture
def make_kb(tmp_path: Path) -> Iterator[Callable[..., KB]]:
    """`make_kb({"Q100001": archive_article(...), "Q900101": helpdesk_article(...)})`:
    a knowledge base in tmp_path of exactly these articles (see `KB.of`)."""
    made: list[KB] = []

    def make(articles: dict[str, str], *, with_repository_kb: bool = False,
             config: dict | None = None) -> KB:
        root = tmp_path if not made else tmp_path / f"world-{len(made) + 1}"
        made.append(KB.of(root, articles, with_repository_kb=with_repository_kb,
                          config=config))
        return made[-1]

    yield make
    for kb in made:
        kb.close()


@pytest.fixture
def archive_kb(make_kb) -> KB:
    """The three archive articles of FIXTURE_ARTICLES; what kb_dir, index_dir, app and
    client are made of."""
    return make_kb({f"Q{number}": text for number, text in FIXTURE_ARTICLES.items()})


@pytest.fixture
def kb_dir(archive_kb: KB) -> Path:
    return archive_kb.kb_dir


@pytest.fixture
def index_dir(archive_kb: KB) -> Path:
    return archive_kb.index_dir


@pytest.fixture
def app(archive_kb: KB) -> Flask:
    return archive_kb.app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()  # of `app`, so a module's own `app` fixture gets its client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def corpus_kb() -> Path | None:
    """The full archive, when it has been extracted (see ../shared/corpus/README.md)."""
    candidate = Path(os.environ.get("MSKB_DIR", "/tmp/mskb/kb"))
    return candidate if candidate.is_dir() else None


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """`start(index_dir, kb_dir, workers, **settings)`: gunicorn serving them (see
    tests/servers.py), stopped when the test ends."""
    started: list[Server] = []

    def _start(*args, **kwargs) -> Server:
        server = Server(tmp_path, *args, **kwargs)
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()
