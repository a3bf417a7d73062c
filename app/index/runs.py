"""What every index run shares: its inputs (`IndexRun`), its report (`BuildReport`),
and the one reason a file is skipped that a later run reads back.

A file that loses its id to another is skipped with "duplicate id Q900001 (also in
helpdesk/Q900001.md)", and each later run reads it again if the holder has gone
(app/index/update.py): the store keeps a file's state in one `skipped` column, so the
id the file lost is in that reason. `duplicate_reason` writes it and `lost_id` reads
it back, here and nowhere else. (A column of its own would change the store's
format, and so rebuild every index.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import Index
from whoosh.writing import SegmentWriter

from app.index.store import ArticleStore

Progress = Callable[[int, int], None]
DUPLICATE_PREFIX = "duplicate id "
_DUPLICATE = re.compile(rf"^{DUPLICATE_PREFIX}(\S+) \(also in ")


@dataclass
class BuildReport:
    indexed: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    index_dir: str = ""
    repaired: int = 0        # files read again because a killed run had applied them
    leftovers: int = 0       # generations of crashed runs removed
    compacted: bool = False
    trees: int = 0           # authored trees read (new or changed)


@dataclass(frozen=True)
class IndexRun:
    """One run's inputs: the articles' folder, the generation it writes (a new one or
    the live one), its Whoosh index, every article file (relative path -> (mtime_ns,
    size)), the worker processes to read them with, and `progress(done, total)`."""

    kb_dir: Path
    target: Path
    ix: Index
    files: dict[str, tuple[int, int]]
    procs: int
    progress: Progress | None
    scope: str | None = None   # the folder an update scanned (app/index/update.py)


def duplicate_reason(article_id: str, holder: str) -> str:
    """Why a file is skipped that has the id `holder` (a path) holds."""
    return f"{DUPLICATE_PREFIX}{article_id} (also in {holder})"


def lost_id(reason: str | None) -> str | None:
    """The id a file lost to another (see `duplicate_reason`); None for any other
    reason, or none."""
    match = _DUPLICATE.match(reason or "")
    return match.group(1) if match else None


@contextmanager
def writing(writer: SegmentWriter, store: ArticleStore) -> Iterator[None]:
    """A run's writes into Whoosh and the store: on any error before Whoosh committed,
    the writer is cancelled (its lock released, its new segment's files removed); the
    store is closed in every case."""
    try:
        yield
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        store.close()
