"""``create_app``: the ASGI application ``tenantry serve`` runs.

::

    from tenantry.web import ServerConfig, create_app
    app = create_app(Instance("sqlite:///./data"), ServerConfig(db_filter=r"^%h$"))
    # uvicorn.run(app, port=8069)

Routes: Odoo's XML-RPC and JSON-RPC endpoints (``rpc_routes``), the web
client's JSON routes (``webclient``), the company logo (``binary``), static files (``static``),
``GET /web/health``, and the HTML pages (``pages``, ``switcher``, ``preferences``, ``forms``,
``listview``, the printed ``reports``; their plumbing is ``frame``), which ``page_routes``
loads with the database stack.
The ORM is synchronous; handlers run it in a thread pool.
Request bodies above ``config.limit_request_body`` are refused (``limits.BodyLimit``).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tenantry.web import binary, rpc_routes, static, webclient
from tenantry.web.config import ServerConfig
from tenantry.web.context import Server, server_of
from tenantry.web.errors import http_error
from tenantry.web.limits import BodyLimit
from tenantry.web.page_routes import LazyPages

if TYPE_CHECKING:
    from tenantry.instance import Instance

__all__ = ["create_app"]


async def health(request: Request) -> Response:
    """``GET /web/health``: the process is up (no database touched, no auth).

    With ``?db_server_status=1`` (Odoo's form, for readiness probes) the storage is
    reached too: ``{"status": "fail", "db_server_status": false}`` and HTTP 500 when it
    cannot be opened. The plain form stays a liveness probe: restarting the process
    would not bring the storage back.
    """
    info: dict[str, Any] = {"status": "pass"}
    status = 200
    if request.query_params.get("db_server_status"):
        server = server_of(request)
        info["db_server_status"] = await server.run(server.storage_reachable)
        if not info["db_server_status"]:
            info["status"], status = "fail", 500
    return JSONResponse(info, status_code=status, headers={"Cache-Control": "no-store"})


def create_app(
    instance: Instance | Callable[[], Instance], config: ServerConfig, *, owns_instance: bool = False
) -> Starlette:
    """The application serving ``instance``; with ``owns_instance`` it is closed at shutdown.

    Given a factory instead of an instance, the app starts without the database
    stack: it answers at once, and a background thread makes the instance (see
    :meth:`Server.warm_up`) while the first requests are served.
    """
    server = Server(instance, config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if callable(instance):
            threading.Thread(target=server.warm_up, name="tenantry-warm-up", daemon=True).start()
        try:
            yield
        finally:
            if owns_instance:
                server.close()

    app = Starlette(
        routes=[
            Route("/web/health", health, methods=["GET"]),
            *rpc_routes.routes,
            *webclient.routes,
            *binary.routes,
            *static.routes,
        ],
        middleware=[Middleware(BodyLimit, limit=config.limit_request_body)],
        exception_handlers={404: http_error, 405: http_error},
        lifespan=lifespan,
    )
    # The HTML pages (page_routes), loaded with the database stack: what is not above.
    app.router.default = LazyPages(server)
    app.state.server = server
    return app
