"""The error dialog inside a whole-screen screenshot.

A screenshot of the whole screen holds far more text than the dialog: desktop icons,
the windows behind, the taskbar. Read whole, that text drowns the message in the
search and costs seconds. The dialog is the window in front: the one rectangle whose
four edges are unbroken (a window behind it has an edge crossed by it, or runs off the
screen). Edges are found as long runs of strong brightness steps between neighbouring
pixels; of the unbroken rectangles of a dialog's size, the one nearest the centre (where
Windows puts a message box) is kept, with its frame.
"""

from __future__ import annotations

import numpy as np

EDGE_STEP = 28  # grey levels between neighbouring pixels that make an edge
MIN_WIDTH, MIN_HEIGHT = 200, 60
MAX_SHARE = 0.8  # of the screen's width and height: wider is a window, not a dialog
UNBROKEN = 0.75  # share of an edge's pixels that must be there
SLACK = 3  # pixels an edge may wander (anti-aliasing, shadows)
MIN_SCREEN_PIXELS = 1_000_000  # smaller pictures are taken to be the dialog already
MAX_RUNS = 400  # edges looked at, at most (a picture of stripes has thousands)
CENTRE_MARGIN = 0.2  # of each side, left out when no dialog is found
CENTRE_STEP = 100  # pixels: boxes this close to the centre count as equally close


def _horizontal_runs(edges: np.ndarray, min_length: int) -> list[tuple[int, int, int]]:
    """(row, first column, last column) of every run of edge pixels min_length long."""
    runs = []
    padded = np.zeros((edges.shape[0], edges.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = edges
    steps = np.diff(padded, axis=1)
    for row in np.flatnonzero(edges.sum(axis=1) >= min_length):
        starts = np.flatnonzero(steps[row] == 1)
        ends = np.flatnonzero(steps[row] == -1)
        runs += [(int(row), int(a), int(b) - 1) for a, b in zip(starts, ends, strict=True)
                 if b - a >= min_length]
    return runs


def _side_unbroken(vertical: np.ndarray, column: int, top: int, bottom: int) -> bool:
    left, right = max(0, column - SLACK), min(vertical.shape[1], column + SLACK + 1)
    band = vertical[top:bottom, left:right].any(axis=1)
    return band.size > 0 and band.mean() >= UNBROKEN


def _rectangles(runs: list[tuple[int, int, int]], down: np.ndarray, height: int
                ) -> list[tuple[int, int, int, int]]:
    """Every (left, top, right, bottom) whose top and bottom edges span alike and whose
    sides are unbroken."""
    found = []
    for top, left, right in runs:
        for bottom, other_left, other_right in runs:
            if not MIN_HEIGHT <= bottom - top <= MAX_SHARE * height:
                continue
            if abs(other_left - left) > SLACK or abs(other_right - right) > SLACK:
                continue
            if _side_unbroken(down, left, top, bottom) and _side_unbroken(down, right, top,
                                                                          bottom):
                found.append((left, top, right + 2, bottom + 2))
    return found


def find_dialog(grey: np.ndarray) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the dialog in front, or None when there is none
    to find (a picture of the dialog alone, or no unbroken rectangle)."""
    height, width = grey.shape
    if height * width < MIN_SCREEN_PIXELS:
        return None
    pixels = grey.astype(np.int16)
    across = np.abs(np.diff(pixels, axis=0)) > EDGE_STEP  # steps between rows
    down = np.abs(np.diff(pixels, axis=1)) > EDGE_STEP  # steps between columns
    runs = [run for run in _horizontal_runs(across, MIN_WIDTH)
            if run[2] - run[1] <= MAX_SHARE * width][:MAX_RUNS]
    found = _rectangles(runs, down, height)
    if not found:
        return None
    # Windows centres a message box: nearest the centre first, then the smallest (a
    # window behind that the dialog does not cross is larger).
    def rank(box: tuple[int, int, int, int]) -> tuple[float, int]:
        middle = ((box[0] + box[2]) / 2 - width / 2, (box[1] + box[3]) / 2 - height / 2)
        distance = (middle[0] ** 2 + middle[1] ** 2) ** 0.5
        return round(distance / CENTRE_STEP), (box[2] - box[0]) * (box[3] - box[1])

    return min(found, key=rank)


def centre_of(width: int, height: int) -> tuple[int, int, int, int]:
    """The middle of a whole screen in which no dialog was found: where Windows puts a
    message box, without the desktop's icons, taskbar and most of the windows behind."""
    margin_x, margin_y = int(width * CENTRE_MARGIN), int(height * CENTRE_MARGIN)
    return margin_x, margin_y, width - margin_x, height - margin_y
