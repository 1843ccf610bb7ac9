"""``/web/static/...``: the web client's files (stylesheet, vendored htmx), with cache headers.

Files come from the package's ``static/`` directory. Responses carry ``ETag`` and
``Last-Modified`` (a conditional request gets ``304``) and ``Cache-Control`` with a
``max-age``; pages link them through :func:`static_url`, whose ``?v=`` (a digest of the
file) changes with the content, so a long ``max-age`` never serves a stale file.
They are sent gzipped to browsers that accept it (htmx: 52 kB, 17 kB gzipped). Pages
are not: a page holds the session's CSRF token beside text from the URL, which a
compressed response would leak through its size (BREACH).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

__all__ = ["CACHE_CONTROL", "HTMX_VERSION", "STATIC_DIR", "routes", "static_url"]

STATIC_DIR = Path(__file__).with_name("static")
HTMX_VERSION = "2.0.11"
"""The vendored htmx (``static/lib/htmx.min.js``, see ``static/lib/README.md``)."""
CACHE_CONTROL = "public, max-age=86400"


class _CachedStaticFiles(StaticFiles):
    """Starlette's static files (ETag, Last-Modified, 304s) plus ``Cache-Control``."""

    def file_response(
        self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


@functools.cache
def static_url(path: str) -> str:
    """The URL of ``static/<path>``, versioned by its content: ``/web/static/css/web.css?v=1a2b3c4d``."""
    digest = hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]
    return f"/web/static/{path}?v={digest}"


routes = [
    Mount(
        "/web/static",
        app=GZipMiddleware(_CachedStaticFiles(directory=STATIC_DIR), minimum_size=1024, compresslevel=6),
        name="static",
    )
]
