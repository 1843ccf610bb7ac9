"""The HTML pages: ``/web/login``, ``/odoo`` (home), ``/web`` and ``POST /web/session/logout``.

Forms are CSRF-protected: the login form (no session yet) with a double-submit
cookie ``csrf_token`` that must equal the posted field, the logout form with the
token stored in the session. A post without the right token gets a 403 page.

``/web/login?redirect=/odoo/sale.order`` brings the user there after logging in
(only a path on this site: see :func:`tenantry.web.frame.local_path`); else ``/odoo``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tenantry.exceptions import AccessDenied, DatabaseBlocked, TenantryError
from tenantry.web import apps
from tenantry.web.context import CSRF_COOKIE, Call, new_csrf_token
from tenantry.web.csrf import same_token as _same
from tenantry.web.errors import error_page, html_error
from tenantry.web.frame import HOME, local_path, secure_headers
from tenantry.web.templates import templates
from tenantry.web.tenancy import visible_databases

__all__ = ["routes"]


def _login_page(
    request: Request, call: Call, *, error: str = "", db: str = "", login: str = "", redirect: object = ""
) -> Response:
    databases: list[str] | None = None
    if call.server.config.list_db:
        databases = visible_databases(call.server.instance.list_databases(), call.db_filter)
    token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    context: dict[str, Any] = {
        "error": error,
        "databases": databases,
        "db": db,
        "login": login,
        "csrf_token": token,
        "redirect": local_path(redirect, ""),
    }
    response = templates().TemplateResponse(request, "login.html", context)
    response.set_cookie(CSRF_COOKIE, token, path="/web", httponly=True, samesite="lax", secure=call.secure)
    return secure_headers(response)


async def login_form(request: Request) -> Response:
    call = Call.of(request)
    query = request.query_params
    return await call.server.run(
        _login_page, request, call, db=query.get("db", ""), redirect=query.get("redirect", "")
    )


async def login_submit(request: Request) -> Response:
    call = Call.of(request)
    form = await request.form()
    if not _same(form.get("csrf_token"), request.cookies.get(CSRF_COOKIE)):
        return error_page(
            request, 403, "Invalid form", "The form has expired or is invalid: reload the page."
        )
    db, login, password = (str(form.get(name) or "") for name in ("db", "login", "password"))
    redirect = form.get("redirect")

    def attempt() -> Response:
        if (call.db_filter and not call.db_filter(db)) or not db or not call.server.instance.exists(db):
            return _login_page(
                request, call, error="Unknown database.", db=db, login=login, redirect=redirect
            )
        try:
            uid = call.server.authenticate(db, login, password, call.client_ip)
        except DatabaseBlocked as exc:
            return _login_page(request, call, error=exc.message, db=db, login=login, redirect=redirect)
        except AccessDenied:
            return _login_page(
                request, call, error="Wrong login or password.", db=db, login=login, redirect=redirect
            )
        call.login(db, uid)
        response = RedirectResponse(local_path(redirect, HOME), status_code=303)
        call.apply_cookies(response)
        return response

    try:
        return await call.server.run(attempt)
    except TenantryError as exc:
        return await call.server.run(
            _login_page, request, call, error=exc.message, db=db, login=login, redirect=redirect
        )


async def web(request: Request) -> Response:
    """``/web``: Odoo 17's client URL; the client now lives at ``/odoo`` (as in Odoo 18)."""
    return RedirectResponse(HOME, status_code=303)


async def logout(request: Request) -> Response:
    call = Call.of(request)
    form = await request.form()
    try:
        session = await call.server.run(call.session)
    except Exception as exc:
        return html_error(request, exc, dev=call.server.config.dev)
    if not _same(form.get("csrf_token"), session.csrf_token):
        return error_page(
            request, 403, "Invalid form", "The form has expired or is invalid: reload the page."
        )
    await call.server.run(call.logout)
    response = RedirectResponse("/web/login", status_code=303)
    call.apply_cookies(response)
    return response


async def root(request: Request) -> Response:
    return RedirectResponse(HOME, status_code=303)


routes = [
    Route("/", root, methods=["GET"]),
    Route("/web", web, methods=["GET"]),
    Route("/odoo", apps.home, methods=["GET"]),
    Route("/web/login", login_form, methods=["GET"]),
    Route("/web/login", login_submit, methods=["POST"]),
    Route("/web/session/logout", logout, methods=["POST"]),
]
