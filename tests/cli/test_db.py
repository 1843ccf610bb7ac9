"""``tenantry db``: the database lifecycle from the command line, on both backends."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from ._helpers import Cli, database_env, failed_cleanly, succeeded


def _uuid(db_url: str, db: str) -> str:
    with database_env(db_url, db) as env:
        return str(env["ir.config_parameter"].get_param("database.uuid"))


def test_create_list_duplicate_dump_restore_drop_round_trip(cli: Cli, db_url: str, tmp_path: Path) -> None:
    created = succeeded(cli("db", "create", "acme", "--admin-password", "pw", db_url=db_url))
    assert created.stdout == ""  # stdout is for results; progress goes to stderr
    assert "Created database 'acme'" in created.stderr
    assert _listed(cli, db_url) == "acme\n"

    succeeded(cli("db", "duplicate", "acme", "acme-copy", db_url=db_url))
    error = failed_cleanly(cli("db", "duplicate", "acme", "acme-copy", db_url=db_url))
    assert error == "Error: The database 'acme-copy' already exists"

    backup = tmp_path / "acme-copy.dump"
    succeeded(cli("db", "dump", "acme-copy", str(backup), db_url=db_url))
    assert backup.stat().st_size > 0
    succeeded(cli("db", "restore", "restored", str(backup), "--copy", db_url=db_url))

    listed = succeeded(cli("db", "list", "--json", db_url=db_url)).stdout
    assert [n for n in json.loads(listed) if not n.startswith("s-")] == ["acme", "acme-copy", "restored"]
    assert int(succeeded(cli("db", "size", "restored", db_url=db_url)).stdout) > 0
    uuids = {_uuid(db_url, db) for db in ("acme", "acme-copy", "restored")}
    assert len(uuids) == 3  # a duplicate and a --copy restore get their own identity

    succeeded(cli("db", "drop", "acme-copy", db_url=db_url))
    succeeded(cli("db", "drop", "restored", db_url=db_url))
    assert _listed(cli, db_url) == "acme\n"


def test_create_with_an_invalid_name_prints_one_error_line_and_exits_1(cli: Cli, db_url: str) -> None:
    error = failed_cleanly(cli("db", "create", "Bad Name", db_url=db_url))
    assert error.startswith("Error: Invalid database name 'Bad Name'")
    assert _listed(cli, db_url) == ""


def test_create_with_an_unknown_addon_creates_nothing(cli: Cli, db_url: str) -> None:
    error = failed_cleanly(cli("db", "create", "acme", "--modules", "nope", db_url=db_url))
    assert error == "Error: Addon 'nope' is not available in the addons path"
    assert _listed(cli, db_url) == ""


def test_drop_of_a_missing_database_exits_1(cli: Cli, db_url: str) -> None:
    error = failed_cleanly(cli("db", "drop", "ghost", db_url=db_url))
    assert error == "Error: The database 'ghost' does not exist"


def test_restore_from_a_missing_file_exits_1(cli: Cli, db_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "nothing.dump"
    error = failed_cleanly(cli("db", "restore", "acme", str(missing), db_url=db_url))
    assert error == f"Error: No dump file at {missing}"


def test_dump_errors_name_the_users_path_never_a_temporary_file(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    succeeded(cli("db", "create", "acme", db_url=db_url))
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    nowhere = dumps / "no-such-dir" / "acme.dump"
    error = failed_cleanly(cli("db", "dump", "acme", str(nowhere), db_url=db_url))
    assert error == f"Error: Cannot write the dump to {nowhere}: there is no directory {nowhere.parent}"
    error = failed_cleanly(cli("db", "dump", "acme", str(dumps), db_url=db_url))
    assert error == f"Error: Cannot write the dump to {dumps}: it is a directory"
    assert list(dumps.iterdir()) == []  # no temporary file left behind


def test_list_prints_nothing_for_an_empty_cluster(cli: Cli, db_url: str) -> None:
    assert _listed(cli, db_url) == ""
    listed_json = json.loads(succeeded(cli("db", "list", "--json", db_url=db_url)).stdout)
    assert [n for n in listed_json if not n.startswith("s-")] == []


def _listed(cli: Cli, db_url: str) -> str:
    """``db list`` output without the session's own ``s-...`` databases (shared PostgreSQL cluster)."""
    lines = succeeded(cli("db", "list", db_url=db_url)).stdout.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("s-"))


def test_dump_is_odoos_zip_with_the_files_unless_format_dump(cli: Cli, db_url: str, tmp_path: Path) -> None:
    succeeded(cli("db", "create", "files", db_url=db_url))
    with database_env(db_url, "files") as env:
        env["ir.attachment"].create({"name": "a.txt", "raw": b"attached"})
    assert int(succeeded(cli("db", "size", "files", "--filestore", db_url=db_url)).stdout) == len(b"attached")
    complete, native = tmp_path / "files.zip", tmp_path / "files.dump"
    succeeded(cli("db", "dump", "files", str(complete), db_url=db_url))
    succeeded(cli("db", "dump", "files", str(native), "--format", "dump", db_url=db_url))
    assert zipfile.is_zipfile(complete) and not zipfile.is_zipfile(native)
    assert "dump.sql" in zipfile.ZipFile(complete).namelist()
    for name, backup, files in (("from-zip", complete, len(b"attached")), ("from-dump", native, 0)):
        succeeded(cli("db", "restore", name, str(backup), db_url=db_url))  # the format is read from the file
        assert int(succeeded(cli("db", "size", name, "--filestore", db_url=db_url)).stdout) == files
    assert cli("db", "dump", "files", str(tmp_path / "x"), "--format", "tar", db_url=db_url).exit_code == 2
