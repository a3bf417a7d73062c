"""A full disk, recognised however it surfaces: ENOSPC or EDQUOT from a write, or
SQLite's "database or disk is full". Index runs, exports and imports stop on it with a
message that says so, instead of a traceback (app/cli), and what a failed update had
begun in the live generation is removed, so the space is there for the next run."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError, clean_files

from app.index.generations import WHOOSH_DIR

# Whoosh's name for the one index in a generation's whoosh/ folder.
MAIN_INDEX = "MAIN"
# The generation's folder of postings arrays (app/index/arrays.py's ARRAYS_DIR, which
# imports the builder's modules: named here so this module stays light).
ARRAYS_DIR = "arrays"

FULL_DISK = {errno.ENOSPC, errno.EDQUOT}
# Free bytes under which a disk I/O error is taken for a full disk.
NEARLY_FULL = 4 << 20


def disk_full(error: BaseException | None, folder: Path | None = None) -> BaseException | None:
    """The full-disk error behind error, if any: itself, or what it was raised while
    handling (a writer's cleanup can fail in its turn: "This writer is closed"). SQLite
    often says only "disk I/O error" when a write meets ENOSPC: that counts when the
    disk holding `folder` is (nearly) full."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, sqlite3.OperationalError) and _sqlite_full(error, folder):
            return error
        if isinstance(error, OSError) and error.errno in FULL_DISK:
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def _sqlite_full(error: sqlite3.OperationalError, folder: Path | None) -> bool:
    if "disk is full" in str(error):
        return True
    if "disk I/O error" not in str(error) or folder is None:
        return False
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL
    except OSError:
        return False


def reason(error: BaseException) -> str:
    """The system's words for it: "No space left on device"."""
    if isinstance(error, sqlite3.OperationalError):
        return f"No space left on device; SQLite: {error}"
    return getattr(error, "strerror", None) or str(error)


def remove_unfinished(index_dir: Path) -> int:
    """Remove what a failed or killed update left in the live generation: Whoosh
    segment files its table of contents does not name (a segment or a merge never
    committed), a writer's scratch folder, and half-written arrays folders
    (`arrays/.<name>.<pid>`). Gives back the space a full disk needs. Only under
    `run_lock`. Returns how many it removed."""
    generation = index_dir.resolve()
    whoosh_dir = generation / WHOOSH_DIR
    if not whoosh_dir.is_dir():
        return 0
    storage = FileStorage(str(whoosh_dir), supports_mmap=False)
    try:
        toc = TOC.read(storage, MAIN_INDEX)
    except (OSError, EmptyIndexError, ValueError):
        return 0  # no committed index to keep: nothing is known to be spare
    before = sum(1 for _ in storage)
    clean_files(storage, MAIN_INDEX, toc.generation, toc.segments)
    removed = before - sum(1 for _ in storage)
    for temporary in whoosh_dir.glob(f"{MAIN_INDEX}.tmp"):  # a writer's scratch folder
        shutil.rmtree(temporary, ignore_errors=True)
        removed += 1
    arrays = generation / ARRAYS_DIR
    for partial in arrays.glob(".*") if arrays.is_dir() else []:
        shutil.rmtree(partial, ignore_errors=True)
        removed += 1
    return removed
