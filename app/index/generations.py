"""Index generations: folders that each hold one complete index, and the symlink
that names the live one.

A generation is a folder with the Whoosh index (`whoosh/`), the article store
(`articles.sqlite`) and `FORMAT` (the format version that wrote it). `INDEX_DIR`
is a symlink to the live generation: a full build writes a new generation beside
it and swaps the link with one atomic rename, so a running server never sees a
half-built index and a crash mid-build leaves the old one serving.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from app.index.schema import FORMAT_VERSION
from app.index.store import STORE_FILE

WHOOSH_DIR = "whoosh"
FORMAT_FILE = "FORMAT"


class IndexFormatError(RuntimeError):
    """The index was written by another version of this code: it must be rebuilt."""


def live_generation(index_dir: Path) -> Path | None:
    """The folder the index symlink points at, if a built index is there."""
    target = index_dir.resolve()
    if (target / WHOOSH_DIR).is_dir() and (target / STORE_FILE).is_file():
        return target
    return None


def format_of(generation: Path) -> int:
    """The format version a generation was written in (1: before it was recorded)."""
    try:
        return int((generation / FORMAT_FILE).read_text().strip())
    except (OSError, ValueError):
        return 1


def check_format(generation: Path) -> None:
    found = format_of(generation)
    if found != FORMAT_VERSION:
        raise IndexFormatError(
            f"the index at {generation} was built by another version of this program "
            f"(format {found}, this one reads {FORMAT_VERSION}); rebuild it: "
            "flask --app app index")


def new_generation(index_dir: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = index_dir.parent / f"{index_dir.name}.gen-{stamp}"
    (target / WHOOSH_DIR).mkdir(parents=True)
    (target / FORMAT_FILE).write_text(f"{FORMAT_VERSION}\n")
    return target


def swap(index_dir: Path, target: Path) -> None:
    """Point index_dir at target in one rename; keep one older generation for
    servers that still read it, remove the rest."""
    previous = index_dir.resolve() if index_dir.is_symlink() else None
    if index_dir.exists() and not index_dir.is_symlink():
        index_dir.rename(index_dir.parent / f"{index_dir.name}.gen-replaced-{target.name}")
    link = index_dir.parent / f".{index_dir.name}.link"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target.name)
    os.replace(link, index_dir)
    for old in index_dir.parent.glob(f"{index_dir.name}.gen-*"):
        if old not in (target, previous) and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
