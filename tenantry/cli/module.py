"""``tenantry module``: install, upgrade and uninstall addons in a database."""

from __future__ import annotations

from typing import Annotated

import typer

from tenantry.cli._common import DEFAULT_URL, AddonsPathOpt, DbName, DbUrl, open_instance, step

app = typer.Typer(name="module", help="Install, upgrade and uninstall addons.", no_args_is_help=True)

Modules = Annotated[list[str], typer.Argument(help="Addon names.", show_default=False)]


@app.command()
def install(
    db: DbName,
    modules: Modules,
    demo: Annotated[
        bool | None,
        typer.Option(
            "--demo/--no-demo",
            help="Load demo data [default: as the database did].",
            show_default=False,
        ),
    ] = None,
    db_url: DbUrl = DEFAULT_URL,
    addons_path: AddonsPathOpt = None,
) -> None:
    """Install addons (and their dependencies)."""
    names = ", ".join(modules)
    with (
        open_instance(db_url, addons_path) as inst,
        step(f"Installing {names} in {db!r}", f"Installed {names} in {db!r}"),
    ):
        inst.install_modules(db, modules, demo=demo)


@app.command()
def upgrade(
    db: DbName, modules: Modules, db_url: DbUrl = DEFAULT_URL, addons_path: AddonsPathOpt = None
) -> None:
    """Upgrade installed addons: new tables and columns, data reloaded."""
    names = ", ".join(modules)
    with (
        open_instance(db_url, addons_path) as inst,
        step(f"Upgrading {names} in {db!r}", f"Upgraded {names} in {db!r}"),
    ):
        inst.upgrade_modules(db, modules)


@app.command()
def uninstall(
    db: DbName, modules: Modules, db_url: DbUrl = DEFAULT_URL, addons_path: AddonsPathOpt = None
) -> None:
    """Uninstall addons: their data, columns and tables are dropped."""
    names = ", ".join(modules)
    with (
        open_instance(db_url, addons_path) as inst,
        step(f"Uninstalling {names} from {db!r}", f"Uninstalled {names} from {db!r}"),
    ):
        inst.uninstall_modules(db, modules)


@app.command("list")
def list_(db: DbName, db_url: DbUrl = DEFAULT_URL, addons_path: AddonsPathOpt = None) -> None:
    """Print the addons a database knows, with their state (tab-separated)."""
    with open_instance(db_url, addons_path) as inst, inst.env(db) as env:
        rows = env["ir.module.module"].search_read([], ["name", "state"])
    for row in rows:
        typer.echo(f"{row['name']}\t{row['state']}")
