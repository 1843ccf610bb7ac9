"""``tenantry serve``: the HTTP server (Starlette under uvicorn).

::

    tenantry serve --db-filter '^%h$' --master-password s3cret --workers 4

With ``--workers 1`` (the default) the app runs in this process. With more, this
process imports the app's code, binds the socket, then forks the workers and
supervises them (``_prefork``): forked workers start at once, where spawned ones
would import everything again. Ctrl-C / SIGTERM shut down gracefully (uvicorn's).

Only typer is imported to define the command, and only the web layer and uvicorn
to start serving: each worker makes its instance (SQLAlchemy, the ORM, the
storage connection) in a background thread once it listens, so the server
answers health checks and ``common.version`` within a fraction of a second. A
storage that cannot be reached is logged; requests that need it fail until it is
back, as with Odoo.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tenantry.cli._common import (
    DEFAULT_URL,
    AddonsPathOpt,
    DbUrl,
    display_url,
    fail,
    split_list,
    user_errors,
)
from tenantry.exceptions import UserError

if TYPE_CHECKING:
    from tenantry.instance import Instance

__all__ = ["serve"]

DEFAULT_LIMIT_REQUEST_BODY = 134_217_728
"""128 MiB: ``tenantry.web.limits.DEFAULT_LIMIT_REQUEST_BODY``, spelled out so that defining the
command does not import the web layer (a test checks they agree)."""


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
    master_password_file: Annotated[
        Path | None,
        typer.Option(
            "--master-password-file",
            envvar="TENANTRY_MASTER_PASSWORD_FILE",
            dir_okay=False,
            help=(
                "Where db.change_admin_password keeps the master password (an Argon2 hash), "
                "read by every worker and kept across restarts; once it exists it overrides "
                "--master-password. Without it, changing the master password is refused."
            ),
            show_default=False,
        ),
    ] = None,
    addons_path: AddonsPathOpt = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help=(
                "Worker processes: 1 serves from this process; more are pre-forked "
                "and supervised (a dead worker is replaced)."
            ),
        ),
    ] = 1,
    dev: Annotated[bool, typer.Option("--dev", help="Tracebacks in errors (development only).")] = False,
    no_database_list: Annotated[
        bool, typer.Option("--no-database-list", help="Refuse listing and managing databases.")
    ] = False,
    limit_request_body: Annotated[
        int,
        typer.Option(
            "--limit-request-body",
            envvar="TENANTRY_LIMIT_REQUEST_BODY",
            min=1,
            metavar="BYTES",
            help="Largest request body accepted, in bytes; larger ones get HTTP 413 (Odoo's 128 MiB).",
        ),
    ] = DEFAULT_LIMIT_REQUEST_BODY,
    proxy_mode: Annotated[
        bool,
        typer.Option(
            "--proxy-mode",
            envvar="TENANTRY_PROXY_MODE",
            help=(
                "Behind a reverse proxy: take the client's address, host and scheme from its "
                "X-Forwarded-For/-Host/-Proto headers (otherwise ignored: clients can forge them)."
            ),
        ),
    ] = False,
) -> None:
    """Serve the databases over HTTP: Odoo's XML-RPC/JSON-RPC API and the web login."""
    import uvicorn

    from tenantry.web.app import create_app
    from tenantry.web.config import ServerConfig

    try:
        config = ServerConfig(
            db_filter=db_filter,
            master_password=master_password,
            list_db=not no_database_list,
            dev=dev,
            master_password_file=master_password_file.resolve() if master_password_file else None,
            proxy_mode=proxy_mode,
            limit_request_body=limit_request_body,
        )
    except Exception as exc:  # re.error from a bad --db-filter
        fail(f"Invalid --db-filter {db_filter!r}: {exc}")
    where = f"http://{http_interface}:{http_port}"
    typer.echo(f"Serving {display_url(db_url)} on {where} ({workers} worker(s))", err=True)
    if not db_filter:
        typer.echo("No --db-filter: every database is visible from every host.", err=True)
    # No websocket routes: ws="none" also spares importing the websockets library.
    # uvicorn's own proxy headers stay off: it would trust X-Forwarded-For from any
    # loopback peer; the app reads them itself, and only in proxy mode.
    options: dict[str, Any] = {"log_level": "info", "ws": "none", "proxy_headers": False}
    addons = split_list(addons_path)
    _check_addons_path(addons)

    def make_instance() -> Instance:
        """Called in each worker (after the fork): its own engines and connections."""
        from tenantry.instance import Instance

        return Instance(db_url, addons_path=addons)

    if workers == 1:
        # The app closes the instance when it shuts down: uvicorn re-raises SIGTERM
        # after a graceful shutdown, so code after this call may never run.
        # The socket is bound here, not by uvicorn, so that a busy port is a one-line
        # error (exit 1) like every other mistake, not uvicorn's log and exit 3.
        with user_errors():
            sock = _tcp_socket(http_interface, http_port)
        app = create_app(make_instance, config, owns_instance=True)
        uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
        return

    from starlette.applications import Starlette

    from tenantry.cli._prefork import Supervisor

    def make_app() -> Starlette:
        return create_app(make_instance, config, owns_instance=True)

    with user_errors():
        sock = _tcp_socket(http_interface, http_port)
    supervisor = Supervisor(uvicorn.Config(make_app, factory=True, **options), sock, workers)
    raise typer.Exit(supervisor.run())


def _check_addons_path(addons: list[str]) -> None:
    """Fail now on an addons path that is not a directory: no worker could ever load it."""
    for directory in addons:
        if not Path(directory).is_dir():
            fail(f"Addons path {Path(directory).resolve()} is not a directory")


def _tcp_socket(host: str, port: int) -> socket.socket:
    """The listening socket the forked workers share, declared TCP.

    asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections accepted
    from sockets whose protocol says TCP; the socket uvicorn binds for workers does
    not say so, and every keep-alive request then waits ~40 ms for a delayed ACK
    (uvicorn issue #3149).
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
    sock.listen(2048)  # uvicorn's backlog: connections queue while the workers start
    return sock
