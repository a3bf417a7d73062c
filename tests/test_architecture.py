"""The layers of app/ import only downward; the rules docs/architecture.md states hold.

The order, lowest first, is LAYERS: a module may import its own package and any lower
one. `activity` stands apart (votes, misses, outcomes): it may import only `text`.
Flask and werkzeug belong to `web` and `cli`, Whoosh never to `web` (views go through
app/search/). The readers of the index never import the code that writes it
(READ_SIDE); domain packages never read the configuration (the web layer and the
commands read it and pass plain values down). No module is over MAX_LINES lines and
no function over MAX_FUNCTION_LINES. docs/architecture.md says what belongs in each
layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import PROJECT_ROOT

LAYERS = ["text", "codes", "images", "query", "markup", "articles", "index", "search",
          "wizard", "activity", "staff", "authoring", "insights", "web", "cli"]
ONLY_IMPORTS = {"activity": {"activity", "text"}}
FLASK_LAYERS = {"web", "cli"}
FLASK = {"flask", "werkzeug"}
# Werkzeug's password hashing is a library, not the web framework: staff accounts use it.
NOT_FLASK = {"werkzeug.security"}
WHOOSH_FREE = {"web"}
MAX_LINES = 400
MAX_FUNCTION_LINES = 60
# The modules of app/index/ the readers (search, wizard, web) may import: the schema,
# the store, the generations, the integrity check and the arrays' layout and postings
# reading. Every other module of app/index/ writes the index; they in turn import only
# each other.
READ_SIDE = {"schema", "store", "generations", "integrity", "layout", "segment_postings"}
READERS = {"search", "wizard", "web"}
# The layers that read the configuration (`current_app.config`, the environment) and
# pass plain values down; every other layer is a domain package.
CONFIGURED_LAYERS = {"web", "cli"}


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
            if target == "index" and _writes_index(name, layer, parts):
                found.append(f"{where}:{line}: {name} writes the index; the readers "
                             f"import only {sorted(READ_SIDE)}")
            if target is None or target == layer:
                continue
            if layer in ONLY_IMPORTS and target not in ONLY_IMPORTS[layer]:
                found.append(f"{where}:{line}: {layer} may import only "
                             f"{sorted(ONLY_IMPORTS[layer])}, not {name}")
            elif rank[target] > rank[layer]:
                found.append(f"{where}:{line}: {layer} imports {name}, a higher layer")
    return found


def _writes_index(name: str, layer: str, importer: tuple[str, ...]) -> bool:
    """Whether importing `name` (a module of app/index/ or a name in one) from a reader,
    or from a module of app/index/ the readers use, brings in code that writes the index."""
    reader = layer in READERS or (layer == "index" and importer[-1] in READ_SIDE)
    parts = name.split(".")
    return reader and len(parts) > 2 and parts[2] not in READ_SIDE


def _modules(root: Path, top: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((root / top).rglob("*.py")):
        yield path.relative_to(root).as_posix(), path


def long_modules(root: Path, top: str = "app", limit: int = MAX_LINES) -> list[str]:
    found = []
    for where, path in _modules(root, top):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{where}: {lines} lines")
    return found


def long_functions(root: Path, top: str = "app", limit: int = MAX_FUNCTION_LINES,
                   excused: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """`path:line name: N lines` of every function (nested ones too) over `limit`
    lines, its decorators left out, outside the modules `excused` names."""
    found = []
    for where, path in _modules(root, top):
        if any(where == name or (name.endswith("/") and where.startswith(name))
               for name in excused):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > limit:
                    found.append(f"{where}:{node.lineno} {node.name}: {lines} lines")
    return found


def settings_of(root: Path, top: str = "app") -> set[str]:
    """The settings the factory gives a default (`app.config.from_mapping(...)`)."""
    tree = ast.parse((root / top / "__init__.py").read_text(encoding="utf-8"))
    return {keyword.arg for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "from_mapping"
            for keyword in node.keywords if keyword.arg}


def second_defaults(root: Path, top: str = "app",
                    excused: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """`path:line: why` of every default given to a setting outside the factory:
    `config.setdefault(...)`, or `config.get("SETTING", default)`."""
    found = []
    for where, path in _modules(root, top):
        if where == f"{top}/__init__.py" or where in excused:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Attribute)
                    and node.func.value.attr == "config"):
                continue
            if node.func.attr == "setdefault" or (node.func.attr == "get"
                                                  and len(node.args) > 1):
                found.append(f"{where}:{node.lineno}: a default beside create_app's")
    return found


def configuration_reads(root: Path, top: str = "app",
                        excused: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """`path:line: why` of every place a domain package reads the configuration: a
    setting looked up by name (`x["KB_DIR"]`, `x.get("KB_DIR")`) or the environment."""
    settings = settings_of(root, top)
    found = []
    for where, path in _modules(root, top):
        parts = Path(where).parts
        if len(parts) < 3 or parts[1] in CONFIGURED_LAYERS or where in excused:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            key = None
            if isinstance(node, ast.Subscript):
                key = node.slice
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr == "get" and node.args):
                key = node.args[0]
            if isinstance(key, ast.Constant) and key.value in settings:
                found.append(f"{where}:{node.lineno}: reads the setting {key.value}")
            if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"}:
                found.append(f"{where}:{node.lineno}: reads the environment")
            if isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                    alias.name in {"environ", "getenv"} for alias in node.names):
                found.append(f"{where}:{node.lineno}: reads the environment")
    return found


def test_app_imports_only_downward():
    assert architecture_violations(PROJECT_ROOT) == []


def test_every_package_under_app_is_a_layer():
    packages = {path.parent.name for path in (PROJECT_ROOT / "app").glob("*/__init__.py")}
    assert packages == set(LAYERS)


def test_the_tests_mirror_the_packages():
    """Each folder of tests/ holds the tests of the package of app/ it is named after
    (tests/browser/ drives a browser against the whole site)."""
    folders = {path.parent.name for path in (PROJECT_ROOT / "tests").glob("*/test_*.py")}
    assert folders <= {*LAYERS, "browser"}


def test_no_module_is_over_400_lines():
    assert long_modules(PROJECT_ROOT) == []


def test_no_function_is_over_60_lines():
    assert long_functions(PROJECT_ROOT) == []


def test_domain_packages_never_read_the_configuration():
    assert configuration_reads(PROJECT_ROOT) == []


def test_settings_are_defaulted_only_by_the_factory():
    assert second_defaults(PROJECT_ROOT) == []


def test_the_factory_gives_the_settings_defaults():
    assert {"KB_DIR", "INDEX_DIR", "FEEDBACK_RATE_LIMIT", "PUBLIC_URL"} <= settings_of(
        PROJECT_ROOT)


# The checker itself, on a small tree that breaks each rule once.

def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


CLEAN = {
    "app/__init__.py": "from flask import Flask\nfrom app.web import views\n"
                       "app.config.from_mapping(KB_DIR='kb')\n",
    "app/text/__init__.py": "",
    "app/text/words.py": "import re\n",
    "app/codes/__init__.py": "",
    "app/codes/parse.py": "from app.text.words import re\nfrom . import parse\n",
    "app/search/__init__.py": "",
    "app/search/find.py": "from whoosh import query\nfrom app.codes import parse\n"
                          "from app.index.store import Store\n",
    "app/index/__init__.py": "",
    "app/index/store.py": "from app.index.schema import x\n",
    "app/index/build.py": "from app.index.writing import y\nfrom app.index import store\n",
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
    ("app/search/bad.py", "from app.index.build import build_index\n",
     "app/search/bad.py:1: app.index.build.build_index writes the index; the readers "
     f"import only {sorted(READ_SIDE)}"),
    ("app/web/bad.py", "from app.index import packs\n",
     "app/web/bad.py:1: app.index.packs writes the index; the readers "
     f"import only {sorted(READ_SIDE)}"),
    ("app/index/layout.py", "\nfrom app.index.packs import write_pack\n",
     "app/index/layout.py:2: app.index.packs.write_pack writes the index; the readers "
     f"import only {sorted(READ_SIDE)}"),
])
def test_checker_finds_each_kind_of_violation(tmp_path, name, text, expected):
    root = _tree(tmp_path, {**CLEAN, name: text})
    assert architecture_violations(root) == [expected]


def test_checker_finds_long_functions(tmp_path):
    body = "    x = 1\n" * (MAX_FUNCTION_LINES - 1)
    root = _tree(tmp_path, {**CLEAN, "app/text/long.py": f"def fine():\n{body}\n"
                            f"@decorated\ndef long():\n{body}    x = 2\n",
                            "app/wizard/excused.py": f"def long():\n{body}    x = 2\n"})
    expected = f"app/text/long.py:{MAX_FUNCTION_LINES + 3} long: {MAX_FUNCTION_LINES + 1} lines"
    assert long_functions(root, excused={"app/wizard/"}) == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("def url(config):\n    return config['KB_DIR']\n", "reads the setting KB_DIR"),
    ("def url(config):\n    return config.get('KB_DIR', '')\n", "reads the setting KB_DIR"),
    ("import os\n\nx = os.environ['HOME']\n", "reads the environment"),
    ("from os import getenv\n", "reads the environment"),
])
def test_checker_finds_configuration_read_in_a_domain_package(tmp_path, text, expected):
    root = _tree(tmp_path, {**CLEAN, "app/codes/bad.py": text,
                            "app/web/fine.py": "x = app.config['KB_DIR']\n"})
    assert [found.split(": ", 1)[1] for found in configuration_reads(root)] == [expected]
    assert configuration_reads(root, excused={"app/codes/bad.py"}) == []


@pytest.mark.parametrize("text", [
    "def init_app(app):\n    app.config.setdefault('KB_DIR', 'kb')\n",
    "def view():\n    return current_app.config.get('KB_DIR', 'kb')\n",
])
def test_checker_finds_a_second_default(tmp_path, text):
    root = _tree(tmp_path, {**CLEAN, "app/web/bad.py": text,
                            "app/web/fine.py": "x = current_app.config.get('KB_DIR')\n"})
    assert second_defaults(root) == ["app/web/bad.py:2: a default beside create_app's"]


def test_checker_finds_long_modules(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "app/text/long.py": "x = 1\n" * (MAX_LINES + 1),
                            "app/text/fine.py": "x = 1\n" * MAX_LINES})
    assert long_modules(root) == [f"app/text/long.py: {MAX_LINES + 1} lines"]
