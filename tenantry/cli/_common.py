"""What every command shares: the storage options, opening an instance, errors, progress.

A command reads like this::

    @app.command()
    def drop(name: DbName, db_url: DbUrl = DEFAULT_URL) -> None:
        with open_instance(db_url) as inst, step(f"Dropping {name!r}", f"Dropped {name!r}"):
            inst.drop_database(name)

Inside ``open_instance`` a user's mistake (any ``TenantryError``, an unreachable
server, a missing file) becomes ``Error: <message>`` on stderr and exit code 1;
anything else propagates with its traceback, because it is a bug.

This module is imported to *define* every command, so it imports only typer:
rich, SQLAlchemy and the instance load inside the helpers that use them, and
``tenantry serve`` or ``tenantry --help`` never pay for the ORM.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from tenantry.exceptions import TenantryError

if TYPE_CHECKING:
    from rich.console import Console

    from tenantry.instance import Instance

__all__ = [
    "DEFAULT_URL",
    "AddonsPathOpt",
    "DbName",
    "DbUrl",
    "display_url",
    "err_console",
    "fail",
    "open_instance",
    "out_console",
    "split_list",
    "step",
]

DEFAULT_URL = "sqlite:///./tenantry-data"
"""``tenantry.instance.DEFAULT_URL``, spelled out so that defining a command does not load it."""

DbUrl = Annotated[
    str,
    typer.Option(
        "--db-url",
        envvar="TENANTRY_DB_URL",
        help="Storage: sqlite:///DIR or postgresql://user:pw@host:port/",
    ),
]
AddonsPathOpt = Annotated[
    str | None,
    typer.Option(
        "--addons-path",
        envvar="TENANTRY_ADDONS_PATH",
        help="Extra addon directories, comma-separated.",
        show_default=False,
    ),
]
DbName = Annotated[str, typer.Argument(help="Database name.", show_default=False)]


def out_console() -> Console:
    """Rich console on the current stdout (results)."""
    from rich.console import Console

    return Console(highlight=False, emoji=False)


def err_console() -> Console:
    """Rich console on the current stderr (progress, messages, errors)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)


def display_url(url: str) -> str:
    """``url`` with any password masked, for messages (without loading SQLAlchemy)."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def split_list(value: str | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def fail(message: str) -> NoReturn:
    """Print ``Error: message`` on stderr and exit with code 1."""
    from rich.text import Text

    err_console().print(Text.assemble(("Error: ", "bold red"), message))
    raise typer.Exit(1)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user's mistake into a one-line ``Error:`` and exit code 1."""
    try:
        yield
    except TenantryError as exc:
        fail(exc.message)
    except OSError as exc:  # a file the user named: missing, unreadable, unwritable
        fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))


@contextmanager
def open_instance(db_url: str, addons_path: str | None = None) -> Iterator[Instance]:
    """The instance for these options, closed afterwards, with user errors reported."""
    from tenantry.instance import Instance

    with user_errors():
        inst = Instance(db_url, addons_path=split_list(addons_path))
        try:
            _probe(inst)
            yield inst
        finally:
            inst.close()


def _probe(inst: Instance) -> None:
    """Fail cleanly now if the server cannot be reached, rather than mid-command."""
    from sqlalchemy.exc import OperationalError

    try:
        inst.list_databases()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        fail(f"Cannot reach the database server {display_url(inst.url)}: {reason}")


@contextmanager
def step(label: str, done: str, console: Console | None = None) -> Iterator[None]:
    """Show ``label`` with a spinner and the elapsed time while the block runs.

    On a terminal the spinner is replaced by ``✓ done (1.2s)``; elsewhere (pipes,
    CI) only the plain line ``done (1.2s)`` is printed, once the block succeeds.
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    console = console or err_console()
    started = time.monotonic()
    if console.is_terminal and not console.is_dumb_terminal:
        spinner, text = SpinnerColumn(), TextColumn("{task.description}", markup=False)
        with Progress(spinner, text, TimeElapsedColumn(), console=console, transient=True) as progress:
            progress.add_task(label, total=None)
            yield
        elapsed = time.monotonic() - started
        console.print(Text.assemble(("✓ ", "green"), done, (f" ({elapsed:.1f}s)", "dim")))
    else:
        yield
        console.print(f"{done} ({time.monotonic() - started:.1f}s)", markup=False)
