"""``tenantry demo``: a ``demo`` database with ``sale_demo``, and a tour of what is in it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tenantry.cli._common import (
    DEFAULT_URL,
    AddonsPathOpt,
    DbUrl,
    display_url,
    err_console,
    open_instance,
    out_console,
    step,
)

if TYPE_CHECKING:
    from tenantry.instance import Instance
    from tenantry.orm import BaseModel

DEMO_DB = "demo"
DEMO_MODULES = ("sale_demo",)


def demo(db_url: DbUrl = DEFAULT_URL, addons_path: AddonsPathOpt = None) -> None:
    """Create (or reuse) the `demo` database and print a tour of it."""
    from tenantry.cli import _tour

    with open_instance(db_url, addons_path) as inst:
        ensure_demo_database(inst)
        with inst.env(DEMO_DB) as env:
            tables, searches = _tour.collect(env)
        console = out_console()
        where = f"Database {DEMO_DB!r} on {display_url(db_url)}"
        console.print(f"{where} (login admin / admin)", markup=False, soft_wrap=True)
        console.print()
        _tour.render(console, tables, searches)
        console.print()
        hint = f"{command_name()} shell {DEMO_DB} --db-url {display_url(db_url)}"
        console.print(f"Explore it yourself: {hint}", markup=False, soft_wrap=True)


def command_name(argv0: str | None = None) -> str:
    """How to run this very ``tenantry`` again from here, so that printed hints work as written.

    ``tenantry`` when the shell finds this script on ``PATH``; else the script's path
    (``.venv/bin/tenantry`` after ``make demo``, whose environment is not active); else
    ``python -m tenantry`` with this interpreter.
    """
    script = Path(argv0 if argv0 is not None else sys.argv[0])
    found = shutil.which("tenantry")
    if found and script.name == "tenantry" and Path(found).resolve() == script.resolve():
        return "tenantry"
    if script.name == "tenantry" and script.is_file():
        try:
            return str(script.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(script.resolve())
    return f"{sys.executable} -m tenantry"


def ensure_demo_database(inst: Instance) -> None:
    """Create the demo database, or complete the existing one with the demo addons."""
    if not inst.exists(DEMO_DB):
        with step(f"Creating database {DEMO_DB!r} with demo data", f"Created database {DEMO_DB!r}"):
            inst.create_database(DEMO_DB, DEMO_MODULES, admin_password="admin", demo=True)
        return
    with inst.env(DEMO_DB) as env:
        missing = [m for m in DEMO_MODULES if not _installed(env["ir.module.module"], m)]
    if missing:
        names = ", ".join(missing)
        with step(f"Installing {names} in {DEMO_DB!r}", f"Installed {names} in {DEMO_DB!r}"):
            inst.install_modules(DEMO_DB, missing, demo=True)
    else:
        err_console().print(f"Reusing database {DEMO_DB!r}", markup=False)


def _installed(modules: BaseModel, name: str) -> bool:
    return bool(modules.search_count([("name", "=", name), ("state", "=", "installed")]))
