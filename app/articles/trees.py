"""Authored decision trees: an author's own walk through an article's fix.

Where an author knows better than the generic step-by-step walk, an article may carry
a small tree in a YAML file beside it: `kb/198/Q198704/tree.yaml` for an archive article
(`README.md` in its own folder), `kb/helpdesk/Q900001.tree.yaml` for `Q900001.md`.

    start: clear-text                 # the first node
    nodes:
      - id: clear-text
        text: In Outlook Express, log on using Clear Text.   # what to try, or a question
        section: workaround           # optional: the article section it draws from
        question: Does the logon work with Clear Text?       # optional, default below
        options:
          - answer: "Yes, Clear Text works"
            next: alias               # another node, or `done`, or `escalate`
          - answer: "No, it still fails"
            article: Q237961          # or: the fix of another article
          - answer: "Show me the article's steps"
            section: workaround       # or: the generic steps of one of its sections

`done` ends with "fixed", `escalate` hands over to the help desk. A tree is checked
when it is loaded and by `flask --app app check`: every option has an answer and exactly
one target, every target exists (node, article, section), no loop, no unreachable node.
Errors name the file and the node.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from app.articles.untrusted_yaml import UntrustedYamlError, load_untrusted_yaml

TREE_FILE = "tree.yaml"
# An authored tree is a few dozen lines; files past this are refused unread.
MAX_TREE_BYTES = 64_000
ENDINGS = ("done", "escalate")
DEFAULT_QUESTION = "Did this fix it?"
NODE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")


class TreeError(ValueError):
    """A tree that cannot be used; the message names the file and the node."""


@dataclass(frozen=True)
class TreeOption:
    label: str
    kind: str          # "node", "done", "escalate", "article", "section"
    target: str        # node id, article id or section anchor ("" for done/escalate)


@dataclass(frozen=True)
class TreeNode:
    id: str
    text: str
    question: str
    section: str
    options: tuple[TreeOption, ...]


@dataclass(frozen=True)
class Tree:
    path: str
    start: str
    nodes: dict[str, TreeNode]


def tree_path_for(article_file: Path) -> Path:
    """Where the tree of the article in `article_file` lives."""
    if article_file.name.lower() == "readme.md":
        return article_file.with_name(TREE_FILE)
    return article_file.with_name(f"{article_file.stem}.{TREE_FILE}")


def size_problem(size: int, path: str) -> str | None:
    """Why a tree file of `size` bytes is refused unread, if it is."""
    if size > MAX_TREE_BYTES:
        return f"{path}: larger than {MAX_TREE_BYTES // 1000} KB"
    return None


def parse_tree(text: str, path: str = "tree.yaml") -> tuple[Tree | None, list[str]]:
    """A tree from YAML text, and every problem found in its structure.

    The tree is usable only when there are no problems; it is returned anyway (when
    its shape can be read at all) so that checks further on can report theirs too."""
    too_large = size_problem(len(text.encode("utf-8")), path)
    if too_large:
        return None, [too_large]
    data, problem = _tree_data(text, path)
    if data is None:
        return None, [problem]
    problems: list[str] = []
    nodes: dict[str, TreeNode] = {}
    for number, raw in enumerate(data["nodes"], 1):
        node = _node(raw, number, path, nodes, problems)
        if node is not None:
            nodes[node.id] = node
    start = str(data.get("start") or (next(iter(nodes)) if nodes else "")).strip()
    if start not in nodes:
        problems.append(f"{path}: `start` {start!r} is not a node")
        return None, problems
    tree = Tree(path, start, nodes)
    problems.extend(structure_problems(tree))
    return tree, problems


def _tree_data(text: str, path: str) -> tuple[dict | None, str]:
    """The YAML mapping of a tree file, or None and why it cannot be read."""
    try:
        data = load_untrusted_yaml(text)
    except UntrustedYamlError as error:
        return None, f"{path}: refused: {error}"
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        return None, f"{path}: not valid YAML{where}"
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        return None, f"{path}: expected a mapping with `start:` and a list of `nodes:`"
    return data, ""


def _node(raw: object, number: int, path: str, nodes: dict[str, TreeNode],
          problems: list[str]) -> TreeNode | None:
    """Node #`number` of the file, its problems added to `problems`; None when it
    cannot be a node at all (no mapping, a bad or repeated id)."""
    if not isinstance(raw, dict):
        problems.append(f"{path}: node #{number} is not a mapping")
        return None
    node_id = str(raw.get("id", "")).strip()
    where = f"{path}: node {node_id!r}" if node_id else f"{path}: node #{number}"
    if not NODE_ID.match(node_id):
        problems.append(f"{where}: `id` must be lower-case letters, digits and dashes")
        return None
    if node_id in nodes or node_id in ENDINGS:
        problems.append(f"{where}: the id is used twice (or is a reserved word)")
        return None
    text = " ".join(str(raw.get("text") or "").split())
    if not text:
        problems.append(f"{where}: no `text` (what to try, or what to ask)")
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or not raw_options:
        problems.append(f"{where}: no `options` (missing answers)")
        raw_options = []
    read = [_option(option, index, where, problems)
            for index, option in enumerate(raw_options, 1)]
    options = [option for option in read if option is not None]
    return TreeNode(node_id, text, " ".join(str(raw.get("question") or
                                                DEFAULT_QUESTION).split()),
                    str(raw.get("section") or "").strip().lower(), tuple(options))


def _option(option: object, index: int, where: str, problems: list[str]) -> TreeOption | None:
    """Option `index` of a node, its problems added to `problems`; None when it has
    no single target."""
    if not isinstance(option, dict):
        problems.append(f"{where}: option {index} is not a mapping")
        return None
    answer = option.get("answer")
    if isinstance(answer, bool):   # YAML reads a bare Yes/No as a boolean
        answer = "Yes" if answer else "No"
    label = " ".join(str(answer or "").split())
    if not label:
        problems.append(f"{where}: option {index} has no `answer` text")
    targets = [key for key in ("next", "article", "section") if option.get(key)]
    if len(targets) != 1:
        problems.append(f"{where}: option {label or index!r} needs exactly one target "
                        "(`next`, `article` or `section`)")
        return None
    key = targets[0]
    value = str(option[key]).strip()
    if key == "next":
        kind = value if value in ENDINGS else "node"
        return TreeOption(label, kind, "" if kind in ENDINGS else value)
    if key == "article":
        return TreeOption(label, "article", value.upper())
    return TreeOption(label, "section", value.lower())


def structure_problems(tree: Tree) -> list[str]:
    """Unknown node targets, loops and unreachable nodes."""
    problems = []
    for node in tree.nodes.values():
        for option in node.options:
            if option.kind == "node" and option.target not in tree.nodes:
                problems.append(f"{tree.path}: node {node.id!r}: answer {option.label!r} goes to "
                                f"unknown node {option.target!r}")
    # Depth-first walk from the start: a node met again on the current path is a loop.
    seen: set[str] = set()
    path: list[str] = []

    def visit(node_id: str) -> None:
        if node_id in path:
            loop = " -> ".join([*path[path.index(node_id):], node_id])
            problems.append(f"{tree.path}: node {node_id!r}: loop {loop}")
            return
        if node_id in seen or node_id not in tree.nodes:
            return
        seen.add(node_id)
        path.append(node_id)
        for option in tree.nodes[node_id].options:
            if option.kind == "node":
                visit(option.target)
        path.pop()

    visit(tree.start)
    for node_id in tree.nodes:
        if node_id not in seen:
            problems.append(f"{tree.path}: node {node_id!r} cannot be reached from the start "
                            f"{tree.start!r}")
    return problems


def reference_problems(tree: Tree, sections: Iterable[str],
                       article_exists: Callable[[str], bool] | None = None) -> list[str]:
    """Targets outside the tree: sections of its article, other articles."""
    anchors = set(sections)
    problems = []
    for node in tree.nodes.values():
        if node.section and node.section not in anchors:
            problems.append(f"{tree.path}: node {node.id!r}: the article has no section "
                            f"{node.section!r} (it has: {', '.join(sorted(anchors))})")
        for option in node.options:
            if option.kind == "section" and option.target not in anchors:
                problems.append(f"{tree.path}: node {node.id!r}: answer {option.label!r} goes to "
                                f"unknown section {option.target!r}")
            if option.kind == "article" and article_exists and not article_exists(option.target):
                problems.append(f"{tree.path}: node {node.id!r}: answer {option.label!r} goes to "
                                f"unknown article {option.target!r}")
    return problems


def tree_to_json(tree: Tree) -> str:
    """A checked tree as the article store keeps it (read back by `tree_from_json`)."""
    return json.dumps(asdict(tree), separators=(",", ":"))


def tree_from_json(text: str) -> Tree:
    data = json.loads(text)
    nodes = {
        node_id: TreeNode(node["id"], node["text"], node["question"], node["section"],
                          tuple(TreeOption(**option) for option in node["options"]))
        for node_id, node in data["nodes"].items()
    }
    return Tree(data["path"], data["start"], nodes)


def load_tree(path: Path, label: str | None = None) -> Tree:
    """The tree in `path`; raises TreeError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TreeError(f"{label or path}: cannot read ({error})") from None
    tree, problems = parse_tree(text, label or str(path))
    if tree is None or problems:
        raise TreeError("; ".join(problems))
    return tree


def article_file_for(tree_file: Path) -> Path:
    if tree_file.name == TREE_FILE:
        return tree_file.with_name("README.md")
    return tree_file.with_name(tree_file.name.removesuffix(f".{TREE_FILE}") + ".md")


def check_stored_trees(rows: Iterable, sections_of: Callable[[str], list[str] | None],
                       article_exists: Callable[[str], bool]) -> tuple[int, list[str]]:
    """(trees checked, problems) for trees an index run read into the article store
    (`TreeRow`s): the problems found then, and the references checked now."""
    problems: list[str] = []
    count = 0
    for row in rows:
        count += 1
        sections = sections_of(row.article_path)
        if sections is None:
            problems.append(f"{row.path}: no indexed article beside it ({row.article_path})")
        problems.extend(row.problems)
        if row.tree is not None and sections is not None:
            problems.extend(reference_problems(tree_from_json(row.tree), sections,
                                               article_exists))
    return count, problems
