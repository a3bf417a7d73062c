"""What the help desk changed about the ranking, applied to a search's scores.

Search knows nothing of staff or databases: it is handed a `Shaping` (plain article
ids) and applies it to the score array before the page is cut, so totals, facets and
pages stay true:

- a retired article leaves the results, and its replacement takes its place: the
  replacement scores at least what the retired one would have;
- pinned articles come first, in the order given, whatever they scored.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from app.search.arrays import Postings


@dataclass(frozen=True)
class Shaping:
    version: int = 0  # the overlays' change counter: arrays are cached per version
    pinned: Mapping[str, str] = field(default_factory=dict)  # id -> who pinned it, when
    retired: Mapping[str, str | None] = field(default_factory=dict)  # id -> replacement

    def __bool__(self) -> bool:
        return bool(self.pinned or self.retired)


NO_SHAPING = Shaping()

_live: weakref.WeakKeyDictionary[Postings, dict[str, int]] = weakref.WeakKeyDictionary()
_retired: weakref.WeakKeyDictionary[Postings, tuple[int, np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary())
_lock = threading.Lock()


def live_docnums(postings: Postings) -> dict[str, int]:
    """Article id -> its live docnum (not the deleted copy an update left behind)."""
    found = _live.get(postings)
    if found is None:
        deleted = postings.deleted.tolist()
        found = {article_id: docnum for docnum, article_id in enumerate(postings.ids)
                 if not deleted[docnum]}
        with _lock:
            _live[postings] = found
    return found


def _retired_arrays(postings: Postings, shaping: Shaping) -> tuple[np.ndarray, np.ndarray]:
    """Docnums of the retired articles in this index, and of each one's replacement
    (-1: none, or not in this index, or itself retired)."""
    cached = _retired.get(postings)
    if cached is not None and cached[0] == shaping.version:
        return cached[1], cached[2]
    docnums = live_docnums(postings)
    pairs = [(docnums[old], docnums.get(new, -1) if new and new not in shaping.retired else -1)
             for old, new in shaping.retired.items() if old in docnums]
    gone = np.array([old for old, _ in pairs], dtype=np.int64)
    replacing = np.array([new for _, new in pairs], dtype=np.int64)
    with _lock:
        _retired[postings] = (shaping.version, gone, replacing)
    return gone, replacing


def apply(postings: Postings, scores: np.ndarray, matched: np.ndarray, shaping: Shaping) -> None:
    """Change `scores` and the `matched` mask in place (both are this search's own)."""
    if not shaping:
        return
    if shaping.retired:
        gone, replacing = _retired_arrays(postings, shaping)
        hit = matched[gone]
        for old, new in zip(gone[hit].tolist(), replacing[hit].tolist(), strict=True):
            if new >= 0:
                scores[new] = max(scores[new], scores[old])
                matched[new] = True
        matched[gone] = False
    if shaping.pinned:
        docnums = live_docnums(postings)
        first = max(float(scores.max()) if len(scores) else 0.0, 1.0) * 2
        pinned = [docnums[i] for i in shaping.pinned
                  if i in docnums and i not in shaping.retired]
        for place, docnum in enumerate(pinned):
            scores[docnum] = first + len(pinned) - place
            matched[docnum] = True
