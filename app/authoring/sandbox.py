"""Reading an untrusted article's text within the index run's CPU bound.

`bounded` (app/index/parsing.py) interrupts a read after FILE_SECONDS of CPU time,
but its timer works only in a process's main thread. The CLI and tests read there;
a web request runs in one of gunicorn's threads, so there the read goes to one
helper process per server process (spawned once, on first use), whose main thread is
bounded the same way. A read that ran over, or killed its helper, costs only a 4xx.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from app.articles.loader import ArticleError
from app.articles.model import Article
from app.authoring.source import read_article
from app.index.parsing import FILE_SECONDS, FileTooSlowError, bounded

# Past this the helper is given up on (it is bounded in CPU, this is wall time).
WAIT_SECONDS = 20

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def helper_pool() -> ProcessPoolExecutor:
    """One spawned helper process that ends with the process that started it: a
    server worker killed outright (-9, the OOM killer) leaves no helper behind."""
    return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_end_with_parent, initargs=(os.getpid(),))


def _end_with_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _helper() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = helper_pool()
        return _pool


def warm() -> None:
    """Start the helper now, without waiting for it (the editor's page calls this), so
    that the first preview does not wait for a new process to import the renderer."""
    if threading.current_thread() is not threading.main_thread():
        _helper().submit(_ready)


def _ready() -> bool:
    return True


def read_bounded(text: str) -> Article:
    """The Article of this text, read in at most FILE_SECONDS of CPU; ArticleError
    with the reason for anything unreadable, too slow or too deep."""
    if threading.current_thread() is threading.main_thread():
        return _read(text)
    global _pool
    pool = _helper()
    try:
        return pool.submit(_read, text).result(timeout=WAIT_SECONDS)
    except BrokenProcessPool:
        with _pool_lock:
            _pool = None
        raise ArticleError("the article could not be read (its reader stopped)") from None
    except TimeoutError:
        raise ArticleError("the server is too busy to read the article; try again") from None


def _read(text: str) -> Article:
    try:
        return bounded(lambda: read_article(text))
    except FileTooSlowError:
        raise ArticleError(f"too slow to read (over {FILE_SECONDS:g} s)") from None
    except RecursionError:
        raise ArticleError("nested too deeply to read") from None
    except MemoryError:
        raise ArticleError("too large to read") from None
