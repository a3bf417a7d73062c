"""Decoding and OCR in a child process, each picture bounded in CPU time.

A picture is untrusted input: a decoder bug, or a picture crafted to make Tesseract
work for minutes, must cost only its own refusal. So the parent checks the header
(formats.check_upload: cheap, refuses most hostile files at once), then hands the
bytes to one long-lived child process, which decodes, prepares and reads them. Before
each picture the child's CPU limit (RLIMIT_CPU) is set to what it has used plus
CPU_SECONDS: past it the kernel ends the child, the parent answers "took too long"
and starts a new child for the next picture. Pictures are never written to disk.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from app.images.formats import ImageRefusedError, check_upload
from app.images.ocr import Engine, Line
from app.images.prepare import decode, prepare

CPU_SECONDS = 5
NICENESS = 10
WALL_SECONDS = 30.0  # a loaded machine: CPU_SECONDS of work may take longer in wall time
TOO_SLOW = ("The picture took too long to read. Crop it to the error dialog and try "
            "again, or type the message.")


@dataclass(frozen=True)
class Reading:
    lines: list[Line]
    width: int
    height: int


def read_picture(engine: Engine, data: bytes) -> Reading:
    """Check, decode, prepare and read one picture (in the child process)."""
    header = check_upload(data)
    picture = prepare(decode(data, header))
    return Reading(engine.read(picture), header.width, header.height)


def _limit_cpu() -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = math.ceil(usage.ru_utime + usage.ru_stime)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (used + CPU_SECONDS, hard))


def serve(conn: Connection) -> None:
    """The child's loop: one picture in, one reading (or refusal) out, until closed.
    It runs at a lower priority, so reading a picture never slows anyone's search."""
    os.nice(NICENESS)
    engine = Engine()
    conn.send(("ready",))
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        _limit_cpu()
        try:
            conn.send(("read", read_picture(engine, data)))
        except ImageRefusedError as refused:
            conn.send(("refused", refused.kind, refused.message))
        except Exception as error:  # a decoder or engine failure costs this picture only
            conn.send(("refused", "unreadable", f"The picture could not be read "
                                                f"({error.__class__.__name__}); take the "
                                                "screenshot again, or type the message."))


class ImageReader:
    """The parent's side: one child at a time, started on first use, replaced when it
    dies; thread-safe (pictures from several threads are read one after another)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        context = multiprocessing.get_context("spawn")  # never fork a threaded server
        parent, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child,), daemon=True,
                                        name="kb-image-reader")
        self._process.start()
        child.close()
        self._conn = parent
        try:
            ready = parent.poll(WALL_SECONDS) and parent.recv() == ("ready",)
        except (EOFError, OSError):  # the engine could not start
            ready = False
        if not ready:
            self._stop()
            raise ImageRefusedError("too_slow", TOO_SLOW)
        return parent

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            self._process.kill()
            self._process.join()
        self._process = self._conn = None

    def warm(self) -> None:
        """Start the child now, so the first picture does not wait for the model."""
        with self._lock:
            if self._conn is None:
                self._start()

    def read(self, data: bytes) -> Reading:
        """The lines of the picture, or ImageRefusedError (bad file, or over its CPU time)."""
        check_upload(data)
        with self._lock:
            conn = self._conn or self._start()
            try:
                conn.send_bytes(data)
                answer = conn.recv() if conn.poll(WALL_SECONDS) else None
            except (EOFError, OSError):
                answer = None
            if answer is None:  # killed at its CPU limit, or hung: a new child next time
                self._stop()
                raise ImageRefusedError("too_slow", TOO_SLOW)
        if answer[0] == "refused":
            raise ImageRefusedError(answer[1], answer[2])
        return answer[1]

    def close(self) -> None:
        with self._lock:
            self._stop()
