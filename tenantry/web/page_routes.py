"""The HTML pages' routes, loaded with the database stack rather than with the app.

The pages (login, home, lists, forms, reports, preferences) import the views layer and
the ORM's helpers, hence SQLAlchemy: importing them with the app would make
``tenantry serve`` wait for the whole stack before it answers anything. The app routes
what it does not know itself to :class:`LazyPages`, whose router is built on the first
such request, once the server's instance (and with it these modules, see
``context._DATABASE_STACK``) has been made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import BaseRoute, Router
from starlette.types import Receive, Scope, Send

if TYPE_CHECKING:
    from tenantry.web.context import Server

__all__ = ["MODULES", "LazyPages", "page_routes"]

MODULES = (
    "tenantry.web.pages",
    "tenantry.web.switcher",
    "tenantry.web.preferences",
    "tenantry.web.rule_lint",
    "tenantry.web.forms",
    "tenantry.web.reports",
    "tenantry.web.listview",
)


def page_routes() -> list[BaseRoute]:
    """The pages' routes in matching order: fixed ``/odoo/<name>`` pages (home,
    preferences) before the ``/odoo/{model}...`` ones (forms, lists), which match any name."""
    from tenantry.web import forms, listview, pages, preferences, reports, rule_lint, switcher

    return [
        *pages.routes,
        *switcher.routes,
        *preferences.routes,
        *rule_lint.routes,
        *forms.routes,
        *reports.routes,
        *listview.routes,
    ]


class LazyPages:
    """An ASGI app routing to :func:`page_routes`, imported on first use (an unknown URL
    is Starlette's 404, a known one with another method its 405: the app's handlers
    make pages of them)."""

    def __init__(self, server: Server) -> None:
        self._server = server
        self._router: Router | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        router = self._router
        if router is None:
            server = self._server
            await server.run(lambda: server.instance)  # imports the stack, pages too, under its lock
            router = self._router = Router(routes=page_routes())
        await router(scope, receive, send)
