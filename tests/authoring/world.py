"""The authoring tests' one world: the article for 0x80042108 an editor writes (three
fix steps, a tree of two questions), the archive worlds instances serve, and the
database a test's backend names."""

from __future__ import annotations

from pathlib import Path

from app.activity.database import database_url
from app.authoring.source import Fields
from tests.activity_db import backend_config
from tests.conftest import FIXTURE_ARTICLES

STEPS = "1. Open Services.\n2. Start the Volume Shadow Copy service.\n3. Run the backup again.\n"
BODY = (f"## Symptoms\n\nWindows Server Backup stops with error 0x80042108.\n\n"
        f"## Resolution\n\n{STEPS}")
TREE = """start: service
nodes:
  - id: service
    text: Start the Volume Shadow Copy service.
    question: Is the Volume Shadow Copy service running now?
    options:
      - answer: "Yes"
        next: again
      - answer: "No"
        next: escalate
  - id: again
    text: Run the backup again.
    question: Did the backup finish this time?
    options:
      - answer: "Yes"
        next: done
      - answer: "No"
        next: escalate
"""


def fields(**changes) -> Fields:
    """The article's fields as the editor's form gives them, with `changes`."""
    values = {"id": "Q900101", "title": "Backup fails: error 0x80042108 \"VSS\"",
              "codes": ["0x80042108"], "products": ["Windows Server Backup"], "body": BODY}
    return Fields(**{**values, **changes})


def archive_worlds(make_kb, count: int = 2) -> list:
    """`count` machines, each its own KB_DIR of the three fixture archive articles."""
    return [make_kb({f"Q{n}": text for n, text in FIXTURE_ARTICLES.items()})
            for _ in range(count)]


def backend_url(backend: str, tmp_path: Path) -> str:
    """The database URL of `backend` ("sqlite" or "postgresql"), its tables emptied."""
    config = backend_config(backend, tmp_path)
    return database_url(config.get("DATABASE_URL", ""), config["ACTIVITY_DB"])
