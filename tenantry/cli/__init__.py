"""The ``tenantry`` command line: one typer app, one module per command group.

::

    tenantry db create acme --modules sale_demo --demo
    tenantry module install acme sale_demo
    echo 'print(env["res.partner"].search_count([]))' | tenantry shell acme
    tenantry demo

Every command takes ``--db-url`` (``TENANTRY_DB_URL``) and ``--addons-path``
(``TENANTRY_ADDONS_PATH``). Results go to stdout, progress and errors to stderr;
a user's mistake exits with code 1 and a one-line ``Error:`` message.
"""

from __future__ import annotations

from typing import Annotated

import typer

import tenantry
from tenantry.cli import db, module, security
from tenantry.cli.demo import demo
from tenantry.cli.serve import serve
from tenantry.cli.shell import shell

__all__ = ["app", "main"]

app = typer.Typer(
    name="tenantry",
    help="Multi-tenant business platform: databases, addons, shell and demo.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold passwords
)
# One line per command group.
app.add_typer(db.app)
app.add_typer(module.app)
app.add_typer(security.app)
app.command()(shell)
app.command()(demo)
app.command()(serve)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"tenantry {tenantry.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Multi-tenant business platform: databases, addons, shell and demo."""


def main() -> None:
    """Entry point of the ``tenantry`` script."""
    app(prog_name="tenantry")
