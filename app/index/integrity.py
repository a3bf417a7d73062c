"""Is a generation's data whole? Files damaged after the swap are found before they
are read, so a server answers from a sound generation or says it cannot, never
with wrong results.

A disk error, a full disk during a copy, or a hand that truncated a file can leave a
generation whose arrays or article store is shorter than it says it is: numpy would
refuse to map such an array (or the process dies on touching the missing pages), and
SQLite would answer "database disk image is malformed" halfway through a request.
Each file says how long it must be: an array's `.npy` header gives its shape and
type, the store's header its page size and page count. `Integrity` reads those
headers once per folder and then compares sizes (a `stat` per file), so a generation
is checked when a server process first opens it; a damaged one is looked at again at
most every `every` seconds. When the live generation is damaged, the previous one
(kept beside it by every swap, named in its `PREVIOUS` file) is served instead if it is
sound; otherwise nothing is, and the message says what is damaged and how to mend it.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import numpy as np

from app.index.generations import PREVIOUS_FILE, WHOOSH_DIR, format_of
from app.index.schema import FORMAT_VERSION
from app.index.store import STORE_FILE

ARRAYS_DIR = "arrays"  # app/index/arrays.py's folder (that module imports the builder)
SQLITE_MAGIC = b"SQLite format 3\x00"
MEND = "rebuild it (flask --app app index --rebuild) or import a good copy"
SECOND_LOOK_SECONDS = 0.25  # a damaged verdict is looked at again this much later

log = logging.getLogger(__name__)


def npy_size(path: Path) -> int:
    """The length an array file must have, from its header."""
    with path.open("rb") as source:
        version = np.lib.format.read_magic(source)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(source)
        else:
            shape, _, dtype = np.lib.format.read_array_header_2_0(source)
        return source.tell() + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize


def store_size(path: Path) -> int | None:
    """The length the article store must at least have, from its header; None when the
    header does not vouch for its page count (written by an old SQLite)."""
    with path.open("rb") as source:
        header = source.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise ValueError("not a SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if header[24:28] != header[92:96]:
        return None
    return page_size * int.from_bytes(header[28:32], "big")


def _arrays_folder(folder: Path) -> dict[Path, int]:
    """Each array file of one folder and the length it must have."""
    return {path: npy_size(path) for path in sorted(folder.glob("*.npy"))}


class Integrity:
    """Which generation this process may serve: the one asked for when its files are
    whole, else the previous one when that is, else none (with the reason)."""

    def __init__(self, every: float = 2.0) -> None:
        self.every = every
        self.problem: str | None = None  # what is wrong with the live generation now
        self._folders: dict[Path, dict[Path, int]] = {}
        self._verdicts: dict[Path, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def serve(self, generation: Path) -> tuple[Path | None, str | None]:
        """(generation to serve, problem): (generation, None) when it is whole;
        (previous, problem) when it is damaged and the previous one is whole;
        (None, problem) when neither can be served."""
        problem = self.damage(generation)
        if problem is None:
            self.problem = None
            return generation, None
        previous = _previous(generation)
        if previous is not None and self.damage(previous) is None:
            self.problem = (f"{problem}; serving the previous generation {previous.name} "
                            f"until it is mended: {MEND}")
            return previous, self.problem
        self.problem = f"{problem}; {MEND}"
        return None, self.problem

    def damage(self, generation: Path) -> str | None:
        """What is damaged in the generation, or None; remembered `every` seconds."""
        with self._lock:
            now = time.monotonic()
            known = self._verdicts.get(generation)
            # Sound once, sound for this process: the folder is checked when a worker
            # opens it, not while index runs update it in place (a run killed mid-way
            # leaves states SQLite and the arrays' readers handle, which a length check
            # cannot tell from damage). A damaged verdict is looked at again every
            # `every` seconds, so a mended generation is served again.
            if known is not None and (known[1] is None or now - known[0] < self.every):
                return known[1]
            verdict = self._check(generation)
            if verdict is not None:
                # An index run updates the live generation in place: a state it passes
                # through (a folder being replaced, a checkpoint under way) is not damage,
                # and damage is still there a moment later.
                time.sleep(SECOND_LOOK_SECONDS)
                verdict = self._check(generation)
            if verdict is not None and (known is None or known[1] != verdict):
                log.error("index damaged: %s", verdict)
            self._verdicts[generation] = (now, verdict)
            return verdict

    def _check(self, generation: Path) -> str | None:
        name = generation.name
        problem = self._check_store(name, generation / STORE_FILE)
        if problem is not None:
            return problem
        arrays = generation / ARRAYS_DIR
        folders = [f for f in arrays.iterdir() if f.is_dir() and not f.name.startswith(".")] \
            if arrays.is_dir() else []
        for folder in folders:
            problem = self._check_folder(name, folder)
            if problem is not None:
                return problem
        return None

    @staticmethod
    def _check_store(name: str, path: Path) -> str | None:
        """The store's length against its header. Looked at again a few times before
        it is called damaged: an update's checkpoint writes the header's new page count
        a moment before the pages that lengthen the file."""
        for attempt in range(4):
            try:
                expected = store_size(path)
                actual = path.stat().st_size
            except (OSError, ValueError) as error:
                return f"the index {name} is damaged: its article store is unreadable ({error})"
            if expected is None or actual >= expected:
                return None
            if _wal_size(path) >= expected - actual:
                # A checkpoint cut short by a killed run: the missing pages are still in
                # the write-ahead log, which SQLite reads first. Not damage.
                return None
            time.sleep(0.05 * (attempt + 1))
        return (f"the index {name} is damaged: {STORE_FILE} is cut short ({actual:,} bytes "
                f"of {expected:,})")

    def _check_folder(self, name: str, folder: Path) -> str | None:
        try:
            sizes = self._folders.get(folder)
            if sizes is None:
                sizes = self._folders[folder] = _arrays_folder(folder)
            for path, expected in sizes.items():
                actual = path.stat().st_size
                if actual != expected:
                    # An index run may have replaced the folder whole since its headers
                    # were read: read them again before calling a file cut short.
                    sizes = self._folders[folder] = _fresh_sizes(folder, sizes)
                    expected = sizes.get(path, actual)
                if actual != expected:
                    relative = path.relative_to(folder.parent.parent).as_posix()
                    return (f"the index {name} is damaged: {relative} is {actual:,} bytes, "
                            f"its header says {expected:,}")
        except FileNotFoundError:
            # An update removes the arrays of segments a merge replaced: gone whole.
            self._folders.pop(folder, None)
            if folder.is_dir() and (folder / "meta.json").is_file():
                return f"the index {name} is damaged: a file of arrays/{folder.name} is missing"
        except (OSError, ValueError) as error:
            self._folders.pop(folder, None)
            return f"the index {name} is damaged: arrays/{folder.name} is unreadable ({error})"
        return None


def _fresh_sizes(folder: Path, known: dict[Path, int]) -> dict[Path, int]:
    """The folder's lengths read again from its headers; the known ones when a header is
    itself cut short (the file is damaged either way)."""
    try:
        return _arrays_folder(folder)
    except (OSError, ValueError):
        return known


def _wal_size(store: Path) -> int:
    """The length of the store's write-ahead log, 0 when there is none."""
    try:
        return store.with_name(store.name + "-wal").stat().st_size
    except OSError:
        return 0


def _previous(generation: Path) -> Path | None:
    """The generation this one replaced, if it is still there and of this format."""
    try:
        name = (generation / PREVIOUS_FILE).read_text().strip()
    except OSError:
        return None
    previous = generation.parent / name
    if (not name or "/" in name or not (previous / WHOOSH_DIR).is_dir()
            or format_of(previous) != FORMAT_VERSION):
        return None
    return previous
