"""``tenantry shell DB``: a Python REPL (or a piped script) with ``env`` in one transaction.

::

    $ echo 'env["res.partner"].create({"name": "Agrolait"})' | tenantry shell acme

The transaction commits when the REPL or the script ends normally (end of input,
``exit()``) and rolls back when the script raises or exits with a non-zero code.
"""

from __future__ import annotations

import code
import sys
import traceback
from typing import TYPE_CHECKING, Any

import typer

import tenantry
from tenantry.cli._common import (
    DEFAULT_URL,
    AddonsPathOpt,
    DbName,
    DbUrl,
    display_url,
    err_console,
    open_instance,
)

if TYPE_CHECKING:
    from tenantry.instance import Instance

BANNER = """\
tenantry {version} shell on database {db!r} ({url})
  env       superuser environment, e.g. env["res.partner"].search([])
  inst      the Instance;  tenantry  the package
One transaction: leaving with Ctrl-D or exit() commits it, exit(1) rolls it back."""


def shell(db: DbName, db_url: DbUrl = DEFAULT_URL, addons_path: AddonsPathOpt = None) -> None:
    """Python with `env` on DB (runs the script piped on stdin, if any).

    Changes are committed at the end, rolled back if the script fails.
    """
    with open_instance(db_url, addons_path) as inst:
        code_ = 0
        interactive = sys.stdin.isatty()
        try:
            # Interactive: a session open for minutes must not hold SQLite's write lock
            # (every server write to the database would wait, then fail).
            with inst.env(db, optimistic=interactive) as env:
                namespace = {"env": env, "inst": inst, "tenantry": tenantry}
                code_ = _interact(namespace, db, inst) if interactive else _run_script(namespace)
                if code_:
                    raise _Abort
        except _Abort:
            err_console().print("Rolled back.")
            raise typer.Exit(code_) from None
        err_console().print("Committed.")


class _Abort(Exception):
    """Leave ``inst.env`` so that it rolls back."""


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    err_console().print(str(exc.code), markup=False)
    return 1


def _interact(namespace: dict[str, Any], db: str, inst: Instance) -> int:
    """The interactive REPL; returns the exit code asked for (0 for end of input)."""
    _enable_completion(namespace)
    banner = BANNER.format(version=tenantry.__version__, db=db, url=display_url(inst.storage.url))
    try:
        code.interact(banner=banner, local=namespace, exitmsg="")
    except SystemExit as exc:
        return _exit_code(exc)
    return 0


def _run_script(namespace: dict[str, Any]) -> int:
    """Execute stdin as one script; returns its exit code (1 if it raised)."""
    source = sys.stdin.read()
    try:
        compiled = compile(source, "<stdin>", "exec")
        exec(compiled, namespace)
    except SystemExit as exc:
        return _exit_code(exc)
    except Exception as exc:
        # Show the script's frames only, as Python does for a script.
        tb = exc.__traceback__.tb_next if exc.__traceback__ else None
        if isinstance(exc, SyntaxError):
            tb = None
        sys.stderr.write("".join(traceback.format_exception(type(exc), exc, tb)))
        return 1
    return 0


def _enable_completion(namespace: dict[str, Any]) -> None:
    try:
        import readline
        import rlcompleter
    except ImportError:  # pragma: no cover - platforms without readline
        return
    readline.set_completer(rlcompleter.Completer(namespace).complete)
    readline.parse_and_bind("tab: complete")
