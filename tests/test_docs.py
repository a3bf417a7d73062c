"""The README cannot drift from the code: its layout table names every package under
app/ and nothing that is gone, and its settings table every key the code reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
SETTINGS_HEADER = "| setting | default | what it is |"
# Set by Flask or by tests, not by whoever runs the app.
NOT_SETTINGS = {"TESTING", "DEBUG"}
READ_KEY = re.compile(r"""config(?:\[|\.get\(|\.setdefault\()\s*["']([A-Z][A-Z0-9_]*)["']""")


def section(markdown: str, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def first_cells(table_text: str) -> list[str]:
    """The first cell of each row of the first Markdown table in the text."""
    rows = [line for line in table_text.splitlines() if line.startswith("|")]
    return [row.split("|")[1].strip() for row in rows[2:]]


def layout_paths(markdown: str) -> set[str]:
    """Every backticked path in the first column of the layout table."""
    return {path for cell in first_cells(section(markdown, "Layout"))
            for path in re.findall(r"`([^`]+)`", cell)}


def settings_documented(markdown: str) -> set[str]:
    at = markdown.index(SETTINGS_HEADER)
    return {name for cell in first_cells(markdown[at:]) for name in re.findall(r"`(\w+)`", cell)}


def settings_read(root: Path) -> set[str]:
    """Keys the code reads from `app.config`, and the defaults the factory sets."""
    found: set[str] = set()
    for path in (root / "app").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found.update(READ_KEY.findall(source))
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "from_mapping"
                    and isinstance(node.func.value, ast.Attribute)
                    and node.func.value.attr == "config"):
                found.update(keyword.arg for keyword in node.keywords if keyword.arg)
    return found - NOT_SETTINGS


def packages(root: Path) -> set[str]:
    return {f"app/{path.parent.name}/" for path in (root / "app").glob("*/__init__.py")}


def test_layout_table_names_every_package():
    named = layout_paths(README.read_text(encoding="utf-8"))
    assert packages(PROJECT_ROOT) - named == set()


def test_layout_table_names_nothing_that_is_gone():
    named = layout_paths(README.read_text(encoding="utf-8"))
    gone = {path for path in named if path.startswith("app")
            and not (PROJECT_ROOT / path).exists()}
    assert gone == set()


def test_settings_table_documents_every_key_the_code_reads():
    documented = settings_documented(README.read_text(encoding="utf-8"))
    assert settings_read(PROJECT_ROOT) - documented == set()


def test_settings_table_documents_no_key_the_code_ignores():
    documented = settings_documented(README.read_text(encoding="utf-8"))
    assert documented - settings_read(PROJECT_ROOT) == set()


def test_architecture_doc_is_linked_from_the_layout_section():
    assert (PROJECT_ROOT / "docs" / "architecture.md").is_file()
    assert "(docs/architecture.md)" in section(README.read_text(encoding="utf-8"), "Layout")


# The readers themselves, on a small README and tree that have drifted.

DRIFTED = f"""# App

{SETTINGS_HEADER}
| --- | --- | --- |
| `KB_DIR` | `kb/` | articles |

## Layout

| folder | what is in it |
| --- | --- |
| `app/search/` | search |
| `app/old.py`, `templates/` | gone |

## Next

| `app/wizard/` | not in the layout section |
"""


@pytest.fixture
def drifted(tmp_path: Path) -> Path:
    files = {
        "app/__init__.py": 'app.config.from_mapping(KB_DIR="kb", SECRET_KEY="dev")\n',
        "app/search/__init__.py": "",
        "app/wizard/__init__.py": "",
        "app/web/views.py": 'x = current_app.config["ADMIN_PASSWORD"]\n'
                            'y = app.config.get("CONTACT", "")\n'
                            'app.config.setdefault("RATE", 10)\n',
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_readers_see_what_has_drifted(drifted):
    assert packages(drifted) - layout_paths(DRIFTED) == {"app/wizard/"}
    assert layout_paths(DRIFTED) == {"app/search/", "app/old.py", "templates/"}
    assert settings_read(drifted) - settings_documented(DRIFTED) == {
        "SECRET_KEY", "ADMIN_PASSWORD", "CONTACT", "RATE"}
