"""Browser fixtures: the real app on a real port, driven by Debian's Chromium.

`live_server` is the base URL (``http://127.0.0.1:PORT``) of the app served by
werkzeug in a thread, on an index of a copy of the project's own `kb/` (the seed
Q198704 and the help desk's articles) built once per session in a tmp folder. `page`
is a fresh Playwright page (its own context, so no cookies leak between tests) in
headless Chromium. Nothing here downloads a browser: without /usr/bin/chromium or the
playwright package the tests are skipped with the way to get them.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import KB
from tests.worlds import TWINS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Besides the repository's kb/: an article with what the archive's long articles have
# (sub-headings, a table and a command wider than a phone, a list of codes), so the
# pages are checked with them too. It shares no code or word with the 0x800CCC90 world;
# nor do the TWINS (tests/worlds.py), whose question comes back after "Not sure".
WIDE_ARTICLE = "Q900190"
_COMMAND = ("rundll32 printui.dll,PrintUIEntry /ga /n\\\\labelserver01\\"
            + "ZebraLabelPrinterQueueForTheWarehouseOnTheSecondFloorNextToTheLoadingBay" * 2)
WIDE_ARTICLE_TEXT = f"""\
---
id: Q900190
title: "Label printer spooler settings"
products: [Windows Print Spooler]
last_modified: 2005-03-07
codes: ["ERROR-1797", "ERROR-1801", "ERROR-1804", "0x00000709"]
---
## Symptoms

### On the print server

The spooler refuses the queue and the event log lists one of these:

| Code | Message | Logged in | Checked first |
| ---- | ------- | --------- | ------------- |
| 1797 | The printer driver is unknown | System log, PrintService | The driver package |
| 1801 | The printer name is invalid | Application log, Spooler | The share name |

### On the client

```
{_COMMAND}
```

## Resolution

1. Remove the queue.
2. Add it again with the driver from the server.
"""


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The Flask app the live server runs, on an index of a copy of PROJECT_ROOT/kb
    (the same world as tests/conftest.py's `make_kb`, once per session)."""
    kb = KB.of(tmp_path_factory.mktemp("live"), {WIDE_ARTICLE: WIDE_ARTICLE_TEXT, **TWINS},
               with_repository_kb=True, config={"SECRET_KEY": "browser-tests"})
    try:
        yield kb.app
    finally:
        kb.close()


def _closing(app: Flask):
    """The app with each response closed by the iteration itself.

    Werkzeug's development server closes a response only after draining the socket;
    when Chromium drops a connection mid-file (a stylesheet it no longer needs), that
    drain raises first and the static file is left to the garbage collector, whose
    ResourceWarning then fails whichever test is running."""
    def serve(environ, start_response):
        response = app(environ, start_response)
        try:
            yield from response
        finally:
            if hasattr(response, "close"):
                response.close()
    return serve


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """Base URL of the app, served on 127.0.0.1 and a free port for the session."""
    server = make_server("127.0.0.1", 0, _closing(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, launched once per session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing: `make test` installs it "
                    "(requirements-dev.txt)")
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
                    "(browser tests never download one)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server: str):
    """A fresh page at desktop width; clipboard allowed for the live server's origin."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
