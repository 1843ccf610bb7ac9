"""``tenantry db``: create, list, copy, back up, restore and drop databases."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer

from tenantry.cli._common import (
    DEFAULT_URL,
    AddonsPathOpt,
    DbName,
    DbUrl,
    open_instance,
    split_list,
    step,
)

app = typer.Typer(name="db", help="Create, list, copy, back up and drop databases.", no_args_is_help=True)

DumpFile = Annotated[Path, typer.Argument(help="Backup file.", show_default=False)]


@app.command()
def create(
    name: DbName,
    modules: Annotated[
        str,
        typer.Option("--modules", "-m", help="Addons to install besides base, comma-separated."),
    ] = "",
    demo: Annotated[bool, typer.Option("--demo", help="Load demo data.")] = False,
    admin_password: Annotated[
        str, typer.Option("--admin-password", help="Password of the admin user.")
    ] = "admin",
    login: Annotated[str, typer.Option("--login", help="Login of the admin user.")] = "admin",
    lang: Annotated[str, typer.Option("--lang", help="Language of the admin user.")] = "en_US",
    country: Annotated[
        str | None, typer.Option("--country", help="Country code of the main company (e.g. BE).")
    ] = None,
    db_url: DbUrl = DEFAULT_URL,
    addons_path: AddonsPathOpt = None,
) -> None:
    """Create a database with base (and --modules) installed."""
    wanted = split_list(modules)
    label = f"database {name!r}" + (f" with {', '.join(wanted)}" if wanted else "")
    with open_instance(db_url, addons_path) as inst, step(f"Creating {label}", f"Created {label}"):
        inst.create_database(name, wanted, admin_password, demo, login=login, lang=lang, country_code=country)


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
    db_url: DbUrl = DEFAULT_URL,
    addons_path: AddonsPathOpt = None,
) -> None:
    """Print the databases, one per line."""
    with open_instance(db_url, addons_path) as inst:
        names = inst.list_databases()
    if as_json:
        typer.echo(json.dumps(names))
    else:
        for name in names:
            typer.echo(name)


@app.command()
def drop(name: DbName, db_url: DbUrl = DEFAULT_URL, addons_path: AddonsPathOpt = None) -> None:
    """Drop a database and everything in it."""
    with (
        open_instance(db_url, addons_path) as inst,
        step(f"Dropping {name!r}", f"Dropped database {name!r}"),
    ):
        inst.drop_database(name)


@app.command()
def duplicate(
    src: Annotated[str, typer.Argument(help="Database to copy.", show_default=False)],
    dst: Annotated[str, typer.Argument(help="New database.", show_default=False)],
    db_url: DbUrl = DEFAULT_URL,
    addons_path: AddonsPathOpt = None,
) -> None:
    """Copy a database to a new one (with its own identity)."""
    with (
        open_instance(db_url, addons_path) as inst,
        step(f"Copying {src!r} to {dst!r}", f"Copied {src!r} to {dst!r}"),
    ):
        inst.duplicate_database(src, dst)


class DumpFormat(enum.StrEnum):
    zip = "zip"
    dump = "dump"


@app.command()
def dump(
    name: DbName,
    file: DumpFile,
    backup_format: Annotated[
        DumpFormat,
        typer.Option(
            "--format",
            help="zip: Odoo's backup (SQL, manifest.json and the attachment files); "
            "dump: the backend's native file alone (pg_dump -Fc, a SQLite file), without attachment files.",
        ),
    ] = DumpFormat.zip,
    db_url: DbUrl = DEFAULT_URL,
    addons_path: AddonsPathOpt = None,
) -> None:
    """Write a backup of a database to FILE (Odoo's zip, with the attachment files, by default)."""
    with (
        open_instance(db_url, addons_path) as inst,
        step(f"Dumping {name!r}", f"Dumped {name!r} to {file}"),
    ):
        inst.dump_database(name, file, backup_format.value)


@app.command()
def restore(
    name: DbName,
    file: DumpFile,
    copy: Annotated[
        bool, typer.Option("--copy", help="Give the restored database a new identity (uuid).")
    ] = False,
    db_url: DbUrl = DEFAULT_URL,
    addons_path: AddonsPathOpt = None,
) -> None:
    """Create a database from a backup made by `db dump` on the same backend (either format)."""
    with (
        open_instance(db_url, addons_path) as inst,
        step(f"Restoring {name!r} from {file}", f"Restored {name!r} from {file}"),
    ):
        inst.restore_database(name, file, copy=copy)


@app.command()
def size(
    name: DbName,
    human: Annotated[bool, typer.Option("--human", "-H", help="Print e.g. 9.3 MB.")] = False,
    filestore: Annotated[
        bool, typer.Option("--filestore", help="The size of its attachment files instead (counted apart).")
    ] = False,
    db_url: DbUrl = DEFAULT_URL,
    addons_path: AddonsPathOpt = None,
) -> None:
    """Print the size of a database in bytes (its attachment files apart: --filestore)."""
    with open_instance(db_url, addons_path) as inst:
        size_bytes = inst.filestore_size(name) if filestore else inst.database_size(name)
    typer.echo(_human(size_bytes) if human else str(size_bytes))


def _human(size_bytes: int) -> str:
    value = float(size_bytes)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
