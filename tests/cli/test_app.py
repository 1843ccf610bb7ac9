"""The ``tenantry`` app as a whole: entry point, help, options, and how errors surface."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from rich.console import Console

import tenantry
from tenantry.cli import app
from tenantry.cli._common import step
from tenantry.db import Storage
from tenantry.instance import Instance

from ._helpers import Cli, failed_cleanly, succeeded


def test_installed_entry_point_prints_help() -> None:
    script = shutil.which("tenantry", path=str(Path(sys.executable).parent))
    assert script is not None, "the tenantry script is not installed next to this Python"
    done = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    for command in ("db", "module", "shell", "demo"):
        assert command in done.stdout


@pytest.mark.parametrize(
    ("group", "commands"),
    [
        ("db", ["create", "list", "drop", "duplicate", "dump", "restore", "size"]),
        ("module", ["install", "upgrade", "uninstall", "list"]),
    ],
)
def test_each_group_and_command_has_help(cli: Cli, group: str, commands: list[str]) -> None:
    overview = succeeded(cli(group, "--help")).stdout
    for command in commands:
        assert command in overview
        assert "--db-url" in succeeded(cli(group, command, "--help")).stdout


def test_shell_and_demo_have_help(cli: Cli) -> None:
    assert "--db-url" in succeeded(cli("shell", "--help")).stdout
    assert "--db-url" in succeeded(cli("demo", "--help")).stdout


def _commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for command in group.registered_commands:
        yield (*prefix, command.name or command.callback.__name__)  # type: ignore[union-attr]
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        yield from _commands(sub.typer_instance, (*prefix, sub.name or sub.typer_instance.info.name))  # type: ignore[arg-type]


@pytest.mark.parametrize("command", list(_commands(app)), ids=" ".join)
def test_help_shows_plain_placeholders(cli: Cli, command: tuple[str, ...]) -> None:
    # Typer 0.27+ renders "{name}" and "<str>", and 0.29 "<bool>" after every flag.
    text = succeeded(cli(*command, "--help")).stdout
    for placeholder in ("<bool>", "<str>", "<int>", "{", "}"):
        assert placeholder not in text, f"{placeholder!r} in the help of {' '.join(command)}"


def test_version_option(cli: Cli) -> None:
    assert succeeded(cli("--version")).stdout == f"tenantry {tenantry.__version__}\n"


def test_db_url_is_read_from_tenantry_db_url(cli: Cli, db_url: str) -> None:
    with Storage(db_url) as storage:
        storage.create("raw")
        listed = succeeded(cli("db", "list", env={"TENANTRY_DB_URL": db_url}))
        # The shared PostgreSQL cluster also holds other tests' databases: the same list.
        assert listed.stdout.splitlines() == storage.list()
        assert "raw" in storage.list()


def test_addons_path_is_read_from_tenantry_addons_path(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "no-addons-here"
    url = f"sqlite:///{tmp_path / 'data'}"
    result = cli("db", "list", db_url=url, env={"TENANTRY_ADDONS_PATH": str(missing)})
    assert failed_cleanly(result) == f"Error: Addons path {missing} is not a directory"


def test_an_unsupported_url_is_a_clean_error(cli: Cli) -> None:
    error = failed_cleanly(cli("db", "list", db_url="mysql://localhost/"))
    assert error.startswith("Error: Unsupported storage URL 'mysql://localhost/'")


def test_an_unreachable_server_is_a_clean_error_that_hides_the_password(cli: Cli) -> None:
    error = failed_cleanly(cli("db", "list", db_url="postgresql://u:secret@127.0.0.1:1/"))
    assert error.startswith("Error: Cannot reach the database server postgresql://u:***@127.0.0.1:1/")
    assert "secret" not in error


def test_unexpected_exceptions_are_not_swallowed(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Instance) -> list[str]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Instance, "list_databases", broken)
    result = cli("db", "list", db_url=f"sqlite:///{tmp_path / 'data'}")
    assert isinstance(result.exception, RuntimeError)
    assert "Error:" not in result.stderr


def test_step_shows_a_spinner_then_a_check_mark_on_a_terminal() -> None:
    screen = io.StringIO()
    with step("Working", "Worked", console=Console(file=screen, force_terminal=True, color_system=None)):
        pass
    assert "Working" in screen.getvalue()
    assert "✓ Worked (" in screen.getvalue()


def test_step_prints_one_plain_line_when_piped_and_nothing_on_failure() -> None:
    piped = io.StringIO()
    with step("Working", "Worked", console=Console(file=piped)):
        pass
    assert piped.getvalue().startswith("Worked (")
    assert piped.getvalue().count("\n") == 1

    failing = io.StringIO()
    with pytest.raises(ValueError), step("Working", "Worked", console=Console(file=failing)):
        raise ValueError
    assert failing.getvalue() == ""
