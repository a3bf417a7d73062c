"""Index generations: folders that each hold one complete index, and the symlink
that names the live one.

A generation is a folder with the Whoosh index (`whoosh/`), the article store
(`articles.sqlite`) and `FORMAT` (the format version that wrote it). `INDEX_DIR`
is a symlink to the live generation: a full build writes a new generation beside
it and swaps the link with one atomic rename, so a running server never sees a
half-built index and a crash mid-build leaves the old one serving.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from app.index.schema import FORMAT_VERSION
from app.index.store import STORE_FILE

WHOOSH_DIR = "whoosh"
FORMAT_FILE = "FORMAT"
PREVIOUS_FILE = "PREVIOUS"   # in a generation: the one it replaced, kept for old readers


class IndexBusyError(RuntimeError):
    """Another index run holds the lock; the message says whose and since when."""


def lock_path(index_dir: Path) -> Path:
    return index_dir.parent / f".{index_dir.name}.lock"


@contextmanager
def run_lock(index_dir: Path) -> Iterator[None]:
    """One index run at a time: an exclusive `flock` on a file beside the index,
    holding the pid and start time of the run that has it. The kernel releases the
    lock when that process dies, so the lock of a killed run is simply taken over."""
    path = lock_path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            pid, since = [*holder, "?", "?"][:2]
            raise IndexBusyError(f"another index run is in progress (pid {pid}, since {since}); "
                                 "try again when it ends") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {datetime.now():%H:%M}\n".encode(), 0)
        yield
    finally:
        os.close(fd)   # releases the lock; the file stays (removing it would race)


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
    if previous is not None:
        (target / PREVIOUS_FILE).write_text(f"{previous.name}\n")
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


def remove_leftovers(index_dir: Path) -> list[Path]:
    """Remove the generations that are neither live nor the one it replaced: what
    crashed or killed rebuilds left. Only safe under `run_lock`, where no other run
    can be writing one. Returns what was removed."""
    if not index_dir.is_symlink():
        return []
    live = index_dir.resolve()
    try:
        keep = {live.name, (live / PREVIOUS_FILE).read_text().strip()}
    except OSError:
        keep = {live.name}
    removed = []
    for old in sorted(index_dir.parent.glob(f"{index_dir.name}.gen-*")):
        if old.name not in keep and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return removed
