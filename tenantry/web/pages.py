"""The HTML pages: ``/web/login``, ``/web`` and ``POST /web/session/logout``.

Forms are CSRF-protected: the login form (no session yet) with a double-submit
cookie ``csrf_token`` that must equal the posted field, the logout form with the
token stored in the session. A post without the right token gets a 403 page.
"""

from __future__ import annotations

import hmac
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tenantry.exceptions import AccessDenied, TenantryError
from tenantry.web.context import CSRF_COOKIE, Call, new_csrf_token
from tenantry.web.errors import error_page, html_error
from tenantry.web.templates import templates
from tenantry.web.tenancy import visible_databases

__all__ = ["routes"]


def _same(token: object, expected: str | None) -> bool:
    return isinstance(token, str) and bool(expected) and hmac.compare_digest(token, expected or "")


def _login_page(request: Request, call: Call, *, error: str = "", db: str = "", login: str = "") -> Response:
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
    }
    response = templates().TemplateResponse(request, "login.html", context)
    response.set_cookie(CSRF_COOKIE, token, path="/web", httponly=True, samesite="lax", secure=call.secure)
    return response


async def login_form(request: Request) -> Response:
    call = Call.of(request)
    return await call.server.run(_login_page, request, call, db=request.query_params.get("db", ""))


async def login_submit(request: Request) -> Response:
    call = Call.of(request)
    form = await request.form()
    if not _same(form.get("csrf_token"), request.cookies.get(CSRF_COOKIE)):
        return error_page(
            request, 403, "Invalid form", "The form has expired or is invalid: reload the page."
        )
    db, login, password = (str(form.get(name) or "") for name in ("db", "login", "password"))

    def attempt() -> Response:
        if (call.db_filter and not call.db_filter(db)) or not db or not call.server.instance.exists(db):
            return _login_page(request, call, error="Unknown database.", db=db, login=login)
        try:
            uid = call.server.authenticate(db, login, password, call.client_ip)
        except AccessDenied:
            return _login_page(request, call, error="Wrong login or password.", db=db, login=login)
        call.login(db, uid)
        response = RedirectResponse("/web", status_code=303)
        call.apply_cookies(response)
        return response

    try:
        return await call.server.run(attempt)
    except TenantryError as exc:
        return await call.server.run(_login_page, request, call, error=exc.message, db=db, login=login)


async def home(request: Request) -> Response:
    call = Call.of(request)

    def render() -> Response:
        session = call.session()
        with call.server.instance.env(session.db, session.uid) as env:
            name = env.user.name
            context = {
                "name": name,
                "login": session.login,
                "db": session.db,
                "csrf_token": session.csrf_token,
            }
        return templates().TemplateResponse(request, "home.html", context)

    try:
        return await call.server.run(render)
    except Exception as exc:
        return html_error(request, exc, dev=call.server.config.dev)


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
    return RedirectResponse("/web", status_code=303)


routes = [
    Route("/", root, methods=["GET"]),
    Route("/web", home, methods=["GET"]),
    Route("/web/login", login_form, methods=["GET"]),
    Route("/web/login", login_submit, methods=["POST"]),
    Route("/web/session/logout", logout, methods=["POST"]),
]
