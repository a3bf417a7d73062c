"""The layers of app/ import only downward, and no module grows past ~400 lines.

The order, lowest first, is LAYERS: a module may import its own package and any lower
one. `activity` stands apart (votes, misses, outcomes): it may import only `text`.
Flask and werkzeug belong to `web` and `cli`, Whoosh never to `web` (views go through
app/search/). docs/architecture.md says what belongs in each layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import PROJECT_ROOT

LAYERS = ["text", "codes", "query", "markup", "articles", "index", "search", "wizard",
          "activity", "staff", "authoring", "web", "cli"]
ONLY_IMPORTS = {"activity": {"activity", "text"}}
FLASK_LAYERS = {"web", "cli"}
FLASK = {"flask", "werkzeug"}
# Werkzeug's password hashing is a library, not the web framework: staff accounts use it.
NOT_FLASK = {"werkzeug.security"}
WHOOSH_FREE = {"web"}
MAX_LINES = 420  # the issue says "no module over ~400 lines"


def imports_of(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of everything a module imports, in functions too.

    `from app import text` yields `app.text`, so a package imported by name counts as
    that package; relative imports are resolved against the module's own package.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}" if base else alias.name


def layer_of(dotted: str, top: str) -> str | None:
    """The layer of `app.<layer>...`; `top` for the package itself (the factory, which
    imports Flask and every blueprint); None when it is not inside the package."""
    parts = dotted.split(".")
    if parts[0] != top:
        return None
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return top


def architecture_violations(root: Path, top: str = "app") -> list[str]:
    """Every import that breaks the layering, as `path:line: why`, for the package
    `root/top`."""
    found = []
    rank = {name: at for at, name in enumerate(LAYERS)}
    rank[top] = len(LAYERS)
    for path in sorted((root / top).rglob("*.py")):
        relative = path.relative_to(root)
        parts = relative.with_suffix("").parts
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        if module == top:
            continue  # the factory: imports Flask, the web layer and the CLI
        layer = parts[1] if len(parts) > 2 else None
        where = relative.as_posix()
        if layer not in rank or layer == top:
            found.append(f"{where}:1: not inside one of the layer packages {LAYERS}")
            continue
        for line, name in imports_of(path.read_text(encoding="utf-8"), module, is_package):
            first = name.split(".")[0]
            if first in FLASK and layer not in FLASK_LAYERS and not any(
                    name == allowed or name.startswith(allowed + ".") for allowed in NOT_FLASK):
                found.append(f"{where}:{line}: imports {name} in the domain layer {layer}")
            if first == "whoosh" and layer in WHOOSH_FREE:
                found.append(f"{where}:{line}: imports {name} in the web layer")
            target = layer_of(name, top)
            if target is None or target == layer:
                continue
            if layer in ONLY_IMPORTS and target not in ONLY_IMPORTS[layer]:
                found.append(f"{where}:{line}: {layer} may import only "
                             f"{sorted(ONLY_IMPORTS[layer])}, not {name}")
            elif rank[target] > rank[layer]:
                found.append(f"{where}:{line}: {layer} imports {name}, a higher layer")
    return found


def long_modules(root: Path, top: str = "app", limit: int = MAX_LINES) -> list[str]:
    found = []
    for path in sorted((root / top).rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return found


def test_app_imports_only_downward():
    assert architecture_violations(PROJECT_ROOT) == []


def test_every_package_under_app_is_a_layer():
    packages = {path.parent.name for path in (PROJECT_ROOT / "app").glob("*/__init__.py")}
    assert packages == set(LAYERS)


def test_no_module_is_over_400_lines():
    assert long_modules(PROJECT_ROOT) == []


# The checker itself, on a small tree that breaks each rule once.

def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


CLEAN = {
    "app/__init__.py": "from flask import Flask\nfrom app.web import views\n",
    "app/text/__init__.py": "",
    "app/text/words.py": "import re\n",
    "app/codes/__init__.py": "",
    "app/codes/parse.py": "from app.text.words import re\nfrom . import parse\n",
    "app/search/__init__.py": "",
    "app/search/find.py": "from whoosh import query\nfrom app.codes import parse\n",
    "app/activity/__init__.py": "",
    "app/activity/log.py": "from app.text import words\nfrom .log import x\n",
    "app/web/__init__.py": "",
    "app/web/views.py": "from flask import g\nfrom app.search.find import query\n"
                        "from app.activity.log import x\n",
    "app/cli/__init__.py": "",
    "app/cli/run.py": "import click\nfrom werkzeug import serving\nfrom app.web import views\n",
}


def test_checker_passes_a_tree_that_imports_downward(tmp_path):
    assert architecture_violations(_tree(tmp_path, CLEAN)) == []


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("app/text/bad.py", "import os\nfrom app.search.find import query\n",
     "app/text/bad.py:2: text imports app.search.find.query, a higher layer"),
    ("app/text/bad.py", "from app import search\n",
     "app/text/bad.py:1: text imports app.search, a higher layer"),
    ("app/codes/bad.py", "def late():\n    import app.search.find\n",
     "app/codes/bad.py:2: codes imports app.search.find, a higher layer"),
    ("app/search/bad.py", "from ..web import views\n",
     "app/search/bad.py:1: search imports app.web.views, a higher layer"),
    ("app/search/bad.py", "from app import PROJECT_ROOT\n",
     "app/search/bad.py:1: search imports app.PROJECT_ROOT, a higher layer"),
    ("app/search/bad.py", "\n\nfrom flask import current_app\n",
     "app/search/bad.py:3: imports flask.current_app in the domain layer search"),
    ("app/codes/bad.py", "import werkzeug.exceptions\n",
     "app/codes/bad.py:1: imports werkzeug.exceptions in the domain layer codes"),
    ("app/web/bad.py", "from whoosh.query import Term\n",
     "app/web/bad.py:1: imports whoosh.query.Term in the web layer"),
    ("app/activity/bad.py", "from app.codes import parse\n",
     "app/activity/bad.py:1: activity may import only ['activity', 'text'], not "
     "app.codes.parse"),
    ("app/search/bad.py", "from app.activity.log import x\n",
     "app/search/bad.py:1: search imports app.activity.log.x, a higher layer"),
    ("app/helpers.py", "",
     "app/helpers.py:1: not inside one of the layer packages " + str(LAYERS)),
])
def test_checker_finds_each_kind_of_violation(tmp_path, name, text, expected):
    root = _tree(tmp_path, {**CLEAN, name: text})
    assert architecture_violations(root) == [expected]


def test_checker_finds_long_modules(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "app/text/long.py": "x = 1\n" * (MAX_LINES + 1),
                            "app/text/fine.py": "x = 1\n" * MAX_LINES})
    assert long_modules(root) == [f"app/text/long.py: {MAX_LINES + 1} lines"]
