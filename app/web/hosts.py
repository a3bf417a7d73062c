"""Where the app is, as the world sees it: behind how many proxies, at which URL.

`TRUSTED_PROXIES` (a number of hops, 0 by default) applies Werkzeug's ProxyFix, so
`request.remote_addr` is the real client (rate limits count people, not the proxy)
and `request.is_secure` follows the proxy's TLS. `PUBLIC_URL`
(`https://help.example.com`, served at the root) is then the one source of absolute
URLs: every request is served as if addressed to it, whatever Host it carried, so a
forged Host cannot reach a link, a cached page or the API's `url` fields. A Host that
is not a host name (too long, stray characters, a port out of range) is a 400, through
the usual error page and headers.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

MAX_HOST = 255
_LABEL = r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)"
HOST = re.compile(
    rf"^(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]{{2,45}}\])(?::(?P<port>\d{{1,5}}))?$")
BAD_HOST = "kb.bad_host"
# What a request with an unusable Host is served as, to reach the 400 page.
PLACEHOLDER_HOST = "localhost"


def valid_host(host: str) -> bool:
    if not host or len(host) > MAX_HOST:
        return False
    match = HOST.match(host)
    return match is not None and (match["port"] is None or 0 < int(match["port"]) < 65536)


class PublicAddress:
    """WSGI middleware: a bad Host is marked and replaced; with a public URL, the
    scheme and host of every request are the public URL's."""

    def __init__(self, wsgi_app, public_url: str = "") -> None:
        self.wsgi_app = wsgi_app
        self.public = urlsplit(public_url) if public_url else None
        if self.public is not None and (self.public.scheme not in ("http", "https")
                                        or not valid_host(self.public.netloc)
                                        or self.public.path.strip("/")
                                        or self.public.query or self.public.fragment):
            # Links are absolute paths (/kb/198/Q198704/): the app is served at the root.
            raise ValueError(f"PUBLIC_URL must be http(s)://host[:port], not {public_url!r}")

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST", "")
        if host and not valid_host(host):
            environ[BAD_HOST] = True
            environ["HTTP_HOST"] = PLACEHOLDER_HOST
        if self.public is not None:
            environ["HTTP_HOST"] = self.public.netloc
            environ["wsgi.url_scheme"] = self.public.scheme
            environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = PublicAddress(app.wsgi_app, str(app.config["PUBLIC_URL"] or ""))
    hops = int(app.config["TRUSTED_PROXIES"] or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0,
                                x_port=0, x_prefix=0)
    app.before_request(refuse_bad_host)


def refuse_bad_host() -> None:
    if request.environ.get(BAD_HOST):
        abort(400, description="The request's Host header is not a valid host name.")
