"""The gap grouping on a held-out list of real-looking query variants
(tests/insights/data/gap_variants.txt): one code in different spellings always one gap, queries
about different codes never one gap."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from app.insights.grouping import gap_key

VARIANTS = Path(__file__).parent / "data" / "gap_variants.txt"


def variants() -> list[tuple[str, str]]:
    lines = VARIANTS.read_text(encoding="utf-8").splitlines()
    return [tuple(part.strip() for part in line.split("|", 1))  # type: ignore[misc]
            for line in lines if line.strip() and not line.startswith("#")]


def test_the_list_is_large_enough_to_mean_something() -> None:
    found = variants()
    assert len(found) >= 200 and len({group for group, _ in found}) >= 35


def test_every_spelling_of_one_code_is_one_gap() -> None:
    keys: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for group, query in variants():
        keys[group][gap_key(query)].append(query)
    split = {group: dict(found) for group, found in keys.items() if len(found) > 1}
    assert split == {}


def test_different_codes_are_never_one_gap() -> None:
    groups: dict[str, set[str]] = defaultdict(set)
    for group, query in variants():
        groups[gap_key(query)].add(group)
    merged = {key: sorted(found) for key, found in groups.items() if len(found) > 1}
    assert merged == {}
