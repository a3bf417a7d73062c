"""Authored decision trees: the format, and clear errors for broken trees."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app import PROJECT_ROOT
from app.articles.trees import (
    TreeError,
    load_tree,
    parse_tree,
    reference_problems,
    tree_path_for,
)

GOOD = """\
start: first
nodes:
  - id: first
    text: Try the first thing.
    section: workaround
    options:
      - answer: Yes
        next: done
      - answer: No
        next: second
  - id: second
    text: Try the second thing.
    options:
      - answer: Yes
        next: done
      - answer: No
        next: escalate
      - answer: Read the resolution
        section: resolution
      - answer: It is another problem
        article: Q900001
"""


def problems_of(text: str) -> list[str]:
    _, problems = parse_tree(textwrap.dedent(text), "kb/x/tree.yaml")
    return problems


def test_a_good_tree_reads_bare_yes_and_no_as_answers():
    tree, problems = parse_tree(GOOD, "tree.yaml")
    assert problems == []
    assert tree.start == "first"
    assert [(o.label, o.kind, o.target) for o in tree.nodes["second"].options] == [
        ("Yes", "done", ""), ("No", "escalate", ""), ("Read the resolution", "section",
                                                     "resolution"),
        ("It is another problem", "article", "Q900001"),
    ]


def test_unknown_target_names_file_node_and_target():
    problems = problems_of(GOOD.replace("next: second", "next: secnd"))
    assert any("kb/x/tree.yaml: node 'first'" in p and "unknown node 'secnd'" in p
               for p in problems)


def test_a_loop_is_an_error():
    looped = GOOD.replace("      - answer: Yes\n        next: done\n      - answer: No\n"
                          "        next: escalate", "      - answer: Yes\n        next: first")
    problems = problems_of(looped)
    assert any("loop first -> second -> first" in p for p in problems)


def test_an_option_without_target_or_answer_is_an_error():
    problems = problems_of(GOOD.replace("        next: second\n", ""))
    assert any("node 'first'" in p and "needs exactly one target" in p for p in problems)
    first_options = ("      - answer: Yes\n        next: done\n"
                     "      - answer: No\n        next: second")
    problems = problems_of(GOOD.replace(first_options, "      - next: second"))
    assert any("has no `answer` text" in p for p in problems)


def test_a_node_without_options_is_missing_its_answers():
    problems = problems_of("nodes:\n  - id: only\n    text: Do it.\n")
    assert problems == ["kb/x/tree.yaml: node 'only': no `options` (missing answers)"]


def test_an_unreachable_node_is_an_error():
    problems = problems_of(GOOD + "  - id: orphan\n    text: Nobody comes here.\n"
                           "    options:\n      - answer: Yes\n        next: done\n")
    assert problems == ["kb/x/tree.yaml: node 'orphan' cannot be reached from the start 'first'"]


def test_broken_yaml_and_wrong_shape_say_so():
    assert problems_of("nodes:\n  - id: a\n    text: [") == [
        "kb/x/tree.yaml: not valid YAML at line 3"]
    assert "expected a mapping" in problems_of("- just a list")[0]


def test_references_to_missing_sections_and_articles():
    tree, _ = parse_tree(GOOD, "tree.yaml")
    problems = reference_problems(tree, ["symptoms", "workaround"], lambda aid: False)
    assert any("answer 'Read the resolution' goes to unknown section 'resolution'" in p
               for p in problems)
    assert any("unknown article 'Q900001'" in p for p in problems)
    assert reference_problems(tree, ["workaround", "resolution"], lambda aid: True) == []


def test_the_seed_articles_tree_follows_its_text():
    tree = load_tree(PROJECT_ROOT / "kb" / "198" / "Q198704" / "tree.yaml")
    first = tree.nodes[tree.start]
    assert "Clear Text" in first.text
    works, fails = first.options
    assert "alias" in tree.nodes[works.target].text
    assert "Windows NT account name" in tree.nodes[works.target].text
    assert "administrator" in tree.nodes[fails.target].text
    assert "custom recipient" in tree.nodes[fails.target].text
    assert reference_problems(tree, ["symptoms", "cause", "workaround", "more-information"]) == []


def test_tree_files_live_beside_their_article(tmp_path: Path):
    assert tree_path_for(Path("kb/198/Q198704/README.md")) == Path("kb/198/Q198704/tree.yaml")
    assert tree_path_for(Path("kb/helpdesk/Q900001.md")) == Path("kb/helpdesk/Q900001.tree.yaml")


def test_load_tree_raises_with_every_problem(tmp_path: Path):
    path = tmp_path / "tree.yaml"
    path.write_text(GOOD.replace("next: second", "next: nowhere"))
    with pytest.raises(TreeError, match="unknown node 'nowhere'"):
        load_tree(path)


def test_check_reports_a_broken_tree_by_file_and_node(kb_dir, runner):
    (kb_dir / "100" / "Q100001" / "tree.yaml").write_text(
        "start: a\nnodes:\n  - id: a\n    text: Try Clear Text.\n    section: nowhere\n"
        "    options:\n      - answer: 'Yes'\n        next: b\n      - answer: 'No'\n"
        "        article: Q123456\n  - id: b\n    text: Then this.\n    options:\n"
        "      - answer: 'No'\n        next: a\n")
    assert runner.invoke(args=["index"]).exit_code == 0   # trees are read at index time
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "authored trees: 1 checked, 3 problems" in result.output
    assert "100/Q100001/tree.yaml: node 'a': loop a -> b -> a" in result.output
    assert "node 'a': the article has no section 'nowhere'" in result.output
    assert "unknown article 'Q123456'" in result.output


def test_check_reports_coverage(runner):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "authored trees: 0 checked, 0 problems" in result.output
    assert "articles: 3; with an error code 2" in result.output
    assert "reached but no steps to walk (no resolution, workaround or status): 0" in \
        result.output
