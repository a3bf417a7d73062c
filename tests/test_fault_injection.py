"""benchmarks/fault_injection.py on 1,500 archive articles under load: kills, two runs
at once, a killed rebuild and hostile files, every target met (several minutes)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app import PROJECT_ROOT
from benchmarks.corpus import SKIP_MESSAGE, corpus_dir

pytestmark = pytest.mark.corpus


def test_index_runs_under_load_survive_kills_and_hostile_files() -> None:
    if corpus_dir() is None:
        pytest.skip(SKIP_MESSAGE)
    result = subprocess.run(
        [sys.executable, "benchmarks/fault_injection.py", "--runs", "3"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1800, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "targets missed: none" in result.stdout
    assert "non-200: 0 " in result.stdout
