"""Writing the postings the search path needs as flat arrays beside the Whoosh index
(their layout, and how they are opened: app/index/layout.py).

The arrays are derived from Whoosh, one folder per Whoosh segment, written once when
the segment is new and removed when a merge or a rebuild drops it. A segment never
changes once written; what does change, its deleted documents, is read from Whoosh
when a searcher opens. So a full build, an in-place update and a compaction each
write only the folders of the segments they created (`write_arrays`), and a run that
was killed before that leaves them for the next run to write.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import IndexReader

from app.index.generations import WHOOSH_DIR
from app.index.layout import ARRAYS_DIR, PACK_PREFIX, segment_arrays, segment_folder
from app.index.segment_postings import FieldPostings


def write_segment_arrays(generation: Path, leaf: IndexReader,
                         postings: dict[str, FieldPostings] | None = None,
                         ids: list[str] | None = None) -> None:
    """The segment's folder of arrays (see `segment_arrays`), all or nothing."""
    write_folder(segment_folder(generation, leaf.segment().segment_id()),
                 *segment_arrays(leaf, postings, ids))


def write_folder(final: Path, meta: dict, fields: dict[str, dict[str, np.ndarray]]) -> None:
    """A folder of arrays, all or nothing: readers see it whole or not at all."""
    temporary = final.with_name(f".{final.name}.{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    for fieldname, parts in fields.items():
        for part, array in parts.items():
            np.save(temporary / f"{fieldname}.{part}.npy", array)
    (temporary / "meta.json").write_text(json.dumps(meta))
    os.replace(temporary, final)


def remove_folder(folder: Path) -> None:
    """A folder of arrays gone whole, as readers see it: moved aside under a hidden name
    (which readers and the integrity check pass over) before its files go one by one.
    Removed in place, a worker that gunicorn had just restarted, checking the generation
    meanwhile, found `meta.json` beside a file already gone and called the index
    damaged: 503 on every page of that worker for seconds (app/index/integrity.py)."""
    aside = folder.with_name(f".{folder.name}.gone.{os.getpid()}")
    shutil.rmtree(aside, ignore_errors=True)
    try:
        os.replace(folder, aside)
    except FileNotFoundError:
        return
    shutil.rmtree(aside, ignore_errors=True)


def write_arrays(generation: Path) -> list[str]:
    """Write the arrays of every segment of the generation's committed Whoosh index
    that has none yet, and remove those of segments it no longer has (packs are
    app/index/packs.py's to keep or remove). Returns the segment ids, in index
    order."""
    ix = FileStorage(str(generation / WHOOSH_DIR), supports_mmap=False).open_index()
    with ix.reader() as reader:
        segments = []
        for leaf, _ in reader.leaf_readers():
            if leaf.segment() is None:
                continue
            segment_id = leaf.segment().segment_id()
            segments.append(segment_id)
            if not (segment_folder(generation, segment_id) / "meta.json").is_file():
                write_segment_arrays(generation, leaf)
    folder = generation / ARRAYS_DIR
    if folder.is_dir():
        for old in folder.iterdir():
            if old.name not in segments and not old.name.startswith(PACK_PREFIX):
                # Readers that mapped them keep their pages until they reopen.
                remove_folder(old)
    return segments

