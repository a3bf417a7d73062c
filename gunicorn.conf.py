"""gunicorn's settings for `make run` (read by `gunicorn -c gunicorn.conf.py`).

Threaded workers (gthread): a slow or stuck client holds one thread, never a whole
worker, and the worker's heartbeat keeps running, so gunicorn never kills it for a
client that trickles its headers. Sized from the machine's cores; every value can be
overridden from the environment (`GUNICORN_CMD_ARGS="--workers 4"`, or the
variables below). Behind nginx (see the README's "Deploying") bind to loopback.
"""

from __future__ import annotations

import os
import time

_cores = os.cpu_count() or 1

wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:5000")

# Search is CPU-bound (about 10 ms a query) and each worker keeps one Whoosh searcher
# per thread (about 100 ms to open): one process per core, a few threads each to
# overlap the waits on the database and the network.
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, _cores)))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", 8))
# Past this many open connections a worker stops accepting; the rest wait in the
# kernel's backlog (or at the proxy), not in a thread.
worker_connections = 200

# Tight timeouts: a request that takes more than 30 s is a bug, an idle kept-alive
# connection is closed after 5 s.
timeout = 30
graceful_timeout = 20
keepalive = 5

# Request size limits (the app's own are smaller still: a query is at most 1,000
# characters, a comment 1,000): 4 KB request line, 50 headers of at most 8 KB.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500

accesslog = os.environ.get("ACCESS_LOG", "-") or None  # ACCESS_LOG= : none
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")

# No control socket: it would sit in the user's home, one path for every instance on
# the machine; stop and reload with signals (systemd's `kill -HUP`) instead.
control_socket_disable = True


def post_worker_init(worker) -> None:
    """Each worker maps the index's postings and computes what every query needs before
    it takes a request: the first person to reach a new (or recycled) worker does not
    wait for it."""
    from app.web.knowledge import warm_up

    _start_image_reader(worker)
    started = time.monotonic()
    try:
        ready = warm_up(worker.wsgi)
    except Exception:  # a worker that cannot warm up still serves
        worker.log.exception("worker %s: warm-up failed; serving cold", worker.pid)
        return
    if ready:
        worker.log.info("worker %s: index postings ready in %.2f s", worker.pid,
                        time.monotonic() - started)
    else:
        worker.log.warning("worker %s: no index to warm up (/healthz says what is missing)",
                           worker.pid)


def _start_image_reader(worker) -> None:
    """The screenshot reader's OCR child loads its model now, not on the first picture."""
    from app.web.images import warm_up

    try:
        warm_up(worker.wsgi)
    except Exception:  # it starts again on the first picture
        worker.log.exception("worker %s: the screenshot reader did not start", worker.pid)
