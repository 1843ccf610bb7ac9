"""Errors on HTML routes: the one place that turns exceptions into pages.

=====================================  ==========================
an unknown URL under /odoo or /web     404 page (405 for a method)
``SessionExpired``                     303 redirect to /web/login?redirect=<path>
``DatabaseBlocked``                    403 page "Database blocked" (an expired client)
``AccessDenied``, ``AccessError``      403 page
``MissingError``                       404 page
other ``UserError``                    400 page
anything else                          500 page (traceback only with ``--dev``)
=====================================  ==========================
"""

from __future__ import annotations

import logging
import traceback
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from tenantry.exceptions import (
    AccessDenied,
    AccessError,
    DatabaseBlocked,
    MissingError,
    SessionExpired,
    UserError,
)
from tenantry.web.templates import templates

__all__ = ["error_page", "html_error", "http_error", "login_redirect"]

_HTML_PREFIXES = ("/odoo", "/web/", "/report/")
"""Where browsers go: an unknown URL there gets a page, elsewhere (RPC, static files) text."""

_log = logging.getLogger(__name__)


def error_page(request: Request, status: int, title: str, message: str, debug: str = "") -> Response:
    """A plain error page."""
    return templates().TemplateResponse(
        request,
        "error.html",
        {"title": title, "message": message, "debug": debug},
        status_code=status,
    )


def html_error(request: Request, exc: Exception, *, dev: bool = False) -> Response:
    """The response of an HTML route that raised ``exc``."""
    if isinstance(exc, SessionExpired):
        return login_redirect(request)
    if isinstance(exc, DatabaseBlocked):
        return error_page(request, 403, "Database blocked", exc.message)
    if isinstance(exc, (AccessDenied, AccessError)):
        return error_page(request, 403, "Access denied", exc.message)
    if isinstance(exc, MissingError):
        return error_page(request, 404, "Not found", exc.message)
    if isinstance(exc, UserError):
        return error_page(request, 400, "Invalid request", exc.message)
    _log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    debug = "".join(traceback.format_exception(exc)) if dev else ""
    return error_page(request, 500, "Server error", f"{type(exc).__name__}: the request failed.", debug)


def login_redirect(request: Request) -> Response:
    """To the login page, which brings the user back here (a GET's path and query) afterwards.

    An htmx request gets ``HX-Redirect`` instead, so that the whole page goes there.
    """
    target = "/web/login"
    if request.method in ("GET", "HEAD") and request.url.path != "/web/login":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target += "?redirect=" + quote(here, safe="/")
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's 404 and 405 (no such route, or not with this method): a page where
    browsers go, plain text elsewhere."""
    assert isinstance(exc, HTTPException)
    path = request.url.path
    if path.startswith(_HTML_PREFIXES) and not path.startswith("/web/static/"):
        title, message = {
            404: ("Not found", "This page does not exist."),
            405: ("Invalid request", "This page cannot be used this way."),
        }.get(exc.status_code, ("Error", str(exc.detail)))
        response = error_page(request, exc.status_code, title, message)
        response.headers.update(exc.headers or {})
        return response
    return PlainTextResponse(str(exc.detail), status_code=exc.status_code, headers=exc.headers)
