"""``tenantry serve``: the HTTP server (Starlette under uvicorn).

::

    tenantry serve --db-filter '^%h$' --master-password s3cret --workers 4

With ``--workers 1`` (the default) the app runs in this process; with more,
uvicorn starts worker processes that each build the app from the environment
(``tenantry.web.factory``). Ctrl-C / SIGTERM shut down gracefully (uvicorn's).
"""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer
import uvicorn
from uvicorn.supervisors import Multiprocess

from tenantry.cli._common import (
    DEFAULT_URL,
    AddonsPathOpt,
    DbUrl,
    display_url,
    err_console,
    fail,
    open_instance,
)
from tenantry.exceptions import UserError

__all__ = ["serve"]


def serve(
    db_url: DbUrl = DEFAULT_URL,
    http_interface: Annotated[
        str, typer.Option("--http-interface", help="Address to listen on.")
    ] = "127.0.0.1",
    http_port: Annotated[int, typer.Option("--http-port", help="Port to listen on.")] = 8069,
    db_filter: Annotated[
        str | None,
        typer.Option(
            "--db-filter",
            envvar="TENANTRY_DB_FILTER",
            help="Regex of the databases a host may reach: %h = host, %d = its first label.",
            show_default=False,
        ),
    ] = None,
    master_password: Annotated[
        str | None,
        typer.Option(
            "--master-password",
            envvar="TENANTRY_MASTER_PASSWORD",
            help="Password of the database management methods (none: refused).",
            show_default=False,
        ),
    ] = None,
    addons_path: AddonsPathOpt = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    dev: Annotated[bool, typer.Option("--dev", help="Tracebacks in errors (development only).")] = False,
    no_database_list: Annotated[
        bool, typer.Option("--no-database-list", help="Refuse listing and managing databases.")
    ] = False,
) -> None:
    """Serve the databases over HTTP: Odoo's XML-RPC/JSON-RPC API and the web login."""
    from tenantry.web.app import create_app  # the web layer loads only for this command
    from tenantry.web.config import ServerConfig
    from tenantry.web.factory import config_to_env

    try:
        config = ServerConfig(
            db_filter=db_filter, master_password=master_password, list_db=not no_database_list, dev=dev
        )
    except Exception as exc:  # re.error from a bad --db-filter
        fail(f"Invalid --db-filter {db_filter!r}: {exc}")
    console = err_console()
    where = f"http://{http_interface}:{http_port}"
    console.print(f"Serving {display_url(db_url)} on {where} ({workers} worker(s))", markup=False)
    if not db_filter:
        console.print("No --db-filter: every database is visible from every host.", markup=False)
    if workers == 1:
        with open_instance(db_url, addons_path) as inst:
            # The app closes the instance when it shuts down: uvicorn re-raises SIGTERM
            # after a graceful shutdown, so this block's own exit may never run.
            app = create_app(inst, config, owns_instance=True)
            uvicorn.run(app, host=http_interface, port=http_port, log_level="info")
        return
    with open_instance(db_url, addons_path):
        pass  # fail now, in the parent, if the storage cannot be reached
    os.environ.update(config_to_env(config))
    os.environ["TENANTRY_DB_URL"] = db_url
    os.environ["TENANTRY_ADDONS_PATH"] = addons_path or ""
    config_ = uvicorn.Config(
        "tenantry.web.factory:app_from_env",
        factory=True,
        host=http_interface,
        port=http_port,
        workers=workers,
        log_level="info",
    )
    Multiprocess(config_, sockets=[_tcp_socket(http_interface, http_port)]).run()


def _tcp_socket(host: str, port: int) -> socket.socket:
    """The listening socket the workers share, declared TCP.

    asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections accepted
    from sockets whose protocol says TCP; the socket uvicorn binds for workers does
    not say so, and every keep-alive request then waits ~40 ms for a delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserError(f"Cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock
